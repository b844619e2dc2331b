/**
 * Shared set-up of the extension e2e files: test bench + real agent + Chromium or Firefox with the extension, paired.
 * The files that run on both browsers loop over {@link BROWSERS} (`describe.each(BROWSERS)`).
 */
import {
  type AgentProcess,
  type BrowserName,
  type ExtensionBrowser,
  launchBrowser,
  screenshot,
  startAgent,
} from "@cps-bridge/scripts/browser/index";
// The `extensionPath` the e2e global setup provides (its ProvidedContext declaration).
import type {} from "@cps-bridge/scripts/browser/vitest-global-setup";
import { Testbed } from "@cps-bridge/scripts/testbed/index";
import type { Page } from "puppeteer-core";
import { inject } from "vitest";

export interface World {
  tb: Testbed;
  agent: AgentProcess;
  kit: ExtensionBrowser;
}

/** The browsers the cross-browser e2e files run on. */
export const BROWSERS: readonly BrowserName[] = ["chromium", "firefox"];

/** The built extension for `browser`, as the e2e global setup built it. */
export function extensionPathFor(browser: BrowserName): string {
  return browser === "firefox" ? inject("firefoxExtensionPath") : inject("extensionPath");
}

export async function startWorld({
  pair = true,
  browser = "chromium" as BrowserName,
}: {
  pair?: boolean;
  browser?: BrowserName;
} = {}): Promise<World> {
  const w: Partial<World> = {};
  try {
    w.tb = await Testbed.start();
    w.agent = await startAgent({ testAnchors: w.tb.trustAnchorsPath });
    w.kit = await launchBrowser({
      browser,
      extensionPath: extensionPathFor(browser),
      settings: { agentPort: w.agent.port },
      cards: w.tb,
    });
    if (pair) await w.kit.pair({ agent: w.agent });
    return w as World;
  } catch (e) {
    // A half-built world must not outlive the test: a leftover agent keeps reading the test bench's cards and
    // interleaves its APDUs with the next test's agent (seen as SW 6986 "inconsistent card answers").
    await stopWorld(w);
    throw e;
  }
}

export async function stopWorld(w: Partial<World>): Promise<void> {
  await w.kit?.close();
  await w.agent?.close();
  await w.tb?.stop();
}

/** The toolbar badge as the background set it (`action` in Chromium MV3, `browserAction` in Firefox MV2). */
export async function badge(kit: ExtensionBrowser): Promise<{ text: string; title: string }> {
  const sw = await kit.serviceWorker();
  return sw.evaluate(async () => {
    type Action = { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> };
    type Api = { action?: Action; browserAction?: Action };
    const g = globalThis as unknown as { browser?: Api; chrome: Api };
    const api = g.browser ?? g.chrome;
    const action = (api.action ?? api.browserAction) as Action;
    return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
  });
}

/** Saves a screenshot artifact and returns its path (for the report). */
export function shot(page: Page, name: string): Promise<string> {
  return screenshot(page, name);
}
