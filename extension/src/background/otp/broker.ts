/**
 * The background's OTP broker (issue 11; docs/otp.md): one pending request per portal tab, fed by two sources —
 * the agent's mailbox (`otp.wait`) and codes a webmail tab read (`otp.webmail-code`) — and it hands a code only to
 * the tab that asked, once. Every candidate passes protocol/src/otp/rules.ts again here (the agent already applied
 * them to its own; a webmail's are applied only here): date ≥ since − 30 s, ≤ 10 minutes old, never a mailId already
 * filled (kept in `storage.session`: gone when the browser closes), sender allow-list for webmail candidates.
 *
 * Codes live in this object's memory only: never in storage, never logged.
 */
import { BridgeError, type ErrorCode, isBridgeError } from "@cps-bridge/protocol/errors";
import {
  type AuthVerdict,
  acceptOtpMail,
  DEFAULT_OTP_SENDERS,
  isAllowedSender,
  OTP_VALIDITY_MS,
  type OtpRejectReason,
} from "@cps-bridge/protocol/otp/rules";
import type { WebmailCandidate } from "../../webmail/webmail-reader";

export type OtpSource = "mailbox" | "webmail";

export interface OtpOffer {
  code: string;
  mailDate: number;
  sender: string;
  mailId: string;
  auth: AuthVerdict;
  source: OtpSource;
}

/** What a webmail tab read (webmail/webmail-reader.ts): one shape on both sides of the message. */
export type { WebmailCandidate } from "../../webmail/webmail-reader";

/** The mailIds already filled; `storage.session` in the extension (usedStoreSession), a Set in tests. */
export interface UsedStore {
  has(mailId: string): Promise<boolean>;
  add(mailId: string): Promise<void>;
}

export interface BrokerDeps {
  /** The agent's `otp.wait`; rejects with its BridgeError (OTP_*, ERR_AGENT_UNAVAILABLE, ERR_NOT_PAIRED…). */
  agentWait(p: { since: number; timeoutMs: number; portalOrigin: string }): Promise<Omit<OtpOffer, "source">>;
  agentCancel(): Promise<void>;
  used: UsedStore;
  now(): number;
  /** Sender allow-list for webmail candidates (the agent applies the doctor's own list to the mailbox's). */
  webmailSenders?: () => readonly string[];
}

export interface OtpRequest {
  tabId: number;
  origin: string;
  since: number;
  timeoutMs: number;
  /** "any": mailbox and webmail; "webmail": after the mailbox failed, keep listening to webmail tabs only. */
  sources: "any" | "webmail";
}

interface Pending {
  req: OtpRequest;
  resolve(o: OtpOffer): void;
  reject(e: BridgeError): void;
  timer: ReturnType<typeof setTimeout>;
  done: boolean;
}

/** At most this many webmail candidates kept (newest), each at most OTP_VALIDITY_MS. */
const MAX_CANDIDATES = 5;

export class OtpBroker {
  private readonly pending = new Map<number, Pending>();
  private candidates: WebmailCandidate[] = [];
  private agentTab: number | undefined;

  constructor(private readonly d: BrokerDeps) {}

  /** Waits for a code for this tab; a new request of the same tab replaces its previous one (OTP_CANCELLED). */
  request(req: OtpRequest): Promise<OtpOffer> {
    this.cancel(req.tabId);
    return new Promise<OtpOffer>((resolve, reject) => {
      const p: Pending = {
        req,
        resolve,
        reject,
        done: false,
        timer: setTimeout(() => this.settle(p, new BridgeError("OTP_TIMEOUT", "no code in time")), req.timeoutMs),
      };
      this.pending.set(req.tabId, p);
      void this.fromCandidates(p).then((found) => {
        if (found || p.done || req.sources !== "any") return;
        this.agentTab = req.tabId;
        this.d.agentWait({ since: req.since, timeoutMs: req.timeoutMs, portalOrigin: req.origin }).then(
          (r) => void this.consider(p, { ...r, source: "mailbox" }),
          (e: unknown) => {
            const err = isBridgeError(e) ? e : new BridgeError("ERR_INTERNAL", "otp.wait failed");
            // A wait replaced by this broker's own newer request is not this request's failure.
            if (!p.done) this.settle(p, err);
          },
        );
      });
    });
  }

  /** The tab left the code step (or the doctor typed it): end its wait, and the agent's. */
  cancel(tabId: number): boolean {
    const p = this.pending.get(tabId);
    if (!p) return false;
    this.settle(p, new BridgeError("OTP_CANCELLED", "cancelled"));
    return true;
  }

