/**
 * The hidden inputs every ASP.NET WebForms page carries (viatrajectoire.md §8.2 [G]: the real login page is WebForms).
 * `__EVENTVALIDATION` is an HMAC of the page name with a per-process key, checked on postback, so a test or a
 * script posting the form must have loaded the page first — as with the real portal.
 */
import { createHmac, randomBytes } from "node:crypto";
import { html, type SafeHtml } from "../html";

const KEY = randomBytes(32);

export function eventValidation(page: string): string {
  return `/wEdAAU${createHmac("sha256", KEY).update(page).digest("base64")}`;
}

export function checkEventValidation(page: string, value: string | undefined): boolean {
  return value === eventValidation(page);
}

export function webFormsHidden(page: string): SafeHtml {
  const viewState = `/wEPDwUKLTk${randomBytes(48).toString("base64")}`;
  return html`<div class="aspNetHidden">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="">
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="${viewState}">
<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="C2EE9ABB">
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="${eventValidation(page)}">
</div>`;
}
