/**
 * `mailbox.test` (since 1.2, issue 11): connects and logs in with the given settings (missing members: the saved
 * ones), counts the mailboxes.
 */
import * as v from "valibot";
import { defineMethod, GENERIC_ERRORS } from "./define";
import { imapSettings } from "./mailbox-configure";

export const mailboxTest = defineMethod({
  name: "mailbox.test",
  summary: "Tests the IMAP connection and login (given settings, else the saved ones).",
  params: v.strictObject({
    host: v.optional(imapSettings.host),
    port: v.optional(imapSettings.port),
    security: v.optional(imapSettings.security),
    user: v.optional(imapSettings.user),
    password: imapSettings.password,
  }),
  result: v.looseObject({
    ok: v.literal(true),
    latencyMs: v.pipe(v.number(), v.minValue(0)),
    mailboxes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  requiresAuth: true,
  cardOperation: false,
  timeoutMs: 20_000,
  errors: [...GENERIC_ERRORS, "OTP_IMAP_AUTH", "OTP_IMAP_TLS", "OTP_IMAP_UNREACHABLE", "OTP_MAILBOX_NOT_CONFIGURED"],
  since: "1.2",
});
