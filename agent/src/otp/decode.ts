/**
 * One mail → the facts the OTP rules need, decoded by `mailparser` (MIME, quoted-printable, base64, charsets such as
 * ISO-8859-1, HTML-only mails turned to text): the From header as written, the Date, the receiving server's
 * Authentication-Results verdict and the code. The mail's text is dropped here: nothing else leaves this function.
 */
import {
  type AuthVerdict,
  extractOtpCode,
  type OtpExtraction,
  parseAuthenticationResults,
} from "@cps-bridge/protocol/otp/rules";
import { simpleParser } from "mailparser";

export interface DecodedOtpMail {
  /** The From header's value, display name included (the rules parse it). */
  from: string;
  /** Date header, epoch ms; undefined when absent or unreadable. */
  date: number | undefined;
  messageId: string | undefined;
  auth: AuthVerdict;
  extraction: OtpExtraction;
}

/** HTML to text for the code search only: tags dropped, entities of digits and spaces resolved. */
function htmlText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/tr>/gi, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;|&#160;/gi, " ")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/gi, "&");
}

export async function decodeOtpMail(source: Buffer | string): Promise<DecodedOtpMail> {
  const parsed = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true });
  const fromLine = parsed.headerLines.find((h) => h.key === "from")?.line ?? "";
  const from =
    fromLine
      .replace(/^from\s*:\s*/i, "")
      .replace(/\r?\n\s+/g, " ")
      .trim() ||
    (parsed.from?.text ?? "");
  const authHeaders = parsed.headerLines
    .filter((h) => h.key === "authentication-results")
    .map((h) => h.line.replace(/^authentication-results\s*:\s*/i, ""));
  const text =
    parsed.text && parsed.text.trim() !== ""
      ? parsed.text
      : typeof parsed.html === "string"
        ? htmlText(parsed.html)
        : "";
  const subject = parsed.subject ?? "";
  // The code is looked for in the body first (the portal's wording), then in the subject (some variants put it there).
  let extraction = extractOtpCode(text);
  if (!extraction.ok && extraction.reason === "none") extraction = extractOtpCode(subject);
  const date = parsed.date instanceof Date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.getTime() : undefined;
  return { from, date, messageId: parsed.messageId, auth: parseAuthenticationResults(authHeaders), extraction };
}
