/**
 * "Se connecter par carte CPS" in its two modes (runtime.ts CpsMode):
 * - `token`: the portal issues a challenge nonce per page load (32 random bytes, base64; single use; 5 minutes;
 *   stored in the browser session), and accepts a cps-bridge login token posted back (token-contract.ts). It
 *   verifies with `verifyLoginToken` from @cps-bridge/protocol against its *own* origin and the *stored* nonce,
 *   then opens the session as the card holder's account (matched by national id).
 * - `real`: today's portal, where the browser does TLS client authentication with the Cryptolib. The mock cannot
 *   do that handshake; it answers as if it failed (the failure page), or — when a test sets the outcome to
 *   success — as if it worked for a given holder.
 */
import { type BridgeError, ERRORS, isBridgeError } from "@cps-bridge/protocol/errors";
import { newChallengeNonce, verifyLoginToken } from "@cps-bridge/protocol/login-token";
import type { Body, Context } from "../http/context";
import type { Router } from "../http/router";
import { cpsFailurePage, cpsTokenPage } from "../pages/cps";
import { loginPage } from "../pages/login";
import { aspNetUrlEncode, PATHS, safeReturnUrl } from "../paths";
import { ensureSession, expectedOrigin, openSession, type Runtime, readSession } from "../runtime";
import type { Session } from "../sessions";
import { NONCE_TTL_MS, TOKEN_CONTRACT } from "../token-contract";

/** Refusals that are the portal's own (not a token verdict), shown in `#lblErreur[data-code]`. */
export const PORTAL_CODES = {
  PORTAL_SESSION_EXPIRED: "Votre session a expiré. La page a été rechargée : réessayez la connexion par carte CPS.",
  PORTAL_NO_CHALLENGE:
    "Cette demande de connexion a déjà été utilisée ou n'existe pas. Réessayez la connexion par carte CPS.",
  PORTAL_CHALLENGE_EXPIRED: "La demande de connexion par carte CPS a expiré. Réessayez la connexion.",
  PORTAL_STALE_PAGE: "La page de connexion n'était plus à jour. Réessayez la connexion par carte CPS.",
  PORTAL_BAD_ORIGIN: "Adresse du portail inattendue : la connexion par carte CPS est refusée.",
  PORTAL_UNKNOWN_ACCOUNT: "Aucun compte ViaTrajectoire Médecin libéral n'est associé à cette carte CPS.",
  PORTAL_NO_TOKEN: "Aucun jeton de connexion reçu.",
} as const;
export type PortalCode = keyof typeof PORTAL_CODES;

/** The French sentence a portal shows for a refused token: the error's text, made precise for certificate cases. */
export function tokenRefusalMessage(e: BridgeError): string {
  const reason = typeof e.details?.reason === "string" ? e.details.reason : "";
  const prefix = "Connexion par carte CPS refusée : ";
  if (e.code === "ERR_TOKEN_CERT_INVALID") {
    if (reason === "expired") return `${prefix}le certificat de votre carte CPS a expiré. Renouvelez votre carte CPS.`;
    if (reason === "not-yet-valid") return `${prefix}le certificat de votre carte CPS n'est pas encore valide.`;
    if (reason === "chain" || reason === "no-trust-anchors")
      return `${prefix}le certificat de votre carte CPS n'est pas reconnu par ce portail.`;
  }
  const def = ERRORS[e.code];
  return `${prefix}${def.fr.charAt(0).toLowerCase()}${def.fr.slice(1)} ${def.remedyFr}`;
}

/** A fresh nonce for this session (replacing any previous one) and what the page shows of it. */
export function issueChallenge(rt: Runtime, s: Session): { nonce: string; ttlSeconds: number } {
  const now = rt.clock.nowMs();
  s.cps = { nonce: newChallengeNonce(), issuedAt: now, expiresAt: now + NONCE_TTL_MS };
  return { nonce: s.cps.nonce, ttlSeconds: Math.round(NONCE_TTL_MS / 1000) };
}

type Page = "Login.aspx" | "LoginCPS.aspx";

function refuse(rt: Runtime, ctx: Context, s: Session, page: Page, code: string, message: string): void {
  const returnUrl = safeReturnUrl(ctx.query.get("ReturnUrl"));
  const challenge = rt.cpsMode === "token" ? issueChallenge(rt, s) : undefined;
  if (ctx.wantsJson()) {
    ctx.json({ ok: false, code, message, ...(challenge ? { challenge: challenge.nonce } : {}) }, 403);
    return;
  }
  const o = { returnUrl, error: message, errorCode: code, ...(challenge ? { challenge } : {}) };
  ctx.html(page === "Login.aspx" ? loginPage(o) : cpsTokenPage(o));
}

