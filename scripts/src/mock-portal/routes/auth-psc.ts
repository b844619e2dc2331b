/**
 * The portal's side of "Se connecter par E-CPS": LoginPSC.aspx starts the OIDC authorization-code flow (fresh
 * `state` and `nonce` bound to the browser session), PSCCallback.aspx checks `state`, exchanges the code at the
 * token endpoint over real HTTP (as a relying party does), verifies the ID token with the provider's JWKS (also
 * fetched over HTTP), its issuer, audience, expiry, nonce and `acr=eidas1`, then opens the session for the account
 * whose national id is `preferred_username`.
 */
import { createPublicKey, createVerify, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "../http/context";
import type { Router } from "../http/router";
import { loginPage } from "../pages/login";
import { PATHS, safeReturnUrl } from "../paths";
import { PSC_CLIENT_ID, type PscProvider } from "../psc/provider";
import { ensureSession, openSession, type Runtime, readSession } from "../runtime";
import { issueChallenge } from "./auth-cps";

export const PSC_MSG = {
  denied: "La connexion par e-CPS a été refusée sur votre téléphone.",
  failed: "La connexion par e-CPS a échoué. Veuillez réessayer.",
  unknownAccount: "Aucun compte ViaTrajectoire Médecin libéral n'est associé à votre identifiant e-CPS.",
};

/** Where the portal itself reaches the provider's back-channel endpoints (loopback, the bound address). */
export type BackChannel = () => string;

function b64uJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** Verifies a compact RS256 JWS against a JWKS, by `kid`. Returns the claims or throws. */
export function verifyWithJwks(token: string, jwks: { keys: Record<string, unknown>[] }): Record<string, unknown> {
  const [h, p, s] = token.split(".");
  if (!h || !p || !s) throw new Error("not a JWS");
  const header = b64uJson(h);
  if (header.alg !== "RS256") throw new Error("alg");
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error("kid");
  const key = createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" });
  if (!createVerify("RSA-SHA256").update(`${h}.${p}`).verify(key, Buffer.from(s, "base64url")))
    throw new Error("signature");
  return b64uJson(p);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerPscPortalRoutes(
  router: Router,
  rt: Runtime,
  provider: PscProvider,
  backChannel: BackChannel,
): void {
  const fail = (ctx: Context, message: string, returnUrl: string) => {
    const s = ensureSession(rt, ctx);
    const challenge = rt.cpsMode === "token" ? issueChallenge(rt, s) : undefined;
    ctx.html(loginPage({ returnUrl, error: message, ...(challenge ? { challenge } : {}) }));
  };

  router.get(PATHS.loginPsc, (ctx) => {
    const s = ensureSession(rt, ctx);
    const returnUrl = safeReturnUrl(ctx.query.get("ReturnUrl"));
    s.psc = {
      state: randomBytes(16).toString("base64url"),
      nonce: randomBytes(16).toString("base64url"),
      returnUrl,
      issuedAt: rt.clock.nowMs(),
    };
    const q = new URLSearchParams({
      response_type: "code",
      client_id: PSC_CLIENT_ID,
      redirect_uri: `${ctx.origin}${PATHS.pscCallback}`,
      scope: "openid scope_all",
      acr_values: "eidas1",
      state: s.psc.state,
      nonce: s.psc.nonce,
    });
    ctx.redirect(`${PATHS.psc}/auth?${q}`);
  });

  router.get(PATHS.pscCallback, async (ctx) => {
    const s = readSession(rt, ctx);
    const pending = s?.psc;
    if (s) delete s.psc; // state is single use
    const returnUrl = pending?.returnUrl ?? safeReturnUrl(null);
    const state = ctx.query.get("state") ?? "";
    if (!s || !pending || !same(state, pending.state)) return fail(ctx, PSC_MSG.failed, returnUrl);
    if (ctx.query.get("error"))
      return fail(ctx, ctx.query.get("error") === "access_denied" ? PSC_MSG.denied : PSC_MSG.failed, returnUrl);
    const code = ctx.query.get("code");
    if (!code) return fail(ctx, PSC_MSG.failed, returnUrl);

    let claims: Record<string, unknown>;
    try {
      const base = `${backChannel()}${PATHS.psc}`;
      const tokenRes = await fetch(`${base}/token`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${Buffer.from(`${PSC_CLIENT_ID}:${provider.clientSecret}`).toString("base64")}`,
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: `${ctx.origin}${PATHS.pscCallback}`,
        }),
      });
      if (!tokenRes.ok) throw new Error(`token endpoint ${tokenRes.status}`);
      const tokens = (await tokenRes.json()) as { id_token?: string };
      const jwks = (await (await fetch(`${base}/jwks`)).json()) as { keys: Record<string, unknown>[] };
      claims = verifyWithJwks(tokens.id_token ?? "", jwks);
    } catch {
      return fail(ctx, PSC_MSG.failed, returnUrl);
    }
    const nowS = rt.clock.nowMs() / 1000;
    const ok =
      claims.iss === provider.issuer() &&
      claims.aud === PSC_CLIENT_ID &&
      typeof claims.exp === "number" &&
      claims.exp > nowS &&
      typeof claims.nonce === "string" &&
      same(claims.nonce, pending.nonce) &&
      claims.acr === "eidas1";
    if (!ok) return fail(ctx, PSC_MSG.failed, returnUrl);
    const account =
      typeof claims.preferred_username === "string" ? rt.accounts.byNationalId(claims.preferred_username) : undefined;
    if (!account) return fail(ctx, PSC_MSG.unknownAccount, returnUrl);
    openSession(rt, ctx, s, account, "e-cps");
    ctx.redirect(returnUrl);
  });
}
