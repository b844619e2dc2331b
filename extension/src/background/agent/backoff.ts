/**
 * Reconnection delays. Fast first (the agent may just be restarting), then slower, so a browser left open all day
 * with no agent does not spin. While a UI is open (the doctor is looking at the popup or the pairing page) the
 * delay is capped at 1 s, so "agent back" shows within 2 s. Failures that retrying alone cannot fix (version
 * mismatch, untrusted agent, refused key) wait the longest delay whatever the UI.
 */

export interface BackoffOptions {
  /** Delays in ms for attempt 0, 1, 2…; the last one repeats. */
  steps?: readonly number[];
  /** Cap while somebody watches a UI. */
  watchedCapMs?: number;
  /** ± fraction of random spread, so several browsers do not reconnect in lockstep. */
  jitter?: number;
  random?: () => number;
}

export const DEFAULT_STEPS: readonly number[] = [250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];

export class Backoff {
  private attempt = 0;
  private readonly steps: readonly number[];
  private readonly watchedCapMs: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.steps = options.steps ?? DEFAULT_STEPS;
    this.watchedCapMs = options.watchedCapMs ?? 1_000;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one failed attempt. */
  next({ watched = false, permanent = false }: { watched?: boolean; permanent?: boolean } = {}): number {
    const max = this.steps[this.steps.length - 1]!;
    let base = permanent ? max : this.steps[Math.min(this.attempt, this.steps.length - 1)]!;
    this.attempt++;
    if (watched && !permanent) base = Math.min(base, this.watchedCapMs);
    const spread = base * this.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.round(base + spread));
  }

  /** After a successful connection. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
