/**
 * Reaching the Firefox build's background page from Puppeteer over WebDriver BiDi.
 *
 * Firefox's BiDi lists no browsing context for an extension's background page, so there is nothing to evaluate in
 * directly. What works (measured on Firefox 153.8 ESR, puppeteer-core 24.43): one tab of the kit's own on an
 * extension page that talks to nobody (`report.html`: reads only what is pasted, opens no port, so it is not a
 * "watching UI"), where `browser.runtime.getBackgroundPage()` returns the background's `window` — the MV2
 * persistent background page lives in the same extension process. The function to run is placed in a scope whose
 * `globalThis` is that window, so the same functions the tests evaluate in Chromium's service worker
 * (`globalThis.cpsBridge`, `globalThis.chrome.storage…`) run unchanged against the background page. Results are
 * returned as JSON, like the service worker handle's.
 */
import type { Page } from "puppeteer-core";
import type { ServiceWorkerHandle } from "./service-worker";

/** The extension page the kit keeps open to reach the background (see above). */
export const BACKGROUND_PROBE_PAGE = "report.html";

export function backgroundPageExpression(fnSource: string, args: unknown[]): string {
  return `(async () => {
    const bg = await browser.runtime.getBackgroundPage();
    if (!bg) throw new Error("no background page");
    const r = await (function (globalThis) { return (${fnSource})(...${JSON.stringify(args)}); })(bg);
    return r === undefined ? undefined : JSON.parse(JSON.stringify(r));
  })()`;
}

/** A handle with the service worker handle's shape, evaluating in the background page through `probe`. */
export function backgroundPageHandle(probe: Page): ServiceWorkerHandle {
  return {
    targetId: "firefox-background-page",
    async evaluate(fn, ...args) {
      return (await probe.evaluate(backgroundPageExpression(fn.toString(), args))) as never;
    },
  };
}
