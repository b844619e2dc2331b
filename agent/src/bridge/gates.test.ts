import { describe, expect, it } from "vitest";
import { classifyOrigin, headerForLog, hostAllowed, isLoopbackAddress, RefusalLog, refusalStatus } from "./gates";

const CHROME = "chrome-extension://banlgmakknkcdfmohidddadanllieedl";
const FF = "moz-extension://0b0e2f52-6a7c-4e0a-9a55-2b7d3c1c9f10";
const allowed = new Set([CHROME]);

describe("gates", () => {
  it("Host: exactly 127.0.0.1:<port> or localhost:<port>", () => {
    expect(hostAllowed("127.0.0.1:17777", 17777)).toBe(true);
    expect(hostAllowed("localhost:17777", 17777)).toBe(true);
    for (const h of [
      "evil.example:17777",
      "127.0.0.1",
      "127.0.0.1:17778",
      "LOCALHOST:17777",
      "[::1]:17777",
      "127.0.0.1:17777 ",
    ]) {
      expect(hostAllowed(h, 17777), h).toBe(false);
    }
    expect(hostAllowed(undefined, 17777)).toBe(false);
    expect(hostAllowed(["127.0.0.1:17777"], 17777)).toBe(false);
  });

  it("Origin: the pinned id exactly; Firefox paired or pairing-only; everything else refused with its reason", () => {
    const paired = (o: string) => o === FF;
    expect(classifyOrigin(CHROME, allowed, paired)).toEqual({ ok: true, kind: "extension" });
    expect(classifyOrigin(FF, allowed, paired)).toEqual({ ok: true, kind: "paired-firefox" });
    expect(classifyOrigin(FF.replace("0b0e", "1b0e"), allowed, paired)).toEqual({ ok: true, kind: "unpaired-firefox" });
    const refused: Array<[string | undefined, string]> = [
      [undefined, "origin-missing"],
      ["null", "origin-null"],
      ["https://evil.example", "origin-web"],
      ["http://127.0.0.1:3000", "origin-web"],
      ["chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "origin-extension-unknown"],
      [`${CHROME}/`, "origin-extension-unknown"],
      [CHROME.toUpperCase(), "origin-extension-unknown"],
      ["moz-extension://not-a-uuid", "origin-extension-unknown"],
      ["file://", "origin-malformed"],
      ["", "origin-malformed"],
    ];
    for (const [o, reason] of refused)
      expect(classifyOrigin(o, allowed, paired), String(o)).toEqual({ ok: false, reason });
  });

  it("maps refusals to HTTP statuses and keeps logged headers printable and short", () => {
    expect(refusalStatus("host")).toBe(421);
    expect(refusalStatus("origin-web")).toBe(403);
    expect(refusalStatus("too-many-connections")).toBe(503);
    expect(headerForLog("a\nb\u0000c".padEnd(500, "x"))).toMatch(/^a\?b\?cx{115}$/);
    expect(headerForLog("x".repeat(500))?.length).toBe(120);
    expect(isLoopbackAddress("127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("192.168.1.2")).toBe(false);
  });

  it("logs each refusal reason once, then at most N per minute, with the count suppressed", () => {
    let t = 0;
    const lines: Array<[string, Record<string, unknown>]> = [];
    const log = new RefusalLog(
      (r, f) => lines.push([r, f]),
      2,
      () => t,
    );
    for (let i = 0; i < 100; i++) log.refused("origin-web", { i });
    log.refused("host", {});
    expect(lines.map((l) => l[0])).toEqual(["origin-web", "origin-web", "host"]);
    t = 60_000;
    log.refused("origin-web", {});
    expect(lines.at(-1)?.[1]).toEqual({ suppressedSinceLastLine: 98 });
  });
});
