/** browser.version: Chrome/Chromium ≥ 116 or Firefox ≥ 115 (wxt.config.ts minimum_chrome_version / strict_min_version). */
import type { BrowserCheck } from "../check";
import "../codes";

export const MIN_CHROME = 116;
export const MIN_FIREFOX = 115;

/** The browser family and major version a user agent names (Edge and Chromium count as Chrome: same engine). */
export function parseUserAgent(ua: string): { browser: "Chrome" | "Firefox"; major: number } | undefined {
  const ff = /Firefox\/(\d+)/.exec(ua);
  if (ff) return { browser: "Firefox", major: Number(ff[1]) };
  const cr = /(?:Chrome|Chromium|HeadlessChrome)\/(\d+)/.exec(ua);
  if (cr) return { browser: "Chrome", major: Number(cr[1]) };
  return undefined;
}

export const browserVersion: BrowserCheck = {
  id: "browser.version",
  dependsOn: [],
  codes: ["DIAG_BROWSER_SUPPORTED", "DIAG_BROWSER_TOO_OLD", "DIAG_BROWSER_UNKNOWN"],
  async run(ctx) {
    const p = parseUserAgent(ctx.userAgent);
    const facts = { userAgent: ctx.userAgent.slice(0, 300) };
    if (!p) return { verdict: "warning", code: "DIAG_BROWSER_UNKNOWN", facts };
    const minimum = p.browser === "Firefox" ? MIN_FIREFOX : MIN_CHROME;
    const params = { browser: p.browser, version: p.major, minimum };
    if (p.major < minimum) return { verdict: "failed", code: "DIAG_BROWSER_TOO_OLD", params, facts };
    return { verdict: "ok", code: "DIAG_BROWSER_SUPPORTED", params, facts };
  },
};
