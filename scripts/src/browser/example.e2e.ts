/**
 * The documented example (docs/testing-with-puppeteer.md) runs in CI, so the documentation cannot rot.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e scripts/src/browser/example.e2e.ts
 */
import { describe, expect, it } from "vitest";
import { runExample } from "./example";

describe("docs/testing-with-puppeteer.md example", () => {
  it("pairs, shows the CPS3 holder in the popup, then the removal", async () => {
    const r = await runExample();
    expect(r.holderLine).toContain("Claire MARTIN");
    expect(r.screenshots).toHaveLength(2);
  }, 180_000);
});
