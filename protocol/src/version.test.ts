import { describe, expect, it } from "vitest";
import { checkCompatibility, PROTOCOL_MAJOR, PROTOCOL_VERSION, parseProtocolVersion, versionMismatch } from "./version";

describe("protocol version", () => {
  it("is 1.1 and parses strictly", () => {
    expect(PROTOCOL_VERSION).toBe("1.2");
    expect(parseProtocolVersion(PROTOCOL_VERSION)).toEqual({ major: PROTOCOL_MAJOR, minor: 2 });
    expect(parseProtocolVersion("12.345")).toEqual({ major: 12, minor: 345 });
    for (const bad of [
      "1",
      "1.0.0",
      "01.0",
      "1.01",
      "v1.0",
      " 1.0",
      "1.0 ",
      "",
      "1.x",
      "99999.0",
      1,
      null,
      undefined,
    ]) {
      expect(parseProtocolVersion(bad)).toBeUndefined();
    }
  });

  it.each([
    // agent, extension, verdict
    ["1.0", "1.0", "ok"],
    ["1.0", "1.7", "ok"],
    ["1.7", "1.0", "ok"],
    ["1.0", "2.0", "agent"],
    ["2.3", "1.9", "extension"],
    ["0.9", "1.0", "agent"],
    ["3.0", "1.0", "extension"],
    ["garbage", "1.0", "agent"],
    ["1.0", "garbage", "extension"],
  ])("agent %s × extension %s → %s", (agent, extension, verdict) => {
    const c = checkCompatibility(agent, extension);
    expect(c.compatible ? "ok" : c.requiresUpdate).toBe(verdict);
  });

  it("builds the ERR_VERSION_MISMATCH the agent answers to hello", () => {
    expect(versionMismatch("1.4")).toBeUndefined();
    const e = versionMismatch("2.0");
    expect(e?.code).toBe("ERR_VERSION_MISMATCH");
    expect(e?.details).toEqual({ requiresUpdate: "agent", agentProtocol: PROTOCOL_VERSION, clientProtocol: "2.0" });
    expect(versionMismatch("0.3")?.details).toMatchObject({ requiresUpdate: "extension" });
    expect(versionMismatch("x".repeat(100))?.details?.clientProtocol).toHaveLength(16);
  });
});