  /** A webmail tab read a code (content script); it may serve a waiting tab now or a request within 10 minutes. */
  async offerWebmail(c: WebmailCandidate): Promise<{ accepted: boolean; reason?: string }> {
    const now = this.d.now();
    const senders = this.d.webmailSenders?.() ?? DEFAULT_OTP_SENDERS;
    if (!isAllowedSender(c.sender, senders)) return { accepted: false, reason: "sender" };
    if (!(now - c.mailDate <= OTP_VALIDITY_MS)) return { accepted: false, reason: "too-old" };
    if (await this.d.used.has(c.mailId)) return { accepted: false, reason: "reused" };
    this.candidates = [c, ...this.candidates.filter((x) => x.mailId !== c.mailId)]
      .filter((x) => now - x.mailDate <= OTP_VALIDITY_MS)
      .slice(0, MAX_CANDIDATES);
    for (const p of this.pending.values()) if (await this.fromCandidates(p)) break;
    return { accepted: true };
  }

  private async fromCandidates(p: Pending): Promise<boolean> {
    for (const c of [...this.candidates].sort((a, b) => b.mailDate - a.mailDate)) {
      if (p.done) return true;
      if (await this.consider(p, { ...c, auth: "none", source: "webmail" }, DEFAULT_SENDER_CHECK)) return true;
    }
    return false;
  }

  /** Applies the rules for this request; delivers, marks used, and ends the other source's wait. */
  private async consider(p: Pending, o: OtpOffer, senderCheck = false): Promise<boolean> {
    if (p.done) return false;
    const used = (await this.d.used.has(o.mailId)) ? new Set([o.mailId]) : new Set<string>();
    const verdict = acceptOtpMail(
      { sender: o.sender, date: o.mailDate, auth: o.auth, mailId: o.mailId },
      {
        since: p.req.since,
        now: this.d.now(),
        used,
        // The agent already applied the doctor's own allow-list to mailbox mails; webmail candidates use ours.
        allowList: senderCheck ? (this.d.webmailSenders?.() ?? DEFAULT_OTP_SENDERS) : [parseOrSelf(o.sender)],
      },
    );
    if (!verdict.ok) {
      if (o.source === "mailbox") this.settle(p, new BridgeError(REFUSAL_CODE[verdict.reason], verdict.reason));
      return false;
    }
    if (p.done) return false;
    await this.d.used.add(o.mailId);
    this.candidates = this.candidates.filter((x) => x.mailId !== o.mailId);
    this.settle(p, undefined, o);
    return true;
  }

  private settle(p: Pending, err: BridgeError | undefined, offer?: OtpOffer): void {
    if (p.done) return;
    p.done = true;
    clearTimeout(p.timer);
    if (this.pending.get(p.req.tabId) === p) this.pending.delete(p.req.tabId);
    if (this.agentTab === p.req.tabId) {
      this.agentTab = undefined;
      // The agent's wait is still running unless it is what answered or failed.
      if (offer?.source !== "mailbox" && !(err && isAgentOutcome(err)))
        void this.d.agentCancel().catch(() => undefined);
    }
    if (offer) p.resolve(offer);
    else p.reject(err ?? new BridgeError("ERR_INTERNAL", "settled without outcome"));
  }
}

const DEFAULT_SENDER_CHECK = true;

/** A mailbox answer the rules refuse here is a broken agent or a replay: the doctor types the code. */
const REFUSAL_CODE: Record<OtpRejectReason, ErrorCode> = {
  sender: "OTP_TIMEOUT",
  "too-old": "OTP_TIMEOUT",
  "before-request": "OTP_TIMEOUT",
  reused: "OTP_TIMEOUT",
  "auth-failed": "OTP_AUTH_FAILED",
};

function isAgentOutcome(e: BridgeError): boolean {
  return e.code.startsWith("OTP_IMAP_") || e.code === "OTP_MAILBOX_NOT_CONFIGURED" || e.code.startsWith("ERR_");
}

/** The bare address of a From value, for a sender check that only requires it to parse. */
function parseOrSelf(from: string): string {
  const m = /<([^<>]+)>\s*$/.exec(from.trim());
  return (m?.[1] ?? from).trim().toLowerCase();
}

/** `storage.session`-backed used mailIds (never codes). */
export function sessionUsedStore(area: {
  get(k: string): Promise<Record<string, unknown>>;
  set(v: Record<string, unknown>): Promise<void>;
}): UsedStore {
  const KEY = "otp.usedMailIds";
  const read = async () => {
    const v = (await area.get(KEY))[KEY];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  };
  return {
    has: async (id) => (await read()).includes(id),
    add: async (id) => {
      const list = [id, ...(await read()).filter((x) => x !== id)].slice(0, 200);
      await area.set({ [KEY]: list });
    },
  };
}
