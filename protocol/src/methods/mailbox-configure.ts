/**
 * `mailbox.configure` (since protocol 1.2, issue 11; docs/otp.md): saves the IMAP settings the agent watches for
 * the portal's e-mailed code. The password goes to the OS credential store (keyring, else a 0600 file), never back
 * over the wire, never logged.
 */
import * as v from "valibot";
import { MAX_OTP_SENDERS } from "../otp/rules";
import { defineMethod, GENERIC_ERRORS } from "./define";

export const ImapHostSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(253), v.regex(/^[A-Za-z0-9.-]+$/));
export const ImapSecuritySchema = v.picklist(["tls", "starttls", "none"]);
export const MailAddressSchema = v.pipe(v.string(), v.minLength(3), v.maxLength(254), v.regex(/^[^\s@<>]+@[^\s@<>]+$/));
export const imapSettings = {
  host: ImapHostSchema,
  port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  security: ImapSecuritySchema,
  user: v.pipe(v.string(), v.minLength(1), v.maxLength(254), v.regex(/^\P{Cc}+$/u)),
  password: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
};

export const mailboxConfigure = defineMethod({
  name: "mailbox.configure",
  summary: "Saves the IMAP settings for the e-mailed login code; the password goes to the OS credential store.",
  params: v.strictObject({
    ...imapSettings,
    /** The sender allow-list (default: DEFAULT_OTP_SENDERS of otp/rules.ts). */
    senders: v.optional(v.pipe(v.array(MailAddressSchema), v.minLength(1), v.maxLength(MAX_OTP_SENDERS))),
    /** Delete the code's mail after use. Off by default. */
    deleteAfterUse: v.optional(v.boolean()),
  }),
  result: v.looseObject({ saved: v.literal(true), credentialStore: v.picklist(["keyring", "file"]) }),
  requiresAuth: true,
  cardOperation: false,
  timeoutMs: 10_000,
  errors: [...GENERIC_ERRORS],
  since: "1.2",
});
