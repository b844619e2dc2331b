/**
 * Browser sessions, in memory. One HttpOnly, SameSite=Lax cookie named like ASP.NET's (`ASP.NET_SessionId`) carries
 * a random id; everything else (login state, pending OTP, CPS challenge, OIDC state) stays on the server.
 * Expiry is sliding on the mock clock: each request made within `idleMs` of the previous one extends it
 * (ASP.NET forms authentication default, 30 min [G], viatrajectoire.md §6.3 / §8.1).
 * The id is replaced when a login succeeds, so an id planted before login never becomes an authenticated one.
 */
import { randomBytes } from "node:crypto";
import type { MockClock } from "./clock";
import type { OtpChallenge } from "./otp";

export const SESSION_COOKIE = "ASP.NET_SessionId";

export type AuthMethod = "password+otp" | "e-cps" | "cps-token" | "cps-tls";

export interface SessionAuth {
  accountId: string;
  method: AuthMethod;
  at: number;
}

/** First step of the password login, waiting for the e-mailed code. */
export interface PendingOtp {
  accountId: string;
  returnUrl: string;
  challenge: OtpChallenge;
  resends: number;
}

export interface CpsChallenge {
  /** base64 of 32 random bytes (44 characters): what the card signs with the origin (anchors.md §1.3). */
  nonce: string;
  issuedAt: number;
  expiresAt: number;
}

export interface PscPending {
  state: string;
  nonce: string;
  returnUrl: string;
  issuedAt: number;
}

export interface Session {
  readonly id: string;
  readonly createdAt: number;
  lastSeen: number;
  /** Anti-forgery token for state-changing forms of the logged-in pages (ASP.NET's __RequestVerificationToken). */
  readonly csrf: string;
  auth?: SessionAuth;
  otp?: PendingOtp;
  cps?: CpsChallenge;
  psc?: PscPending;
  /** A message shown once on the next page (e.g. after a redirect to Login.aspx). */
  flash?: string;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: MockClock,
    public idleMs: number,
  ) {}

  create(): Session {
    const now = this.clock.nowMs();
    const s: Session = { id: randomId(), createdAt: now, lastSeen: now, csrf: randomId() };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session for this id, its expiry slid forward; `undefined` (and forgotten) when idle too long. */
  touch(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.clock.nowMs();
    if (now - s.lastSeen > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeen = now;
    return s;
  }

  /** Same state under a fresh id (login success): the old id stops working. */
  rotate(old: Session): Session {
    this.sessions.delete(old.id);
    const s: Session = { ...old, id: randomId(), csrf: randomId() };
    this.sessions.set(s.id, s);
    return s;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  clear(): void {
    this.sessions.clear();
  }

  /** Live sessions (expired ones are dropped on the way). */
  list(): Session[] {
    const now = this.clock.nowMs();
    for (const [id, s] of this.sessions) if (now - s.lastSeen > this.idleMs) this.sessions.delete(id);
    return [...this.sessions.values()];
  }

  expiresAt(s: Session): number {
    return s.lastSeen + this.idleMs;
  }
}

function randomId(): string {
  return randomBytes(18).toString("base64url");
}
