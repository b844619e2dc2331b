/** Shared set-up of the extension e2e files: test bench + real agent + Chromium with the extension, paired. */
import {
  type AgentProcess,
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

export async function startWorld({ pair = true } = {}): Promise<World> {
  const w: Partial<World> = {};
  try {
    w.tb = await Testbed.start();
    w.agent = await startAgent({ testAnchors: w.tb.trustAnchorsPath });
    w.kit = await launchBrowser({
      extensionPath: inject("extensionPath"),
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

/** The toolbar badge as the worker set it. */
export async function badge(kit: ExtensionBrowser): Promise<{ text: string; title: string }> {
  const sw = await kit.serviceWorker();
  return sw.evaluate(async () => {
    const action = (
      globalThis as unknown as {
        chrome: { action: { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> } };
      }
    ).chrome.action;
    return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
  });
}

/** Saves a screenshot artifact and returns its path (for the report). */
export function shot(page: Page, name: string): Promise<string> {
  return screenshot(page, name);
}
