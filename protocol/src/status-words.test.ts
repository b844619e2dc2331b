import { describe, expect, it } from "vitest";
import { codeForStatusWord, STATUS_WORDS, statusWordRule } from "./status-words";

describe("status words (cps-card.md §2.5)", () => {
  it.each([
    [0x9000, null],
    [0x6110, null],
    [0x9f20, null],
    [0x63c2, "ERR_PIN_INCORRECT"],
    [0x63c1, "ERR_PIN_INCORRECT"],
    [0x63c0, "ERR_PIN_BLOCKED"],
    [0x6983, "ERR_PIN_BLOCKED"],
    [0x6982, "ERR_PIN_REQUIRED"],
    [0x6985, "ERR_CARD_OPERATION_FAILED"],
    [0x6a82, "ERR_CARD_DATA_INVALID"],
    [0x6e00, "ERR_CARD_OPERATION_FAILED"],
    [0x9804, "ERR_PIN_INCORRECT"],
    [0x9840, "ERR_PIN_BLOCKED"],
    [0x6f00, "ERR_CARD_OPERATION_FAILED"],
  ])("%s → %s", (sw, code) => {
    expect(codeForStatusWord(sw)).toBe(code);
  });

  it("matches 63C0 before the 63Cx pattern", () => {
    expect(statusWordRule(0x63c0)?.pattern).toBe("63C0");
    expect(STATUS_WORDS.findIndex((r) => r.pattern === "63C0")).toBeLessThan(
      STATUS_WORDS.findIndex((r) => r.pattern === "63Cx"),
    );
  });
});
