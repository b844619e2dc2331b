/**
 * The OTP mail variants the OTP tests need (issue 11 §5): the portal's own mail and the shapes a real mailbox may
 * hold — the training instance's subject, HTML-only, base64, ISO-8859-1, another region's sender, a receiving
 * server's Authentication-Results (pass / fail) — and the phishing shapes the autofill must refuse: a look-alike
 * domain, a display-name trick, a sender that is not the portal. A delayed mail is the mailbox's delay
 * (`POST /__admin/mail/delay`), not a variant.
 */
import { OTP_SENDER, otpHtml, otpSubject, otpText } from "./otp-mail";
import type { OutgoingMail } from "./rfc5322";

export const OTP_MAIL_VARIANTS = [
  "standard",
  "training",
  "html-only",
  "base64",
  "latin1",
  "regional",
  "auth-pass",
  "auth-fail",
  "lookalike-domain",
  "display-name-trick",
  "other-sender",
] as const;
export type OtpMailVariant = (typeof OTP_MAIL_VARIANTS)[number];

export function isOtpMailVariant(x: unknown): x is OtpMailVariant {
  return typeof x === "string" && (OTP_MAIL_VARIANTS as readonly string[]).includes(x);
}

/** Variants whose sender the autofill must refuse. */
export const REFUSED_SENDER_VARIANTS: readonly OtpMailVariant[] = [
  "lookalike-domain",
  "display-name-trick",
  "other-sender",
];

/** [U] a regional instance's sender (protocol/src/otp/rules.ts lists it among the defaults). */
export const REGIONAL_SENDER = "no_reply.trajectoire@sesan.fr";

export interface OtpMailInput {
  code: string;
  to: string;
  date: Date;
  /** "ViaTrajectoire" (production) or "ViaTrajectoire Formation" (training). */
  instance: string;
  validityMinutes: number;
}

const AR_HOST = "mx.test.local";

export function otpVariantMail(variant: OtpMailVariant, i: OtpMailInput): OutgoingMail {
  const instance = variant === "training" ? "ViaTrajectoire Formation" : i.instance;
  const base: OutgoingMail = {
    from: OTP_SENDER,
    to: i.to,
    subject: otpSubject(instance),
    date: i.date,
    text: otpText(i.code, i.validityMinutes, instance),
    html: otpHtml(i.code, i.validityMinutes, instance),
    messageIdDomain: "sante-ra.fr",
  };
  switch (variant) {
    case "standard":
    case "training":
      return base;
    case "html-only":
      return { ...base, htmlOnly: true };
    case "base64":
      return { ...base, transferEncoding: "base64" };
    case "latin1":
      return { ...base, charset: "iso-8859-1" };
    case "regional":
      return { ...base, from: REGIONAL_SENDER, messageIdDomain: "sesan.fr" };
    case "auth-pass":
      return {
        ...base,
        extraHeaders: [
          `Authentication-Results: ${AR_HOST}; dkim=pass header.d=sante-ra.fr; spf=pass smtp.mailfrom=sante-ra.fr`,
        ],
      };
    case "auth-fail":
      return {
        ...base,
        extraHeaders: [
          `Authentication-Results: ${AR_HOST}; dkim=fail (signature did not verify) header.d=sante-ra.fr; spf=fail smtp.mailfrom=sante-ra.fr`,
        ],
      };
    case "lookalike-domain":
      return { ...base, from: "no_reply.trajectoire@sante-ra.fr.secure-login.example", messageIdDomain: "example" };
    case "display-name-trick":
      return { ...base, from: `"${OTP_SENDER}" <alerte@securite-sante.example>`, messageIdDomain: "example" };
    case "other-sender":
      return { ...base, from: "newsletter@sante-ra.fr" };
  }
}
