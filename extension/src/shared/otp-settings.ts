/**
 * The OTP autofill's own options (issue 11), in `storage.local` under their own key like the dossier watch's:
 * only a preference — never a code, never a mailbox password (that goes to the agent's OS credential store).
 */
import { browser } from "wxt/browser";

export interface OtpSettings {
  /** Press « Valider » after filling the code. Off by default: the doctor presses it. */
  autoSubmit: boolean;
}

export const OTP_SETTINGS_KEY = "otpSettings";
export const DEFAULT_OTP_SETTINGS: Readonly<OtpSettings> = { autoSubmit: false };

export function parseOtpSettings(raw: unknown): OtpSettings {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  return { autoSubmit: r.autoSubmit === true };
}

export async function loadOtpSettings(): Promise<OtpSettings> {
  return parseOtpSettings((await browser.storage.local.get(OTP_SETTINGS_KEY))[OTP_SETTINGS_KEY]);
}

export async function saveOtpSettings(s: OtpSettings): Promise<void> {
  await browser.storage.local.set({ [OTP_SETTINGS_KEY]: parseOtpSettings(s) });
}