/** The POST of a token (from Login.aspx's or LoginCPS.aspx's form, or as JSON). */
export async function handleTokenPost(rt: Runtime, ctx: Context, body: Body, page: Page): Promise<void> {
  const existing = readSession(rt, ctx);
  const s = existing ?? ensureSession(rt, ctx);
  if (!existing) return refuse(rt, ctx, s, page, "PORTAL_SESSION_EXPIRED", PORTAL_CODES.PORTAL_SESSION_EXPIRED);
  // Single use, whatever the outcome: the nonce leaves the session before anything else is looked at.
  const challenge = s.cps;
  delete s.cps;
  if (!challenge) return refuse(rt, ctx, s, page, "PORTAL_NO_CHALLENGE", PORTAL_CODES.PORTAL_NO_CHALLENGE);
  if (rt.clock.nowMs() > challenge.expiresAt)
    return refuse(rt, ctx, s, page, "PORTAL_CHALLENGE_EXPIRED", PORTAL_CODES.PORTAL_CHALLENGE_EXPIRED);
  // The echoed nonce only detects a stale page; verification below uses the stored one.
  const echoed = body[TOKEN_CONTRACT.challengeField];
  if (echoed !== undefined && echoed !== challenge.nonce)
    return refuse(rt, ctx, s, page, "PORTAL_STALE_PAGE", PORTAL_CODES.PORTAL_STALE_PAGE);
  const token = body[TOKEN_CONTRACT.tokenField] ?? "";
  if (!token) return refuse(rt, ctx, s, page, "PORTAL_NO_TOKEN", PORTAL_CODES.PORTAL_NO_TOKEN);
  const origin = expectedOrigin(rt, ctx);
  if (!origin) return refuse(rt, ctx, s, page, "PORTAL_BAD_ORIGIN", PORTAL_CODES.PORTAL_BAD_ORIGIN);

  let holder: { nationalId: string };
  try {
    const verified = await verifyLoginToken({
      token,
      origin,
      nonce: challenge.nonce,
      trustAnchors: await rt.trustAnchors(),
      now: rt.clock.now(),
      allowHttpLocalhost: true,
    });
    holder = verified.holder;
  } catch (e) {
    if (isBridgeError(e)) return refuse(rt, ctx, s, page, e.code, tokenRefusalMessage(e));
    throw e;
  }
  const account = rt.accounts.byNationalId(holder.nationalId);
  if (!account) return refuse(rt, ctx, s, page, "PORTAL_UNKNOWN_ACCOUNT", PORTAL_CODES.PORTAL_UNKNOWN_ACCOUNT);
  openSession(rt, ctx, s, account, "cps-token");
  const location = safeReturnUrl(ctx.query.get("ReturnUrl"));
  if (ctx.wantsJson()) ctx.json({ ok: true, location });
  else ctx.redirect(location);
}

export function registerCpsRoutes(router: Router, rt: Runtime): void {
  router.get(PATHS.loginCps, (ctx) => {
    const returnUrl = safeReturnUrl(ctx.query.get("ReturnUrl"));
    const s = ensureSession(rt, ctx);
    if (rt.cpsMode === "real") {
      const outcome = rt.realCpsOutcome;
      const account = outcome.kind === "success" ? rt.accounts.byNationalId(outcome.nationalId) : undefined;
      if (!account) return ctx.redirect(`${PATHS.cpsFailure}?ReturnUrl=${aspNetUrlEncode(returnUrl)}`);
      openSession(rt, ctx, s, account, "cps-tls");
      return ctx.redirect(returnUrl);
    }
    ctx.html(cpsTokenPage({ returnUrl, challenge: issueChallenge(rt, s) }));
  });

  router.post(PATHS.loginCps, async (ctx) => {
    const body = await ctx.body();
    if (rt.cpsMode === "real") {
      return ctx.redirect(
        `${PATHS.cpsFailure}?ReturnUrl=${aspNetUrlEncode(safeReturnUrl(ctx.query.get("ReturnUrl")))}`,
      );
    }
    return handleTokenPost(rt, ctx, body, "LoginCPS.aspx");
  });

  router.get(PATHS.cpsFailure, (ctx) => ctx.html(cpsFailurePage(safeReturnUrl(ctx.query.get("ReturnUrl")))));
}
