/**
 * `otp.wait` (since 1.2, issue 11; docs/otp.md): waits (IMAP IDLE) for the portal's code mail that passes the
 * rules of otp/rules.ts and answers only the code, the mail's date, its sender, the DKIM/SPF verdict and an opaque
 * mailId — never the mail. A mailId is never returned twice. A second wait replaces the first (OTP_CANCELLED).
 *
 */
import * as v from "valibot";
import { OTP_VALIDITY_MS } from "../otp/rules";
import { defineMethod, GENERIC_ERRORS } from "./define";

export const otpWait = defineMethod({
  name: "otp.wait",
  summary: "Waits for the portal's e-mailed login code and returns only the code, its date and sender.",
  params: v.strictObject({
    /** Epoch ms: when the portal asked for a code. */
    since: v.pipe(v.number(), v.integer(), v.minValue(0)),
    timeoutMs: v.pipe(v.number(), v.integer(), v.minValue(1_000), v.maxValue(OTP_VALIDITY_MS)),
    portalOrigin: v.pipe(v.string(), v.maxLength(200), v.regex(/^https?:\/\/[^/\s]+$/)),
  }),
  result: v.looseObject({
    code: v.pipe(v.string(), v.regex(/^\d{6}$/)),
    mailDate: v.number(),
    sender: v.string(),
    auth: v.picklist(["pass", "fail", "none"]),
    mailId: v.pipe(v.string(), v.maxLength(200)),
  }),
  requiresAuth: true,
  cardOperation: false,
  /** The client waits the params' timeoutMs plus this margin; this is the ceiling. */
  timeoutMs: OTP_VALIDITY_MS + 15_000,
  errors: [
    ...GENERIC_ERRORS,
    "OTP_TIMEOUT",
    "OTP_CANCELLED",
    "OTP_MAILBOX_NOT_CONFIGURED",
    "OTP_IMAP_AUTH",
    "OTP_IMAP_TLS",
    "OTP_IMAP_UNREACHABLE",
  ],
  since: "1.2",
});
