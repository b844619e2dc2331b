/**
 * `otp.wait`'s engine: connect, select INBOX, look at the mails of the allowed senders that arrived since the
 * portal asked for a code, then IMAP IDLE until one passes the rules (protocol/src/otp/rules.ts) — or the deadline.
 *
 * Privacy: the server is asked only for mails FROM an allowed sender (IMAP SEARCH FROM), and only those are
 * downloaded and decoded; every other mail stays on the server unseen. Only {code, date, sender, auth, mailId}
 * leaves this module; the mail's text is never kept, logged or answered.
 *
 * Robustness: a dropped connection (server restart, network change, IDLE timeout) reconnects with backoff; a
 * refused login ends the wait at once (OTP_IMAP_AUTH); a server that stays away for RECONNECT_GIVE_UP_MS ends it
 * with OTP_IMAP_UNREACHABLE, so the doctor is told and types the code by hand.
 */
import { createHash } from "node:crypto";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { type AuthVerdict, acceptOtpMail, OTP_SKEW_MS, type OtpRejectReason } from "@cps-bridge/protocol/otp/rules";
import type { ImapFlow } from "imapflow";
import type { Logger } from "pino";
import { decodeOtpMail } from "./decode";
import { type ImapTarget, imapClient, imapError, imapErrorCode } from "./imap";

export const RECONNECT_GIVE_UP_MS = 30_000;
const BACKOFF_MS = [100, 250, 500, 1_000, 2_000];

export interface OtpFound {
  code: string;
  mailDate: number;
  sender: string;
  auth: AuthVerdict;
  mailId: string;
}

export interface WaitOptions {
  target: ImapTarget;
  since: number;
  deadline: number;
  allowList: readonly string[];
  /** mailIds already answered (never answered twice); the waiter adds nothing — the caller records its answer. */
  used: ReadonlySet<string>;
  signal: AbortSignal;
  log: Logger;
  deleteAfterUse: boolean;
  now?: () => number;
  /** A mail from an allowed sender failed DKIM/SPF/DMARC (a warning; the wait goes on). */
  onRefused?: (reason: "auth-failed", mailDate: number) => void;
  onConnected?: (connected: boolean) => void;
  /** Test hook: the mails looked at and why they were refused (never their content). */
  onVerdict?: (mailId: string, verdict: "accepted" | OtpRejectReason | "no-code" | "ambiguous") => void;
}

/** An opaque, stable id of a mail: a digest of its Message-ID (else the mailbox's UIDVALIDITY/UID). */
export function mailIdOf(messageId: string | undefined, uidValidity: bigint | number | undefined, uid: number): string {
  const basis = messageId && messageId.trim() !== "" ? `mid:${messageId.trim()}` : `uid:${uidValidity ?? 0}/${uid}`;
  return `m_${createHash("sha256").update(basis).digest("hex").slice(0, 24)}`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

type Outcome = { found: OtpFound } | { closed: true };

export async function waitForOtp(o: WaitOptions): Promise<OtpFound> {
  const now = o.now ?? Date.now;
  let failingSince: number | undefined;
  let attempt = 0;
  let everConnected = false;
  const seen = new Set<string>(); // mails already judged in this wait (a refused one is not decoded again)
  for (;;) {
    if (o.signal.aborted) throw abortError(o.signal);
    if (now() >= o.deadline) throw new BridgeError("OTP_TIMEOUT", "no code mail before the deadline");
    let client: ImapFlow | undefined;
    try {
      client = imapClient(o.target);
      client.on("error", () => undefined); // surfaced through 'close' and the promises below
      await client.connect();
      if (o.signal.aborted) throw abortError(o.signal);
      everConnected = true;
      failingSince = undefined;
      attempt = 0;
      o.onConnected?.(true);
      const outcome = await watch(client, o, seen, now);
      if ("found" in outcome) return outcome.found;
      o.log.info({ event: "otp.imap.closed" }, "IMAP connection closed during the wait; reconnecting");
    } catch (err) {
      if (o.signal.aborted) throw abortError(o.signal);
      if (err instanceof BridgeError && (err.code === "OTP_TIMEOUT" || err.code === "OTP_CANCELLED")) throw err;
      const code = imapErrorCode(err);
      o.log.warn({ event: "otp.imap.failed", code, attempt }, "IMAP connection failed");
      // A refused login or TLS failure will not heal by retrying; nor does a server that was never reachable.
      if (code !== "OTP_IMAP_UNREACHABLE" || !everConnected) throw imapError(err, o.target);
      failingSince ??= now();
      if (now() - failingSince > RECONNECT_GIVE_UP_MS) throw imapError(err, o.target);
    } finally {
      o.onConnected?.(false);
      if (client) {
        const c = client;
        if (c.usable) await c.logout().catch(() => c.close());
        else c.close();
      }
    }
    await sleep(BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)] ?? 2_000, o.signal);
  }
}

