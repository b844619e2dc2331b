/**
 * Attempt rates for pairing codes, authentication and PIN tries (anchors.md §(a) "Listener": rate-limit pairing and
 * PIN attempts). A sliding-window log per key: at most `limit` attempts in any `windowMs`. Two keys are charged per
 * attempt — the peer address and a global one — so a local program cannot dodge the limit by reconnecting, and the
 * refusal carries `retryAfterMs` (ERR_RATE_LIMITED, details.retryAfterMs).
 */
import { BridgeError } from "@cps-bridge/protocol/errors";

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export type Clock = () => number;

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    readonly rule: WindowLimit,
    private readonly now: Clock = Date.now,
    /** Bound on tracked keys, so a flood of distinct keys cannot grow memory without end. */
    private readonly maxKeys = 1024,
  ) {}

  /** 0 when an attempt is allowed now, else milliseconds until one is. Does not record anything. */
  retryAfter(key: string): number {
    const list = this.prune(key);
    if (list.length < this.rule.limit) return 0;
    return Math.max(1, list[0]! + this.rule.windowMs - this.now());
  }

  record(key: string): void {
    const list = this.prune(key);
    list.push(this.now());
    if (!this.hits.has(key)) {
      if (this.hits.size >= this.maxKeys) {
        const oldest = this.hits.keys().next().value;
        if (oldest !== undefined) this.hits.delete(oldest);
      }
      this.hits.set(key, list);
    }
  }

  reset(key?: string): void {
    if (key === undefined) this.hits.clear();
    else this.hits.delete(key);
  }

  private prune(key: string): number[] {
    const list = this.hits.get(key) ?? [];
    const cutoff = this.now() - this.rule.windowMs;
    let i = 0;
    while (i < list.length && list[i]! <= cutoff) i++;
    if (i > 0) list.splice(0, i);
    return list;
  }
}

/** Per-peer plus global limit for one kind of attempt. */
export class AttemptLimiter {
  private readonly perPeer: SlidingWindowLimiter;
  private readonly global: SlidingWindowLimiter;
  constructor(
    readonly kind: string,
    rules: { perPeer: WindowLimit; global: WindowLimit },
    now: Clock = Date.now,
  ) {
    this.perPeer = new SlidingWindowLimiter(rules.perPeer, now);
    this.global = new SlidingWindowLimiter(rules.global, now);
  }

  /** Records one attempt or throws ERR_RATE_LIMITED (nothing recorded then). */
  take(peer: string): void {
    const wait = Math.max(this.perPeer.retryAfter(peer), this.global.retryAfter("*"));
    if (wait > 0) {
      throw new BridgeError("ERR_RATE_LIMITED", `too many ${this.kind} attempts`, {
        retryAfterMs: wait,
        kind: this.kind,
      });
    }
    this.perPeer.record(peer);
    this.global.record("*");
  }
}
