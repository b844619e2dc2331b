/**
 * The extension's PIN window from Puppeteer: the demo, the login benchmark and the login e2e tests wait for it to
 * open after the click in the assistant's panel, and type the PIN there — the one place a PIN may be typed.
 */
import type { Browser, Page, Target } from "puppeteer-core";

/** Every PIN window (and its closing leftovers) the browser has now. */
export function pinTargets(browser: Browser): Target[] {
  return browser.targets().filter((t) => t.url().includes("/pin.html"));
}

/** Resolves with the PIN window opened after this call (a previous one may still be closing). */
export function nextPinWindow(browser: Browser, timeoutMs = 10_000): Promise<Page> {
  const before = new Set(browser.targets());
  return browser
    .waitForTarget((t) => t.url().includes("/pin.html?request=") && !before.has(t), { timeout: timeoutMs })
    .then(async (t) => {
      const page = await t.page();
      if (!page) throw new Error("the PIN window has no page");
      await page.waitForSelector("main[data-pin-view]", { timeout: timeoutMs });
      return page;
    });
}

/** Types the PIN with real key events and submits it. */
export async function typePin(pinWindow: Page, pin: string): Promise<void> {
  await pinWindow.waitForSelector("#pin:not([disabled])");
  await pinWindow.type("#pin", pin);
  await pinWindow.click('[data-action="pin-submit"]');
}
