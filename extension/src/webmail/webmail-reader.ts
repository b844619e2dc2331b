/**
 * What the webmail content script does on a page (issue 11 §2): find which webmail this is, take the opened message,
 * and — only if its sender is on the allow-list — read its body for the code. Returns the candidate to send to the
 * background, or undefined. Pure apart from reading the document; the background applies every rule again.
 */
import { DEFAULT_OTP_SENDERS, extractOtpCode, isAllowedSender } from "@cps-bridge/protocol/otp/rules";
import { gmail } from "./gmail";
import { laposte } from "./laposte";
import { orange } from "./orange";
import { outlook } from "./outlook";
import { roundcube } from "./roundcube";
import { sfr } from "./sfr";
import type { Webmail } from "./webmail";
import { zimbra } from "./zimbra";

/**
 * The selector sets, one per webmail. The Internet ones ([U], hand-made fixtures) are read only where the content
 * script runs — loopback for now (entrypoints/webmail.content): their hosts are not yet asked as permissions.
 */
export const WEBMAILS: readonly Webmail[] = [roundcube, gmail, outlook, orange, sfr, laposte, zimbra];

export interface WebmailCandidate {
  code: string;
  mailDate: number;
  sender: string;
  mailId: string;
  webmail: string;
}

export function detectWebmail(url: URL, doc: Document): Webmail | undefined {
  return WEBMAILS.find((w) => w.detect(url, doc));
}

export function readCandidate(
  url: URL,
  doc: Document,
  now: Date,
  senders: readonly string[] = DEFAULT_OTP_SENDERS,
): WebmailCandidate | undefined {
  const w = detectWebmail(url, doc);
  if (!w) return undefined;
  const m = w.opened(url, doc, now);
  if (!m) return undefined;
  // The sender first: another sender's message body is never read.
  if (!isAllowedSender(m.sender, senders)) return undefined;
  const code = extractOtpCode(m.text());
  if (!code.ok) return undefined;
  return { code: code.code, mailDate: m.date, sender: m.sender, mailId: m.id, webmail: w.id };
}
