/**
 * A fake Pro Santé Connect: an OpenID Connect provider (authorization-code flow) served by the mock under
 * `/psc-mock`, shaped like the real one (cps-card.md §4.3, viatrajectoire.md §2.4 [V]): `acr_values=eidas1`,
 * `scope=openid scope_all`, `state` and `nonce` required, ID token (RS256, this process's key) carrying
 * `preferred_username` = PS_IdNat, `acr=eidas1`, `idp=PSC`; userinfo with `SubjectNameID` [G].
 * One registered client: the mock portal, whose redirect URI is PSCCallback.aspx on any of its own origins.
 * Codes are single use and live 60 s; transactions 10 minutes; all in memory.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { MockClock } from "../clock";
import type { Context } from "../http/context";
import type { Router } from "../http/router";
import { pscApprovePage, pscErrorPage, pscLoginPage } from "../pages/psc";
import { PATHS } from "../paths";
import { newSigningKey, publicJwk, type SigningKey, signJwt } from "./jwt";

export const PSC_CLIENT_ID = "viatrajectoire-mock";
const CODE_TTL_MS = 60_000;
const TX_TTL_MS = 10 * 60_000;
const TOKEN_TTL_S = 300;

/** PS_IdNat: `8` + 11-digit RPPS, or `0` + 9-character ADELI (viatrajectoire.md §2.2 [V]). */
export const NATIONAL_ID = /^(8\d{11}|0[0-9A-Z]{9})$/;

interface Tx {
  id: string;
  redirectUri: string;
  state: string;
  nonce: string;
  scope: string;
  createdAt: number;
  idnat?: string;
}

interface Grant {
  code: string;
  redirectUri: string;
  nonce: string;
  idnat: string;
  expiresAt: number;
  used: boolean;
}

export interface PscIdentity {
  givenName: string;
  familyName: string;
}

export class PscProvider {
  readonly key: SigningKey = newSigningKey();
  readonly clientSecret = randomBytes(24).toString("base64url");
  private readonly txs = new Map<string, Tx>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, { idnat: string; expiresAt: number }>();

  constructor(
    private readonly clock: MockClock,
    /** Origins the portal (the only client) is served from. */
    private readonly clientOrigins: () => string[],
    /** Names for an identifier, when known (PSC knows every professional of the RPPS; the mock knows its accounts). */
    private readonly identityOf: (idnat: string) => PscIdentity | undefined,
  ) {}

  issuer(): string {
    return `${this.clientOrigins()[0]}${PATHS.psc}`;
  }

  reset(): void {
    this.txs.clear();
    this.grants.clear();
    this.accessTokens.clear();
  }

  private redirectUriAllowed(uri: string): boolean {
    return this.clientOrigins().some((o) => uri === `${o}${PATHS.pscCallback}`);
  }

  private errorRedirect(
    ctx: Context,
    redirectUri: string,
    state: string | null,
    error: string,
    description: string,
  ): void {
    const u = new URL(redirectUri);
    u.searchParams.set("error", error);
    u.searchParams.set("error_description", description);
    if (state) u.searchParams.set("state", state);
    ctx.redirect(u.toString());
  }

