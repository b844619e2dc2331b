/**
 * The portal's outgoing mail. Every message is (a) kept in an in-memory list, served as JSON at `GET /__mailbox`
 * (test only) and (b) when a Maildir is configured, dropped there so dovecot serves it over IMAP to the OTP feature.
 * Delivery waits `delayMs` (real milliseconds) to reproduce slow mail (30 s, 2 min, 15 min of greylisting:
 * viatrajectoire.md §7); a delay of 0 delivers before the HTTP response is sent.
 */

import { deliverToMaildir } from "./maildir";
import { buildMail, type OutgoingMail } from "./rfc5322";

export interface MailRecord {
  id: number;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  /** ISO date of the Date header (mock clock). */
  date: string;
  text: string;
  html: string;
  raw: string;
  /** `otp` for the login code; room for the dossier notifications later. */
  kind: string;
  /** Kind-specific fields, e.g. `{ code }` for an OTP mail (test-only view). */
  meta: Record<string, string>;
  /** ISO real time the message reached the mailbox; absent while in transit. */
  deliveredAt?: string;
  maildirFile?: string;
}

export class Mailbox {
  private readonly records: MailRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1;
  private readonly listeners = new Set<(m: MailRecord) => void>();

  constructor(
    public delayMs: number,
    public maildir: string | undefined,
  ) {}

  send(mail: OutgoingMail, kind: string, meta: Record<string, string>): MailRecord {
    const built = buildMail(mail);
    const rec: MailRecord = {
      id: this.nextId++,
      messageId: built.messageId,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      date: mail.date.toISOString(),
      text: mail.text,
      html: mail.html,
      raw: built.raw,
      kind,
      meta,
    };
    this.records.push(rec);
    if (this.delayMs <= 0) this.deliver(rec);
    else {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.deliver(rec);
      }, this.delayMs);
      t.unref();
      this.timers.add(t);
    }
    return rec;
  }

  private deliver(rec: MailRecord): void {
    if (this.maildir) rec.maildirFile = deliverToMaildir(this.maildir, rec.raw);
    rec.deliveredAt = new Date().toISOString();
    for (const l of this.listeners) l(rec);
  }

  onDeliver(fn: (m: MailRecord) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Delivered messages, oldest first. */
  delivered(): MailRecord[] {
    return this.records.filter((r) => r.deliveredAt);
  }

  /** Every message, in transit or delivered. */
  all(): MailRecord[] {
    return [...this.records];
  }

  last(kind?: string): MailRecord | undefined {
    const list = this.records.filter((r) => !kind || r.kind === kind);
    return list[list.length - 1];
  }

  get inTransit(): number {
    return this.timers.size;
  }

  /** Forget all mail and cancel what is in transit (reset, stop). Files already in the Maildir stay. */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.records.length = 0;
  }
}
