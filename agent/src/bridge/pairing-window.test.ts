import { isBridgeError } from "@cps-bridge/protocol/errors";
import { describe, expect, it } from "vitest";
import { drawPairingCode, formatPairingCode, PairingWindow, type WindowEvent } from "./pairing-window";

const opts = { windowMs: 120_000, maxWrongCodes: 5, lockoutMs: 60_000 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isBridgeError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe("pairing code", () => {
  it("is 6 decimal digits", () => {
    for (let i = 0; i < 1000; i++) expect(drawPairingCode()).toMatch(/^\d{6}$/);
    expect(formatPairingCode("012345")).toBe("012 345");
  });

  it("is uniform over its digits (chi-square on 60,000 draws, first digit and last digit)", () => {
    const first = new Array(10).fill(0);
    const last = new Array(10).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const c = drawPairingCode();
      first[Number(c[0])]++;
      last[Number(c[5])]++;
    }
    const chi = (counts: number[]) => counts.reduce((s, o) => s + (o - n / 10) ** 2 / (n / 10), 0);
    // 9 degrees of freedom: P(chi² > 27.88) = 0.001. A modulo-biased or constant generator fails by far.
    expect(chi(first)).toBeLessThan(27.88);
    expect(chi(last)).toBeLessThan(27.88);
  });
});

describe("PairingWindow", () => {
  it("accepts the right code once, then is closed", () => {
    const w = new PairingWindow({ ...opts, drawCode: () => "123456" });
    const events: WindowEvent[] = [];
    const { code } = w.open((e) => events.push(e));
    expect(code).toBe("123456");
    expect(codeOf(() => w.check("123456"))).toBeUndefined();
    w.completed("abcd", "Chrome");
    expect(events).toEqual([{ type: "paired", pairingId: "abcd", label: "Chrome" }]);
    expect(codeOf(() => w.check("123456"))).toBe("ERR_PAIRING_WINDOW_CLOSED");
  });

  it("accepts the code with the space the CLI prints", () => {
    const w = new PairingWindow({ ...opts, drawCode: () => "123456" });
    w.open();
    expect(codeOf(() => w.check("123 456"))).toBeUndefined();
  });

  it("refuses when no window is open, and after 2 minutes", () => {
    let t = 0;
    const w = new PairingWindow({ ...opts, now: () => t, drawCode: () => "123456" });
    expect(codeOf(() => w.check("123456"))).toBe("ERR_PAIRING_WINDOW_CLOSED");
    const events: WindowEvent[] = [];
    w.open((e) => events.push(e));
    t = 119_999;
    expect(w.isOpen()).toBe(true);
    t = 120_000;
    expect(codeOf(() => w.check("123456"))).toBe("ERR_PAIRING_WINDOW_CLOSED");
    expect(events).toEqual([{ type: "closed", reason: "expired" }]);
  });

  it("closes after 5 wrong codes (ERR_PAIRING_LOCKED) and refuses new windows during the lockout", () => {
    let t = 0;
    const w = new PairingWindow({ ...opts, now: () => t, drawCode: () => "123456" });
    const events: WindowEvent[] = [];
    w.open((e) => events.push(e));
    for (let i = 0; i < 4; i++) {
      try {
        w.check("000000");
      } catch (e) {
        expect(isBridgeError(e, "ERR_PAIRING_CODE_WRONG")).toBe(true);
        expect((e as { details: { attemptsLeft: number } }).details.attemptsLeft).toBe(4 - i);
      }
    }
    expect(codeOf(() => w.check("000000"))).toBe("ERR_PAIRING_LOCKED");
    expect(events).toEqual([{ type: "closed", reason: "locked" }]);
    // Even the right code is refused now, and no new window opens until the lockout ends.
    expect(codeOf(() => w.check("123456"))).toBe("ERR_PAIRING_LOCKED");
    expect(codeOf(() => w.open())).toBe("ERR_PAIRING_LOCKED");
    t = 60_000;
    w.open();
    expect(codeOf(() => w.check("123456"))).toBeUndefined();
  });

  it("a new window replaces the old code", () => {
    const codes = ["111111", "222222"];
    const w = new PairingWindow({ ...opts, drawCode: () => codes.shift()! });
    const events: WindowEvent[] = [];
    w.open((e) => events.push(e));
    w.open();
    expect(events).toEqual([{ type: "closed", reason: "replaced" }]);
    expect(codeOf(() => w.check("111111"))).toBe("ERR_PAIRING_CODE_WRONG");
    expect(codeOf(() => w.check("222222"))).toBeUndefined();
  });

  it("treats codes of the wrong length as wrong", () => {
    const w = new PairingWindow({ ...opts, drawCode: () => "123456" });
    w.open();
    expect(codeOf(() => w.check("1234567"))).toBe("ERR_PAIRING_CODE_WRONG");
    expect(codeOf(() => w.check("12345"))).toBe("ERR_PAIRING_CODE_WRONG");
    expect(codeOf(() => w.check(""))).toBe("ERR_PAIRING_CODE_WRONG");
  });
});