function abortError(signal: AbortSignal): BridgeError {
  const r = signal.reason;
  return r instanceof BridgeError ? r : new BridgeError("OTP_CANCELLED", "the wait was cancelled");
}

async function watch(client: ImapFlow, o: WaitOptions, seen: Set<string>, now: () => number): Promise<Outcome> {
  const lock = await client.getMailboxLock("INBOX");
  try {
    const uidValidity = client.mailbox ? client.mailbox.uidValidity : undefined;
    let scanning: Promise<OtpFound | undefined> | undefined;
    let again = false;
    const scanOnce = async (): Promise<OtpFound | undefined> => {
      // SEARCH SINCE is day-granular (RFC 9051 §6.4.4): ask from the day before, then judge each mail's own date.
      const sinceDay = new Date(o.since - OTP_SKEW_MS - 24 * 3600_000);
      const query =
        o.allowList.length === 1
          ? { since: sinceDay, from: o.allowList[0] }
          : { since: sinceDay, or: o.allowList.map((a) => ({ from: a })) };
      const uids = ((await client.search(query, { uid: true })) || []).sort((a, b) => b - a); // newest first
      for (const uid of uids) {
        const key = `${uidValidity ?? 0}/${uid}`;
        if (seen.has(key)) continue;
        const msg = await client.fetchOne(String(uid), { source: true, internalDate: true }, { uid: true });
        seen.add(key);
        if (msg === false || !msg.source) continue;
        const mail = await decodeOtpMail(msg.source);
        const arrived = msg.internalDate instanceof Date ? msg.internalDate.getTime() : undefined;
        const date = mail.date ?? arrived ?? Number.NaN;
        const mailId = mailIdOf(mail.messageId, uidValidity, uid);
        const verdict = acceptOtpMail(
          { sender: mail.from, date, auth: mail.auth, mailId },
          {
            since: o.since,
            now: now(),
            allowList: o.allowList,
            used: o.used,
          },
        );
        if (!verdict.ok) {
          o.onVerdict?.(mailId, verdict.reason);
          o.log.info({ event: "otp.mail.refused", reason: verdict.reason }, "code mail refused");
          if (verdict.reason === "auth-failed") o.onRefused?.("auth-failed", date);
          continue;
        }
        if (!mail.extraction.ok) {
          o.onVerdict?.(mailId, mail.extraction.reason === "ambiguous" ? "ambiguous" : "no-code");
          o.log.info({ event: "otp.mail.refused", reason: mail.extraction.reason }, "no single code in the mail");
          continue;
        }
        o.onVerdict?.(mailId, "accepted");
        if (o.deleteAfterUse) {
          await client.messageDelete(String(uid), { uid: true }).catch((err: unknown) => {
            o.log.warn({ event: "otp.mail.delete-failed", code: imapErrorCode(err) }, "could not delete the code mail");
          });
        }
        return { code: mail.extraction.code, mailDate: date, sender: mail.from, auth: mail.auth, mailId };
      }
      return undefined;
    };
    // Serialises scans: an EXISTS during a scan schedules one more scan after it.
    const scan = async (): Promise<OtpFound | undefined> => {
      if (scanning) {
        again = true;
        return undefined;
      }
      try {
        for (;;) {
          again = false;
          scanning = scanOnce();
          const r = await scanning;
          scanning = undefined;
          if (r || !again) return r;
        }
      } finally {
        scanning = undefined;
      }
    };

    return await new Promise<Outcome>((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        o.signal.removeEventListener("abort", onAbort);
        client.off("exists", onExists);
        client.off("close", onClose);
        f();
      };
      // After every scan that found nothing, IDLE again: imapflow's own auto-IDLE waits 15 s and does not arm
      // while a mailbox lock is held (we hold INBOX for the whole wait), so without this an EXISTS would be missed.
      const attempt = () =>
        scan().then(
          (found) => {
            if (found) finish(() => resolve({ found }));
            else if (!done && !scanning) void client.idle().catch(() => undefined);
          },
          (err: unknown) => finish(() => (client.usable ? reject(err) : resolve({ closed: true }))),
        );
      const onExists = () => void attempt();
      const onClose = () => finish(() => resolve({ closed: true }));
      const onAbort = () => finish(() => reject(abortError(o.signal)));
      const timer = setTimeout(
        () => finish(() => reject(new BridgeError("OTP_TIMEOUT", "no code mail before the deadline"))),
        Math.max(0, o.deadline - now()),
      );
      client.on("exists", onExists);
      client.on("close", onClose);
      o.signal.addEventListener("abort", onAbort, { once: true });
      if (o.signal.aborted) return onAbort(); // cancelled while connecting
      void attempt();
    });
  } finally {
    lock.release();
  }
}
