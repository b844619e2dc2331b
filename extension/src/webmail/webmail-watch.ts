/**
 * The webmail content script's work (issue 11 §2): on a page of a known webmail the doctor allowed — an Internet
 * webmail ticked in the options (the background registered this script for its granted origins only), or a loopback
 * webmail listed in the developer section —
 * whenever the opened message changes, read it with webmail-reader.ts (the sender first; another sender's message
 * is never read) and send the portal's code, its date, sender and the webmail's message id to the background —
 * once per message. Nothing is stored, shown or logged here; the background applies every rule again
 * (background/otp/broker.ts).
 */
import { browser } from "wxt/browser";
import { DEFAULT_OTP_SETTINGS, loadOtpSettings } from "../shared/otp-settings";
import { loadSettings, normaliseOrigin } from "../shared/settings";
import { readCandidate } from "./webmail-reader";
import { enabledServiceFor } from "./webmail-services";

export async function startWebmailWatch(doc: Document = document, location: Location = window.location): Promise<void> {
  const origin = normaliseOrigin(location.origin, { developer: true });
  const [settings, otp] = await Promise.all([
    loadSettings().catch(() => undefined),
    loadOtpSettings().catch(() => DEFAULT_OTP_SETTINGS),
  ]);
  // Loopback webmails (the test bench's Roundcube, a developer's) only when listed in the developer section; an
  // Internet webmail only while its service is ticked (the registration may lag a change by a moment).
  const developer = origin !== undefined && settings?.developerOrigins.includes(origin) === true;
  if (!developer && !enabledServiceFor(new URL(location.href), otp.webmails)) return;
  const senders = otp.senders;
  const sent = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    const c = readCandidate(new URL(location.href), doc, new Date(), senders);
    if (!c || sent.has(c.mailId)) return;
    sent.add(c.mailId);
    void browser.runtime.sendMessage({ type: "otp.webmail-code", ...c }).catch(() => sent.delete(c.mailId));
  };
  const schedule = () => {
    if (timer === undefined) timer = setTimeout(check, 200);
  };
  new MutationObserver(schedule).observe(doc.documentElement, { childList: true, subtree: true });
  check();
}
