/**
 * The OTP autofill's own options (issue 11), in `storage.local` under their own key like the dossier watch's:
 * preferences and the sender allow-list — never a code, never a mailbox password (that goes to the agent's OS
 * credential store). The allow-list here is the one the webmail source and the background apply; the options page
 * sends the same list to the agent with the mailbox settings (`mailbox.configure` `senders`).
 */
import { DEFAULT_OTP_SENDERS, MAX_OTP_SENDERS, parseSenderAddress } from "@cps-bridge/protocol/otp/rules";
import { browser } from "wxt/browser";
import { knownWebmailIds } from "../webmail/webmail-services";

export interface OtpSettings {
  /** Press « Valider » after filling the code. Off by default: the doctor presses it. */
  autoSubmit: boolean;
  /** The portal's senders whose mails may carry the code (bare addresses, lower case; never empty). */
  senders: string[];
  /**
   * The Internet webmails (webmail/webmail-services.ts ids) the doctor turned on in the options; their origins were
   * granted as optional host permissions then. Empty by default: no content script runs on any Internet webmail.
   */
  webmails: string[];
}

export const OTP_SETTINGS_KEY = "otpSettings";
export const DEFAULT_OTP_SETTINGS: Readonly<OtpSettings> = {
  autoSubmit: false,
  senders: [...DEFAULT_OTP_SENDERS],
  webmails: [],
};

export type SenderListParse =
  | { ok: true; senders: string[] }
  | { ok: false; bad: string }
  | { ok: false; tooMany: true };

/**
 * What the doctor typed (one address per line, or separated by commas/spaces) → the allow-list. Each entry must be
 * exactly one bare address (no display name: `Name <a@b>` is refused so that what is shown is what is matched);
 * duplicates are dropped; empty → the default list.
 */
export function parseSenderList(text: string): SenderListParse {
  const parts = text
    .split(/[\n,;\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    const a = parseSenderAddress(p);
    if (!a || a !== p.toLowerCase()) return { ok: false, bad: p };
    if (!out.includes(a)) out.push(a);
  }
  if (out.length > MAX_OTP_SENDERS) return { ok: false, tooMany: true };
  return { ok: true, senders: out.length > 0 ? out : [...DEFAULT_OTP_SENDERS] };
}

export function parseOtpSettings(raw: unknown): OtpSettings {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const list = Array.isArray(r.senders) ? r.senders.filter((x): x is string => typeof x === "string") : [];
  const senders = parseSenderList(list.join("\n"));
  return {
    autoSubmit: r.autoSubmit === true,
    senders: senders.ok && list.length > 0 ? senders.senders : [...DEFAULT_OTP_SENDERS],
    webmails: knownWebmailIds(Array.isArray(r.webmails) ? r.webmails : []),
  };
}

export async function loadOtpSettings(): Promise<OtpSettings> {
  return parseOtpSettings((await browser.storage.local.get(OTP_SETTINGS_KEY))[OTP_SETTINGS_KEY]);
}

export async function saveOtpSettings(s: OtpSettings): Promise<void> {
  await browser.storage.local.set({ [OTP_SETTINGS_KEY]: parseOtpSettings(s) });
}

/** Read-modify-write of some fields, so that two sections of the options never overwrite each other's fields. */
export async function updateOtpSettings(patch: Partial<OtpSettings>): Promise<OtpSettings> {
  const next = parseOtpSettings({ ...(await loadOtpSettings()), ...patch });
  await browser.storage.local.set({ [OTP_SETTINGS_KEY]: next });
  return next;
}
