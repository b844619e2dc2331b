/**
 * Webmail readers for the OTP autofill (issue 11 §2; docs/otp.md): one selector set per webmail, each recognising
 * its pages by URL and content and reading ONLY the opened message — its sender, date, id and text — so that the
 * content script can look for the portal's code in it. Nothing is read from a message whose sender is not allowed:
 * the sender is checked before the body is touched (webmail-reader.ts).
 */
export interface OpenedMessage {
  /** The From as the webmail shows it: the bare address from its title/href (display names are not trusted). */
  sender: string;
  /** Epoch ms; webmails show minutes: the END of the shown minute (the rules then err on "newer"). */
  date: number;
  /** The webmail's id of the message (e.g. Roundcube's mailbox/UID), opaque to everyone else. */
  id: string;
  /** The message body's text (read only after the sender passed). */
  text(): string;
}

export interface Webmail {
  id: string;
  /** Example URLs this webmail's detector must recognise (tested). */
  examples: readonly string[];
  detect(url: URL, doc: Document): boolean;
  /** The opened message of this page, if any (header only; the body through `text()`). */
  opened(url: URL, doc: Document, now: Date): OpenedMessage | undefined;
}

const FR_MONTHS = ["janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"];

/**
 * A webmail's shown date → epoch ms at the end of that minute, local time. Tolerates the plausible shapes [U beyond
 * Roundcube's defaults]: « Aujourd’hui 09:02 », « Hier 23:59 », « 2026-12-06 09:02 », « 06/12/2026 09:02 »,
 * « dim. 06/12 09:02 », « 6 déc. 2026 09:02 », English « Today 09:02 ». Undefined when not understood.
 */
export function parseShownDate(shown: string, now: Date): number | undefined {
  const s = shown.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
  const time = /(\d{1,2})[:h](\d{2})/.exec(s);
  if (!time) return undefined;
  const hh = Number(time[1]);
  const mm = Number(time[2]);
  let y = now.getFullYear();
  let mo = now.getMonth();
  let d = now.getDate();
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(s);
  const slash = /(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?/.exec(s);
  const named = /(\d{1,2}) ([a-zéû]+)\.? (\d{4})/.exec(s);
  if (/aujourd|today/.test(s)) {
    /* today */
  } else if (/\bhier\b|yesterday/.test(s)) {
    const t = new Date(y, mo, d - 1);
    y = t.getFullYear();
    mo = t.getMonth();
    d = t.getDate();
  } else if (iso) {
    y = Number(iso[1]);
    mo = Number(iso[2]) - 1;
    d = Number(iso[3]);
  } else if (slash) {
    d = Number(slash[1]);
    mo = Number(slash[2]) - 1;
    if (slash[3]) y = Number(slash[3].length === 2 ? `20${slash[3]}` : slash[3]);
  } else if (named) {
    const idx = FR_MONTHS.findIndex((x) => (named[2] ?? "").startsWith(x.slice(0, 3)));
    if (idx < 0) return undefined;
    d = Number(named[1]);
    mo = idx;
    y = Number(named[3]);
  } else return undefined;
  const t = new Date(y, mo, d, hh, mm, 59, 999).getTime();
  return Number.isFinite(t) ? t : undefined;
}

/** Exported for the selector sets (one file each). */
export function textOf(el: Element | null | undefined): string {
  return (el?.textContent ?? "").replace(/\s+/g, " ").trim();
}
