/**
 * Builds a real Internet message (RFC 5322 headers, MIME multipart/alternative, quoted-printable UTF-8 bodies,
 * CRLF line ends, 7-bit clean) — what an MTA would hand to the mailbox, so dovecot serves it over IMAP exactly as
 * it would serve the portal's real mail, and the OTP feature parses a realistic message rather than a test string.
 * No mail library is a dependency of scripts/, and these ~60 lines are the whole need.
 */
import { randomBytes } from "node:crypto";

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  date: Date;
  text: string;
  html: string;
  /** Domain part of the Message-ID. */
  messageIdDomain: string;
  /** Extra header lines (e.g. `Authentication-Results: …`), written first as a receiving MTA prepends them. */
  extraHeaders?: string[];
  /** An HTML-only mail (no text/plain part), as some mailers send. */
  htmlOnly?: boolean;
  /** Body charset (default utf-8). */
  charset?: "utf-8" | "iso-8859-1";
  /** Body transfer encoding (default quoted-printable). */
  transferEncoding?: "quoted-printable" | "base64";
}

export interface BuiltMail {
  raw: string;
  messageId: string;
}

const CRLF = "\r\n";

/** Quoted-printable (RFC 2045 §6.7) of text in a charset; line breaks become CRLF, lines are soft-wrapped at 76. */
export function encodeQuotedPrintable(text: string, charset: "utf-8" | "iso-8859-1" = "utf-8"): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  return lines.map((l) => encodeQpLine(l, charset)).join(CRLF);
}

function encodeQpLine(line: string, charset: "utf-8" | "iso-8859-1"): string {
  const bytes = Buffer.from(line, charset === "utf-8" ? "utf8" : "latin1");
  const tokens: string[] = [];
  bytes.forEach((b, i) => {
    const last = i === bytes.length - 1;
    const printable = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
    tokens.push(printable ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`);
  });
  // Soft breaks: at most 75 characters then "=", never splitting an =XX escape.
  const out: string[] = [];
  let cur = "";
  for (const t of tokens) {
    if (cur.length + t.length > 75) {
      out.push(`${cur}=`);
      cur = "";
    }
    cur += t;
  }
  out.push(cur);
  return out.join(CRLF);
}

/** RFC 2047 encoded-word for a header holding non-ASCII text; ASCII passes unchanged. */
export function encodeHeaderWord(s: string): string {
  if (/^[\u0020-\u007e]*$/.test(s)) return s;
  return `=?UTF-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`;
}

/** RFC 5322 §3.3 date-time in UTC, e.g. `Mon, 05 May 2025 14:32:07 +0000`. */
export function rfc5322Date(d: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function buildMail(m: OutgoingMail): BuiltMail {
  const messageId = `<${m.date.getTime().toString(36)}.${randomBytes(8).toString("hex")}@${m.messageIdDomain}>`;
  const boundary = `----=_Part_${randomBytes(12).toString("hex")}`;
  const headers = [
    ...(m.extraHeaders ?? []),
    `Return-Path: <${m.from}>`,
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeaderWord(m.subject)}`,
    `Date: ${rfc5322Date(m.date)}`,
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    "Auto-Submitted: auto-generated",
  ];
  const charset = m.charset ?? "utf-8";
  const te = m.transferEncoding ?? "quoted-printable";
  const encode = (body: string) =>
    te === "base64"
      ? (
          Buffer.from(body.replace(/\r\n?/g, "\n").replace(/\n/g, CRLF), charset === "utf-8" ? "utf8" : "latin1")
            .toString("base64")
            .match(/.{1,76}/g) ?? []
        ).join(CRLF)
      : encodeQuotedPrintable(body, charset);
  const partHeaders = (type: string) => [
    `Content-Type: ${type}; charset=${charset}`,
    `Content-Transfer-Encoding: ${te}`,
  ];
  if (m.htmlOnly) {
    const raw = [[...headers, ...partHeaders("text/html")].join(CRLF), "", encode(m.html), ""].join(CRLF);
    return { raw, messageId };
  }
  const part = (type: string, body: string) => [`--${boundary}`, ...partHeaders(type), "", encode(body)].join(CRLF);
  const raw = [
    [...headers, `Content-Type: multipart/alternative; boundary="${boundary}"`].join(CRLF),
    "",
    part("text/plain", m.text),
    part("text/html", m.html),
    `--${boundary}--`,
    "",
  ].join(CRLF);
  return { raw, messageId };
}
