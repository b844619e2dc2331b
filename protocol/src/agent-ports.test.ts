import { describe, expect, it } from "vitest";
import { agentPortIndex, formatPairingEntry, pairingEntry, parsePairingEntry } from "./agent-ports";
import { AGENT_PORT_RANGE, DEFAULT_AGENT_PORT } from "./extension-ids";

describe("agent port range and pairing entries", () => {
  it("is the default port and the nine next ones", () => {
    expect(AGENT_PORT_RANGE).toEqual([17777, 17778, 17779, 17780, 17781, 17782, 17783, 17784, 17785, 17786]);
    expect(AGENT_PORT_RANGE[0]).toBe(DEFAULT_AGENT_PORT);
    expect(agentPortIndex(17780)).toBe(3);
    expect(agentPortIndex(18000)).toBeUndefined();
  });

  it("prefixes the port index in the range, and round-trips", () => {
    for (const port of AGENT_PORT_RANGE) {
      const entry = pairingEntry("123456", port);
      expect(entry).toHaveLength(7);
      expect(parsePairingEntry(entry)).toEqual({ ok: true, code: "123456", port });
      expect(parsePairingEntry(formatPairingEntry("123456", port))).toEqual({ ok: true, code: "123456", port });
    }
    expect(formatPairingEntry("123456", 17780)).toBe("3 123 456");
  });

  it("outside the range: the 6 digits alone, for the configured port", () => {
    expect(pairingEntry("123456", 18000)).toBe("123456");
    expect(formatPairingEntry("123456", 18000)).toBe("123 456");
    expect(parsePairingEntry("123 456")).toEqual({ ok: true, code: "123456", port: undefined });
  });

  it.each(["12345", "12345678", "12a456", "", "1 23 45"])("refuses %j as a format error", (typed) => {
    expect(parsePairingEntry(typed)).toEqual({ ok: false, reason: "format" });
  });
});
