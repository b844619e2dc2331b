import { browser } from "wxt/browser";
import { defineHandler, fail } from "../router";

/** The extension pages another UI may open: a content script cannot navigate a portal tab to them (not web-accessible). */
const PAGES = { pair: "/pair.html", options: "/options.html", diagnostics: "/diagnostics.html" } as const;

/**
 * Portal login assistant (issue 6): "Appairer l'extension" / "Réglages" buttons of the panel open the extension's own
 * page in a new tab. Nothing else: the request names one of three fixed pages, never a URL.
 */
export default defineHandler({
  type: "ui.open",
  from: ["content-script", "extension-page"],
  async handle({ page }) {
    if (typeof page !== "string" || !Object.hasOwn(PAGES, page)) return fail("ERR_INVALID_PARAMS");
    await browser.tabs.create({ url: browser.runtime.getURL(PAGES[page as keyof typeof PAGES]) });
    return { ok: true };
  },
});
