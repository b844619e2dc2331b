// @vitest-environment happy-dom
/**
 * Every selector of selectors.ts against its expected-count fixtures (Refined GitHub's selectors.test.ts, with saved
 * pages instead of live fetches: the portal sits behind a login, anchors.md §4.3). A failure names the selector to fix.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as S from "./dashboard-selectors";
import { FIXTURES, loadFixture } from "./fixtures/load";
import type { SelectorFixtures } from "./selectors";

const entries = Object.entries(S).filter(([name, v]) => typeof v === "string" && `${name}_` in S) as [string, string][];

describe("dashboard selectors", () => {
  it("every selector has its fixture list, and every fixture exists", () => {
    const files = new Set(readdirSync(FIXTURES));
    expect(entries.length).toBeGreaterThan(5);
    for (const [name] of entries) {
      const list = (S as Record<string, unknown>)[`${name}_`] as SelectorFixtures;
      expect(list.length, name).toBeGreaterThan(0);
      for (const [, file] of list) expect(files.has(file), `${name}: ${file}`).toBe(true);
    }
  });

  for (const [name, selector] of entries) {
    const list = (S as Record<string, unknown>)[`${name}_`] as SelectorFixtures;
    for (const [count, file] of list) {
      it(`${name} matches ${count} in ${file}`, () => {
        expect(loadFixture(file).querySelectorAll(selector).length).toBe(count);
      });
    }
  }
});
