/**
 * The webmails on the Internet that the OTP autofill can read (issue 11 §2; docs/otp.md §3), as the doctor sees them
 * in the options: one entry per service, with the origins its content script needs. Nothing runs on these sites
 * until the doctor ticks the service: the options page then asks the browser for exactly these origins (optional
 * host permissions, never at install) and the background registers the webmail content script for the granted ones
 * (background/otp/webmail-scripts.ts). The manifest's optional permissions are built from this list
 * (wxt.config.ts), so a service cannot be offered without being declared, nor declared without being offered.
 *
 * [U] the hosts: taken from the providers' public sign-in pages as known, not checked against the live sites here;
 * each selector set (gmail.ts, outlook.ts, …) tolerates the variants it names. Orange moves its mail between
 * `messagerie.orange.fr` and numbered `mailNN.orange.fr` hosts, so its entry covers `*.orange.fr`; the reader still
 * acts only where its detector recognises an opened message (orange.ts).
 */

export interface WebmailService {
  /** Stable id stored in the options (`otpSettings.webmails`); also the selector set's id. */
  id: string;
  /** Shown to the doctor. */
  label: string;
  /** Match patterns (https only) asked as optional host permissions and given to the registered content script. */
  origins: readonly string[];
}

export const INTERNET_WEBMAILS: readonly WebmailService[] = [
  { id: "gmail", label: "Gmail", origins: ["https://mail.google.com/*"] },
  {
    id: "outlook",
    label: "Outlook.com / Microsoft 365",
    origins: ["https://outlook.live.com/*", "https://outlook.office.com/*", "https://outlook.office365.com/*"],
  },
  { id: "orange", label: "Orange", origins: ["https://*.orange.fr/*"] },
  { id: "sfr", label: "SFR", origins: ["https://webmail.sfr.fr/*", "https://messagerie.sfr.fr/*"] },
  { id: "laposte", label: "La Poste", origins: ["https://webmail.laposte.net/*", "https://mail.laposte.net/*"] },
  { id: "zimbra", label: "Free (Zimbra)", origins: ["https://zimbra.free.fr/*"] },
];

/** Every origin pattern of the list (the manifest's optional host permissions). */
export function webmailOriginPatterns(): string[] {
  return INTERNET_WEBMAILS.flatMap((w) => [...w.origins]);
}

/**
 * Whether a URL is covered by a match pattern of the shapes used above: `https://host/*` or `https://*.domain/*`
 * (the browser's own rule for those shapes: the wildcard matches the domain itself and any subdomain).
 */
export function patternMatches(pattern: string, url: URL): boolean {
  const m = /^(https?):\/\/(\*\.)?([^/*]+)\/\*$/.exec(pattern);
  if (!m) return false;
  if (url.protocol !== `${m[1]}:`) return false;
  const host = url.hostname.toLowerCase();
  const base = (m[3] ?? "").toLowerCase();
  return m[2] ? host === base || host.endsWith(`.${base}`) : host === base;
}

/** The enabled service whose origins cover this URL, if any. */
export function enabledServiceFor(url: URL, enabled: readonly string[]): WebmailService | undefined {
  return INTERNET_WEBMAILS.find((w) => enabled.includes(w.id) && w.origins.some((p) => patternMatches(p, url)));
}

/** Keeps only known service ids, each once, in the list's order. */
export function knownWebmailIds(ids: readonly unknown[]): string[] {
  return INTERNET_WEBMAILS.map((w) => w.id).filter((id) => ids.includes(id));
}
