/**
 * The e-mailed one-time code of the password login (viatrajectoire-guide-excerpt.md; viatrajectoire.md §2.2 [B]):
 * 6 digits, valid 10 minutes, at most 5 tries [G], single use; asking for a new code invalidates the previous one
 * (the challenge object is replaced). Codes live only in memory (HELPERS.md: OTP codes never persisted).
 */
import { randomInt, timingSafeEqual } from "node:crypto";

export type OtpResult = "ok" | "wrong" | "expired" | "locked" | "used";

export interface OtpPolicy {
  validityMs: number;
  maxTries: number;
}

export const DEFAULT_OTP_POLICY: OtpPolicy = { validityMs: 10 * 60_000, maxTries: 5 };

export class OtpChallenge {
  readonly code: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  private tries = 0;
  private consumed = false;

  constructor(
    now: number,
    private readonly policy: OtpPolicy,
  ) {
    this.code = randomInt(0, 1_000_000).toString().padStart(6, "0");
    this.issuedAt = now;
    this.expiresAt = now + policy.validityMs;
  }

  get triesLeft(): number {
    return Math.max(0, this.policy.maxTries - this.tries);
  }

  get used(): boolean {
    return this.consumed;
  }

  remainingSeconds(now: number): number {
    return Math.max(0, Math.ceil((this.expiresAt - now) / 1000));
  }

  /** One try. Spaces are tolerated (people paste "542 642"); anything else that is not the code is a wrong try. */
  verify(input: string, now: number): OtpResult {
    if (this.consumed) return "used";
    if (this.tries >= this.policy.maxTries) return "locked";
    if (now > this.expiresAt) return "expired";
    this.tries++;
    const typed = Buffer.from(input.replace(/\s+/g, "").padEnd(6, "\0").slice(0, 16));
    const good = Buffer.from(this.code.padEnd(6, "\0"));
    const ok = typed.length === good.length && timingSafeEqual(typed, good);
    if (ok) {
      this.consumed = true;
      return "ok";
    }
    return this.tries >= this.policy.maxTries ? "locked" : "wrong";
  }
}
