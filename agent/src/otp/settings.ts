/**
 * The mailbox settings the agent watches (never the password: credentials.ts): host, port, TLS mode, user, the sender
 * allow-list and "delete the mail after use". A 0600 JSON file in the agent's config directory.
 */
import { imapSettings, MailAddressSchema } from "@cps-bridge/protocol/methods/mailbox-configure";
import { DEFAULT_OTP_SENDERS, MAX_OTP_SENDERS } from "@cps-bridge/protocol/otp/rules";
import * as v from "valibot";
import { readFileIfExists, writePrivateFileAtomic } from "../bridge/secure-file";

export const MailboxSettingsSchema = v.object({
  host: imapSettings.host,
  port: imapSettings.port,
  security: imapSettings.security,
  user: imapSettings.user,
  senders: v.pipe(v.array(MailAddressSchema), v.minLength(1), v.maxLength(MAX_OTP_SENDERS)),
  deleteAfterUse: v.boolean(),
});
export type MailboxSettings = v.InferOutput<typeof MailboxSettingsSchema>;

export function defaultSenders(): string[] {
  return [...DEFAULT_OTP_SENDERS];
}

/** The saved settings; undefined when none (or the file is unreadable — the options page then asks again). */
export function loadMailboxSettings(file: string): MailboxSettings | undefined {
  const text = readFileIfExists(file);
  if (text === undefined) return undefined;
  try {
    const r = v.safeParse(MailboxSettingsSchema, JSON.parse(text));
    return r.success ? r.output : undefined;
  } catch {
    return undefined;
  }
}

export function saveMailboxSettings(file: string, s: MailboxSettings): void {
  writePrivateFileAtomic(file, `${JSON.stringify(s, null, 2)}\n`);
}