  register(router: Router): void {
    const base = PATHS.psc;

    router.get(`${base}/.well-known/openid-configuration`, (ctx) =>
      ctx.json({
        issuer: this.issuer(),
        authorization_endpoint: `${ctx.origin}${base}/auth`,
        token_endpoint: `${ctx.origin}${base}/token`,
        userinfo_endpoint: `${ctx.origin}${base}/userinfo`,
        jwks_uri: `${ctx.origin}${base}/jwks`,
        response_types_supported: ["code"],
        acr_values_supported: ["eidas1"],
        scopes_supported: ["openid", "scope_all"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      }),
    );

    router.get(`${base}/jwks`, (ctx) => ctx.json({ keys: [publicJwk(this.key)] }));

    router.get(`${base}/auth`, (ctx) => {
      const q = ctx.query;
      const clientId = q.get("client_id");
      const redirectUri = q.get("redirect_uri") ?? "";
      // Client and redirect URI are checked first; on failure the user is NOT sent back (RFC 6749 §4.1.2.1).
      if (clientId !== PSC_CLIENT_ID) return ctx.html(pscErrorPage("Application cliente inconnue."), 400);
      if (!this.redirectUriAllowed(redirectUri)) return ctx.html(pscErrorPage("Adresse de retour non autorisée."), 400);
      const state = q.get("state");
      if (q.get("response_type") !== "code")
        return this.errorRedirect(ctx, redirectUri, state, "unsupported_response_type", "response_type must be code");
      const scopes = (q.get("scope") ?? "").split(" ");
      if (!scopes.includes("openid"))
        return this.errorRedirect(ctx, redirectUri, state, "invalid_scope", "scope must include openid");
      if (q.get("acr_values") !== "eidas1")
        return this.errorRedirect(ctx, redirectUri, state, "invalid_request", "acr_values must be eidas1");
      const nonce = q.get("nonce");
      if (!state || !nonce)
        return this.errorRedirect(ctx, redirectUri, state, "invalid_request", "state and nonce are required");
      const tx: Tx = {
        id: randomBytes(16).toString("base64url"),
        redirectUri,
        state,
        nonce,
        scope: scopes.join(" "),
        createdAt: this.clock.nowMs(),
      };
      this.txs.set(tx.id, tx);
      ctx.html(pscLoginPage({ tx: tx.id, clientName: "ViaTrajectoire" }));
    });

    router.post(`${base}/auth/login`, async (ctx) => {
      const body = await ctx.body();
      const tx = this.liveTx(body.tx);
      if (!tx)
        return ctx.html(pscErrorPage("Votre demande de connexion a expiré. Recommencez depuis le portail."), 400);
      const idnat = (body.idnat ?? "").replace(/\s+/g, "");
      if (!NATIONAL_ID.test(idnat)) {
        return ctx.html(
          pscLoginPage({
            tx: tx.id,
            clientName: "ViaTrajectoire",
            error: "Identifiant national invalide : 8 suivi de votre numéro RPPS (12 chiffres).",
            idnat,
          }),
          400,
        );
      }
      tx.idnat = idnat;
      ctx.html(pscApprovePage({ tx: tx.id, maskedId: `${idnat.slice(0, 4)}••••${idnat.slice(-2)}` }));
    });

    router.post(`${base}/auth/approve`, async (ctx) => {
      const body = await ctx.body();
      const tx = this.liveTx(body.tx);
      if (!tx?.idnat)
        return ctx.html(pscErrorPage("Votre demande de connexion a expiré. Recommencez depuis le portail."), 400);
      this.txs.delete(tx.id);
      if (body.decision !== "approve")
        return this.errorRedirect(
          ctx,
          tx.redirectUri,
          tx.state,
          "access_denied",
          "Connexion refusée sur l'application e-CPS",
        );
      const code = randomBytes(24).toString("base64url");
      this.grants.set(code, {
        code,
        redirectUri: tx.redirectUri,
        nonce: tx.nonce,
        idnat: tx.idnat,
        expiresAt: this.clock.nowMs() + CODE_TTL_MS,
        used: false,
      });
      const u = new URL(tx.redirectUri);
      u.searchParams.set("code", code);
      u.searchParams.set("state", tx.state);
      ctx.redirect(u.toString());
    });

    router.post(`${base}/token`, async (ctx) => {
      const body = await ctx.body();
      const fail = (error: string, description: string, status = 400) =>
        ctx.json({ error, error_description: description }, status);
      const [clientId, secret] = clientCredentials(ctx, body);
      if (clientId !== PSC_CLIENT_ID || !secret || !safeEqual(secret, this.clientSecret))
        return fail("invalid_client", "client authentication failed", 401);
      if (body.grant_type !== "authorization_code") return fail("unsupported_grant_type", "authorization_code only");
      const grant = this.grants.get(body.code ?? "");
      if (!grant || grant.used || this.clock.nowMs() > grant.expiresAt) {
        if (grant) grant.used = true; // a replayed code burns it for good
        return fail("invalid_grant", "code unknown, used or expired");
      }
      if (body.redirect_uri !== grant.redirectUri) return fail("invalid_grant", "redirect_uri does not match");
      grant.used = true;
      const now = Math.floor(this.clock.nowMs() / 1000);
      const who = this.identityOf(grant.idnat);
      const accessToken = randomBytes(24).toString("base64url");
      this.accessTokens.set(accessToken, { idnat: grant.idnat, expiresAt: this.clock.nowMs() + TOKEN_TTL_S * 1000 });
      const idToken = signJwt(
        {
          iss: this.issuer(),
          sub: grant.idnat,
          aud: PSC_CLIENT_ID,
          exp: now + TOKEN_TTL_S,
          iat: now,
          auth_time: now,
          nonce: grant.nonce,
          acr: "eidas1",
          idp: "PSC",
          preferred_username: grant.idnat,
          ...(who ? { given_name: who.givenName, family_name: who.familyName } : {}),
        },
        this.key,
      );
      ctx.json({
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: TOKEN_TTL_S,
        id_token: idToken,
        scope: "openid scope_all",
      });
    });

    router.get(`${base}/userinfo`, (ctx) => {
      const auth = ctx.req.headers.authorization ?? "";
      const t = auth.startsWith("Bearer ") ? this.accessTokens.get(auth.slice(7)) : undefined;
      if (!t || this.clock.nowMs() > t.expiresAt) {
        ctx.header("WWW-Authenticate", 'Bearer error="invalid_token"');
        return ctx.json({ error: "invalid_token" }, 401);
      }
      const who = this.identityOf(t.idnat);
      ctx.json({
        sub: t.idnat,
        preferred_username: t.idnat,
        SubjectNameID: t.idnat,
        ...(who ? { given_name: who.givenName, family_name: who.familyName } : {}),
      });
    });
  }

  private liveTx(id: string | undefined): Tx | undefined {
    const tx = id ? this.txs.get(id) : undefined;
    if (!tx) return undefined;
    if (this.clock.nowMs() - tx.createdAt > TX_TTL_MS) {
      this.txs.delete(tx.id);
      return undefined;
    }
    return tx;
  }
}

function clientCredentials(ctx: Context, body: Record<string, string>): [string | undefined, string | undefined] {
  const h = ctx.req.headers.authorization ?? "";
  if (h.startsWith("Basic ")) {
    const decoded = Buffer.from(h.slice(6), "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i > 0) return [decodeURIComponent(decoded.slice(0, i)), decodeURIComponent(decoded.slice(i + 1))];
  }
  return [body.client_id, body.client_secret];
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
