/**
 * Shared set-up of the login e2e files: the whole slice (test bench, real agent in test mode, mock portal, Chromium
 * or Firefox with the built extension, paired, the mock's origin enabled as a developer portal: scripts/src/demo/slice.ts) and
 * small waits around the PIN window and the portal.
 */
// The `extensionPath` the e2e global setup provides (its ProvidedContext declaration).
import type {} from "@cps-bridge/scripts/browser/vitest-global-setup";
import {
  nextPinWindow as nextPinWindowOf,
  pinTargets as pinTargetsOf,
  typePin,
} from "@cps-bridge/scripts/demo/pin-window";
import { type Slice, type SliceOptions, startSlice } from "@cps-bridge/scripts/demo/slice";
import { DOCTOR } from "@cps-bridge/scripts/mock-portal/testing/flows";
import type { InsertOptions } from "@cps-bridge/scripts/testbed/card-host";
import type { ProfileName } from "@cps-bridge/scripts/testbed/cards/virtual-card";
import type { Page, Target } from "puppeteer-core";
import { inject } from "vitest";
import { extensionPathFor } from "./helpers";

export const PIN = "1234";

export function startLoginSlice(o: SliceOptions = {}): Promise<Slice> {
  const extensionPath = o.browser ? extensionPathFor(o.browser) : inject("extensionPath");
  return startSlice({ extensionPath, ...o });
}

/** Replaces whatever is in reader 0 (or leaves it empty with `null`). */
export async function card(s: Slice, profile: ProfileName | null, options?: InsertOptions): Promise<void> {
  if (s.tb.card(0)) await s.tb.remove(0);
  if (profile) await s.tb.insert(0, profile, options);
}

/** Chromium only: every PIN window target, closing leftovers included. */
export function pinTargets(s: Slice): Target[] {
  return pinTargetsOf(s.kit.browser);
}

/** The open PIN windows (both browsers: Firefox's BiDi gives extension pages no target URL, see the kit). */
export function pinWindows(s: Slice): Promise<Page[]> {
  return s.kit.extensionPages("pin.html");
}

/** Chromium only: resolves with the PIN window opened after this call (the previous one may still be closing). */
export function nextPinWindow(s: Slice, timeoutMs = 10_000): Promise<Page> {
  return nextPinWindowOf(s.kit.browser, timeoutMs);
}

/**
 * Both browsers: notes the PIN windows open now, and returns a wait for the next one (call it after the click).
 * Two steps because listing the pages is asynchronous in Firefox: the click must come after the list is taken.
 */
export async function watchPinWindow(s: Slice, timeoutMs = 10_000): Promise<() => Promise<Page>> {
  const before = new Set(await pinWindows(s));
  return async () => {
    const page = await s.kit.waitForExtensionPage("pin.html?request=", { exclude: before, timeoutMs });
    await page.waitForSelector("main[data-pin-view]", { timeout: timeoutMs });
    return page;
  };
}

export { typePin };

/** After each test: closes the pages it opened and any PIN window left, and ends the portal session. */
export async function cleanUp(s: Slice, pages: Page[]): Promise<void> {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  for (const p of await pinWindows(s)) await p.close().catch(() => {});
  await logout(s);
}

/** Opens the login page in a new tab, remembered in `pages` for {@link cleanUp}. */
export async function openLoginTracked(s: Slice, pages: Page[]): Promise<Page> {
  const page = await s.openLogin();
  pages.push(page);
  return page;
}

/** Ends the portal session of this browser (the next test starts logged out). */
export function logout(s: Slice): Promise<void> {
  return s.logout();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The mock's password account (scripts/src/mock-portal/accounts.ts). */
export const PASSWORD_ACCOUNT = { user: DOCTOR.username, password: DOCTOR.password } as const;

/**
 * Logs in by identifiant + mot de passe and the e-mailed code read from the mock's admin (not the OTP autofill:
 * the files that use this test something else); ends on the dashboard.
 */
export async function passwordLogin(s: Slice, page: Page): Promise<void> {
  await page.goto(s.loginUrl, { waitUntil: "load" });
  await page.type("#UserName", PASSWORD_ACCOUNT.user);
  await page.type("#Password", PASSWORD_ACCOUNT.password);
  await Promise.all([page.waitForNavigation(), page.click("#LoginButton")]);
  const code = s.portal.admin.lastOtp()!.code;
  await page.type("#CodeOTP", code);
  await Promise.all([page.waitForNavigation(), page.click("#btnValider")]);
  if (!s.isDashboard(page.url())) throw new Error(`password login ended on ${page.url()}, not the dashboard`);
}
