/**
 * The OTP mail safety rules (issue 11 §4), pure and shared: the agent applies them to IMAP mails, the extension to
 * codes read from a webmail tab. No I/O, no clock: callers pass `now`.
 *
 * Facts: the portal's login code comes from no_reply.trajectoire@sante-ra.fr, subject "[ViaTrajectoire] Connexion
 * OTP" (training: "[ViaTrajectoire Formation] Connexion OTP"), body "Votre code OTP : 542642", valid 10 minutes
 * (shared/research/viatrajectoire-guide-excerpt.md, viatrajectoire.md [V]).
 */

/** How long a code is valid after its mail was sent (guide excerpt: 10 minutes). */
export const OTP_VALIDITY_MS = 10 * 60_000;
/** Clock skew tolerated between the portal's request (`since`, the browser's clock) and the mail's Date header. */
export const OTP_SKEW_MS = 30_000;

/**
 * Senders accepted by default. The production sender is verified [V]; ViaTrajectoire uses it for all its mails,
 * the training instance included (the guide's training mail shows the same address). The regional variants are
 * [U]: plausible addresses of regional instances not seen in a real mail; the doctor's allow-list is editable.
 */
/** The longest sender allow-list the agent keeps (`mailbox.configure` `senders`) and the options accept. */
export const MAX_OTP_SENDERS = 20;

export const DEFAULT_OTP_SENDERS: readonly string[] = [
  "no_reply.trajectoire@sante-ra.fr",
  // [U] regional instances (SESAN Île-de-France, Normandie): addresses guessed from their domains.
  "no_reply.trajectoire@sesan.fr",
  "no_reply.trajectoire@esante-normandie.fr",
];

/** Extracts the bare address of a From value (`"Name" <a@b>` or `a@b`); undefined when not exactly one address. */
export function parseSenderAddress(from: string): string | undefined {
  const s = from.trim();
  const angle = s.match(/<([^<>]*)>\s*$/);
  let addr = angle ? angle[1] : s;
  if (addr === undefined) return undefined;
  addr = addr.trim().toLowerCase();
  // One address only: local@domain, no spaces, no second @, no commas.
  if (!/^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(addr)) return undefined;
  if (!angle && /[<>",;\s]/.test(s)) return undefined;
  return addr;
}

/**
 * Exact address match after parsing. A look-alike domain (sante-ra.fr.evil.com, sante-rа.fr with a Cyrillic a) or a
 * display name carrying the right address (`"no_reply.trajectoire@sante-ra.fr" <x@evil>`) is refused.
 */
export function isAllowedSender(from: string, allowList: readonly string[] = DEFAULT_OTP_SENDERS): boolean {
  const addr = parseSenderAddress(from);
  if (!addr) return false;
  return allowList.some((a) => a.trim().toLowerCase() === addr);
}

export type OtpExtraction = { ok: true; code: string } | { ok: false; reason: "none" | "ambiguous" };

/**
 * The 6-digit code of a mail's subject/text/HTML-as-text. Prefers a number right after "code" (plausible wordings:
 * "Votre code OTP : 542642", "code de connexion : 542642", "Code: 542642"); otherwise the only standalone 6-digit
 * number. Two different candidates → ambiguous (refused rather than guessed).
 */
export function extractOtpCode(text: string): OtpExtraction {
  const t = text.normalize("NFKC").slice(0, 100_000);
  const labelled = new Set<string>();
  for (const m of t.matchAll(/code[^\d\n]{0,40}?(?<!\d)(\d{6})(?!\d)/giu)) if (m[1]) labelled.add(m[1]);
  if (labelled.size === 1) return { ok: true, code: [...labelled][0] as string };
  if (labelled.size > 1) return { ok: false, reason: "ambiguous" };
  const any = new Set<string>();
  for (const m of t.matchAll(/(?<![\d.,:/-])(\d{6})(?![\d.,:/-]?\d)/gu)) if (m[1]) any.add(m[1]);
  if (any.size === 1) return { ok: true, code: [...any][0] as string };
  return { ok: false, reason: any.size > 1 ? "ambiguous" : "none" };
}

export type AuthVerdict = "pass" | "fail" | "none";

/**
 * Verdict of `Authentication-Results` header values (RFC 8601), one or several: a `fail`, `softfail` or
 * `permerror` of dkim, spf or dmarc → "fail"; else any pass → "pass"; else "none" (no header, none/neutral).
 */
export function parseAuthenticationResults(header: string | readonly string[] | undefined): AuthVerdict {
  const values = header === undefined ? [] : typeof header === "string" ? [header] : header;
  let pass = false;
  for (const value of values) {
    // Drop comments (…) which may contain anything.
    const v = value.replace(/\([^()]*\)/g, " ").toLowerCase();
    for (const m of v.matchAll(/\b(dkim|spf|dmarc)\s*=\s*([a-z]+)/g)) {
      const result = m[2];
      if (result === "fail" || result === "softfail" || result === "permerror") return "fail";
      if (result === "pass") pass = true;
    }
  }
  return pass ? "pass" : "none";
}

export interface OtpMailFacts {
  /** The From value (as in the header, or the bare address). */
  sender: string;
  /** The mail's date, epoch ms (Date header; the server's arrival time when missing). */
  date: number;
  auth: AuthVerdict;
  /** A stable id of the mail (IMAP: uidvalidity/uid or Message-ID; webmail: its message id). */
  mailId: string;
}

export interface OtpAcceptContext {
  /** When the portal asked for a code (epoch ms). */
  since: number;
  now: number;
  allowList?: readonly string[];
  /** mailIds already returned or filled once. */
  used: ReadonlySet<string> | readonly string[];
}

export type OtpRejectReason = "sender" | "too-old" | "before-request" | "reused" | "auth-failed";
export type OtpAcceptance = { ok: true } | { ok: false; reason: OtpRejectReason };

/** Applies every rule; the first failing one is the reason. "auth-failed" is shown to the doctor as a warning. */
export function acceptOtpMail(mail: OtpMailFacts, ctx: OtpAcceptContext): OtpAcceptance {
  if (!isAllowedSender(mail.sender, ctx.allowList ?? DEFAULT_OTP_SENDERS)) return { ok: false, reason: "sender" };
  if (!Number.isFinite(mail.date) || ctx.now - mail.date > OTP_VALIDITY_MS) return { ok: false, reason: "too-old" };
  if (mail.date < ctx.since - OTP_SKEW_MS) return { ok: false, reason: "before-request" };
  const used = ctx.used instanceof Set ? ctx.used : new Set(ctx.used as readonly string[]);
  if (used.has(mail.mailId)) return { ok: false, reason: "reused" };
  if (mail.auth === "fail") return { ok: false, reason: "auth-failed" };
  return { ok: true };
}
