import { describe, expect, it } from "vitest";
import pkg from "../package.json";
import {
  checkCompatibility,
  EXTENSION_CLIENT_NAME,
  MIN_AGENT_RELEASE,
  MIN_EXTENSION_RELEASE,
  PROTOCOL_MAJOR,
  PROTOCOL_VERSION,
  parseProtocolVersion,
  parseRelease,
  RELEASE_VERSION,
  releaseAtLeast,
  updateErrorCode,
  versionMismatch,
} from "./version";

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
    expect(e?.details).toEqual({
      requiresUpdate: "agent",
      agentProtocol: PROTOCOL_VERSION,
      clientProtocol: "2.0",
      agentRelease: RELEASE_VERSION,
    });
    expect(versionMismatch("0.3")?.details).toMatchObject({ requiresUpdate: "extension" });
    expect(versionMismatch("x".repeat(100))?.details?.clientProtocol).toHaveLength(16);
  });

  it("releases: x.y.z, an optional suffix ignored, compared numerically", () => {
    expect(RELEASE_VERSION).toBe(pkg.version);
    expect(parseRelease("0.1.0")).toEqual([0, 1, 0]);
    expect(parseRelease("1.20.3-rc.1")).toEqual([1, 20, 3]);
    for (const bad of ["1.0", "01.0.0", "v1.0.0", "1.0.0.0", "", 1, undefined])
      expect(parseRelease(bad)).toBeUndefined();
    expect(releaseAtLeast("0.10.0", "0.9.9")).toBe(true);
    expect(releaseAtLeast("0.9.9", "0.10.0")).toBe(false);
    expect(releaseAtLeast("1.0.0", "1.0.0")).toBe(true);
    expect(releaseAtLeast("garbage", "0.0.0")).toBe(false);
    expect(releaseAtLeast(RELEASE_VERSION, MIN_AGENT_RELEASE)).toBe(true);
    expect(releaseAtLeast(RELEASE_VERSION, MIN_EXTENSION_RELEASE)).toBe(true);
  });

  it("refuses a release below the other side's minimum, within one major", () => {
    expect(checkCompatibility("1.0", "1.0", { agent: "0.0.9" })).toMatchObject({
      compatible: false,
      requiresUpdate: "agent",
    });
    expect(checkCompatibility("1.0", "1.0", { extension: "0.0.9" })).toMatchObject({
      compatible: false,
      requiresUpdate: "extension",
    });
    expect(
      checkCompatibility("1.0", "1.0", { agent: MIN_AGENT_RELEASE, extension: MIN_EXTENSION_RELEASE }).compatible,
    ).toBe(true);
    // The major decides first: an old agent of another major is still "update the agent".
    expect(checkCompatibility("2.0", "1.0", { agent: "0.0.1" })).toMatchObject({ requiresUpdate: "extension" });
  });

  it("the agent checks the release of the extension only, never of other clients", () => {
    const old = versionMismatch(PROTOCOL_VERSION, PROTOCOL_VERSION, { name: EXTENSION_CLIENT_NAME, version: "0.0.1" });
    expect(old?.code).toBe("ERR_VERSION_MISMATCH");
    expect(old?.details).toMatchObject({
      requiresUpdate: "extension",
      clientRelease: "0.0.1",
      minExtensionRelease: MIN_EXTENSION_RELEASE,
    });
    expect(
      versionMismatch(PROTOCOL_VERSION, PROTOCOL_VERSION, { name: "cps-bridge-test", version: "0.0.0" }),
    ).toBeUndefined();
    expect(
      versionMismatch(PROTOCOL_VERSION, PROTOCOL_VERSION, { name: EXTENSION_CLIENT_NAME, version: RELEASE_VERSION }),
    ).toBeUndefined();
  });

  it("shows a mismatch as the code whose remedy is the update path of the side named", () => {
    expect(updateErrorCode("ERR_VERSION_MISMATCH", { requiresUpdate: "agent" })).toBe("ERR_AGENT_UPDATE_REQUIRED");
    expect(updateErrorCode("ERR_VERSION_MISMATCH", { requiresUpdate: "extension" })).toBe(
      "ERR_EXTENSION_UPDATE_REQUIRED",
    );
    expect(updateErrorCode("ERR_VERSION_MISMATCH")).toBe("ERR_VERSION_MISMATCH");
    expect(updateErrorCode("ERR_NO_CARD", { requiresUpdate: "agent" })).toBe("ERR_NO_CARD");
  });
});
