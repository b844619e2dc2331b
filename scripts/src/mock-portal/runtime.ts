/**
 * What every route of the mock shares: the stores, the clock, the mode switches, and the session helpers
 * (cookie ⇄ session, the forms-authentication gate that answers 302 to Login.aspx?ReturnUrl=…).
 */
import type { AccountStore, MockAccount } from "./accounts";
import type { MockClock } from "./clock";
import type { DossierStore } from "./data/store";
import type { Context } from "./http/context";
import type { Mailbox } from "./mail/mailbox";
import type { OtpPolicy } from "./otp";
import { loginUrlFor } from "./paths";
import { SESSION_COOKIE, type Session, type SessionStore } from "./sessions";

export type CpsMode = "token" | "real";

/** What "Se connecter par carte CPS" does in `real` mode: fail as today's portal does, or succeed as when the
 * browser's TLS client authentication with the Cryptolib works (then as the given card holder). */
export type RealCpsOutcome = { kind: "failure" } | { kind: "success"; nationalId: string };

import type { OtpMailVariant } from "./mail/otp-variants";

export interface Runtime {
  clock: MockClock;
  sessions: SessionStore;
  accounts: AccountStore;
  dossiers: DossierStore;
  mailbox: Mailbox;
  otpPolicy: OtpPolicy;
  /** "ViaTrajectoire" (production wording) or "ViaTrajectoire Formation" (the guide's training instance). */
  instanceName: string;
  cpsMode: CpsMode;
  realCpsOutcome: RealCpsOutcome;
  /** CA certificates (PEM) trusted for cps-bridge tokens; loaded lazily from the test PKI when not given. */
  trustAnchors: () => Promise<string[]>;
  /**
   * The origins this server is served from, as a browser would write them (e.g. http://127.0.0.1:PORT and
   * http://localhost:PORT). A token is verified against the one of the request's Host only if it is in this list.
   */
  ownOrigins: () => string[];
  /** Max resends of the OTP per login attempt [G]. */
  otpMaxResends: number;
  /** The shape of the next OTP mails (mail/otp-variants.ts); tests set it through the admin API. */
  otpMailVariant: OtpMailVariant;
}

export function readSession(rt: Runtime, ctx: Context): Session | undefined {
  return rt.sessions.touch(ctx.cookies.get(SESSION_COOKIE));
}

export function setSessionCookie(ctx: Context, s: Session): void {
  ctx.setCookie(SESSION_COOKIE, s.id);
}

/** The session of this browser, created (and its cookie set) when there is none or it expired. */
export function ensureSession(rt: Runtime, ctx: Context): Session {
  const s = readSession(rt, ctx);
  if (s) return s;
  const fresh = rt.sessions.create();
  setSessionCookie(ctx, fresh);
  return fresh;
}

/** Logs the session in as `account`: new id (no fixation), pending login steps cleared. */
export function openSession(
  rt: Runtime,
  ctx: Context,
  s: Session,
  account: MockAccount,
  method: NonNullable<Session["auth"]>["method"],
): Session {
  const next = rt.sessions.rotate(s);
  next.auth = { accountId: account.id, method, at: rt.clock.nowMs() };
  delete next.otp;
  delete next.cps;
  delete next.psc;
  setSessionCookie(ctx, next);
  return next;
}

/**
 * Forms-authentication gate for AccesRestreint pages: the logged-in session and account, or a 302 to
 * `Login.aspx?ReturnUrl=<this path>` (ASP.NET behaviour, viatrajectoire.md §8.1) and `undefined`.
 */
export function requireLogin(rt: Runtime, ctx: Context): { session: Session; account: MockAccount } | undefined {
  const s = readSession(rt, ctx);
  const account = s?.auth ? rt.accounts.get(s.auth.accountId) : undefined;
  if (!s || !account) {
    if (ctx.wantsJson()) ctx.json({ error: "session expired", login: loginUrlFor(ctx.pathAndQuery) }, 401);
    else ctx.redirect(loginUrlFor(ctx.pathAndQuery));
    return undefined;
  }
  return { session: s, account };
}

/** The origin to verify a token against: the request's own, if it is one of ours (never a header we do not know). */
export function expectedOrigin(rt: Runtime, ctx: Context): string | undefined {
  return rt.ownOrigins().includes(ctx.origin) ? ctx.origin : undefined;
}
