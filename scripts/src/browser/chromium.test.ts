import { describe, expect, it } from "vitest";
import { BrowserKitError, chromiumArgs, findChromium } from "./chromium";

describe("chromium", () => {
  it("adds --no-sandbox only for root, and always the offline-machine switches", () => {
    expect(chromiumArgs({ root: true })).toContain("--no-sandbox");
    expect(chromiumArgs({ root: false })).not.toContain("--no-sandbox");
    for (const flag of [
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ]) {
      expect(chromiumArgs({ root: false })).toContain(flag);
    }
  });

  it("CHROMIUM_PATH wins, and a wrong one is reported with the fix", () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
    expect(() => findChromium({ CHROMIUM_PATH: "/nope/chromium" })).toThrow(BrowserKitError);
  });
});
