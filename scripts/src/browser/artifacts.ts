/**
 * Screenshots written as test artifacts under `test-artifacts/` at the repository root (git-ignored): what a
 * doctor sees in each state, for people to look at.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { REPO_ROOT } from "./extension-build";

export const ARTIFACTS_DIR = process.env.CPS_BRIDGE_ARTIFACTS_DIR ?? join(REPO_ROOT, "test-artifacts");

/** Saves `selector` (default: the page's `main` element) as `test-artifacts/<name>.png`; returns the path. */
export async function screenshot(page: Page, name: string, selector = "main"): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^a-zA-Z0-9._-]/g, "_")}.png`);
  const el = await page.$(selector);
  if (el) await el.screenshot({ path: path as `${string}.png` });
  else await page.screenshot({ path: path as `${string}.png` });
  return path;
}
