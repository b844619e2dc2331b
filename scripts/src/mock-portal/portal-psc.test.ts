/**
 * "Se connecter par E-CPS" through the fake Pro Santé Connect (OIDC authorization code; cps-card.md §4.3,
 * viatrajectoire.md §2.4), end to end over HTTP, with the state / nonce / code checks of both sides.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PATHS } from "./paths";
import { createMockPortal, type MockPortal } from "./portal";
import { PSC_MSG, verifyWithJwks } from "./routes/auth-psc";
import { attr, type Page, TestBrowser, tagById, textById } from "./testing/browser";

let portal: MockPortal;
beforeAll(async () => {
  portal = createMockPortal();
  await portal.start();
});
afterAll(() => portal.stop());
beforeEach(() => portal.admin.reset());

const RETURN = "%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fMonCompte";

function hidden(p: Page, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(p.text)![1]!;
}

/** From the portal's button to the provider's login page. */
async function start(b: TestBrowser): Promise<{ authorize: URL; page: Page }> {
  const login = await b.get(`${PATHS.login}?ReturnUrl=${RETURN}`);
  expect(attr(tagById(login.text, "btnECPS"), "href")).toBe(`LoginPSC.aspx?ReturnUrl=${RETURN}`);
  const go = await b.get(`${PATHS.loginPsc}?ReturnUrl=${RETURN}`);
  expect(go.status).toBe(302);
  const authorize = new URL(go.location!, portal.url);
  return { authorize, page: await b.get(authorize.pathname + authorize.search) };
}

async function approve(b: TestBrowser, page: Page, idnat: string, decision = "approve"): Promise<Page> {
  const typed = await b.post(`${PATHS.psc}/auth/login`, { tx: hidden(page, "tx"), idnat });
  expect(typed.status).toBe(200);
  return b.post(`${PATHS.psc}/auth/approve`, { tx: hidden(typed, "tx"), decision });
}

describe("e-CPS login (fake Pro Santé Connect)", () => {
  it("asks PSC with the real parameters, and opens the session for preferred_username", async () => {
    const b = new TestBrowser(portal.url);
    const { authorize, page } = await start(b);
    expect(authorize.pathname).toBe("/psc-mock/auth");
    const q = authorize.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe("viatrajectoire-mock");
    expect(q.get("redirect_uri")).toBe(`${portal.url}${PATHS.pscCallback}`);
    expect(q.get("scope")).toBe("openid scope_all");
    expect(q.get("acr_values")).toBe("eidas1");
    expect(q.get("state")).toMatch(/^[\w-]{16,}$/);
    expect(q.get("nonce")).toMatch(/^[\w-]{16,}$/);
    expect(page.status).toBe(200);
    expect(textById(page.text, "btnPscSuivant")).toBe("Se connecter avec e-CPS");

    const back = await approve(b, page, "899700218896");
    expect(back.status).toBe(302);
    const cb = new URL(back.location!);
    expect(cb.origin + cb.pathname).toBe(`${portal.url}${PATHS.pscCallback}`);
    expect(cb.searchParams.get("state")).toBe(q.get("state"));
    const done = await b.get(cb.pathname + cb.search);
    expect(done.status).toBe(302);
    expect(done.location).toBe(decodeURIComponent(RETURN));
    expect(portal.admin.sessions().filter((s) => s.accountId)).toMatchObject([
      { accountId: "899700218896", method: "e-cps" },
    ]);
    expect((await b.get(PATHS.account)).status).toBe(200);
  });

  it("the token endpoint returns an RS256 ID token with preferred_username, acr=eidas1 and the nonce; codes are single use", async () => {
    const b = new TestBrowser(portal.url);
    const { authorize, page } = await start(b);
    const back = await approve(b, page, "899700218896");
    const code = new URL(back.location!).searchParams.get("code")!;
    const exchange = (secret: string) =>
      fetch(`${portal.url}/psc-mock/token`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${Buffer.from(`${portal.psc.clientId}:${secret}`).toString("base64")}`,
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: authorize.searchParams.get("redirect_uri")!,
        }),
      });
    const wrong = await exchange("nope");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });

    const res = await exchange(portal.psc.clientSecret);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { id_token: string; access_token: string; token_type: string };
    expect(tokens.token_type).toBe("Bearer");
    const jwks = (await (await fetch(`${portal.url}/psc-mock/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    const claims = verifyWithJwks(tokens.id_token, jwks);
    expect(claims).toMatchObject({
      iss: portal.psc.issuer(),
      aud: "viatrajectoire-mock",
      sub: "899700218896",
      preferred_username: "899700218896",
      acr: "eidas1",
      idp: "PSC",
      nonce: authorize.searchParams.get("nonce"),
      given_name: "Camille",
      family_name: "TESTMEDECIN",
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);

    const info = await fetch(`${portal.url}/psc-mock/userinfo`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await info.json()).toMatchObject({ preferred_username: "899700218896", SubjectNameID: "899700218896" });
    expect((await fetch(`${portal.url}/psc-mock/userinfo`, { headers: { Authorization: "Bearer x" } })).status).toBe(
      401,
    );

    // Replayed code: refused, and the portal's own callback with it fails too.
    const replay = await exchange(portal.psc.clientSecret);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    const cb = await b.get(new URL(back.location!).pathname + new URL(back.location!).search);
    expect(textById(cb.text, "lblErreur")).toBe(PSC_MSG.failed);
    const conf = (await (await fetch(`${portal.url}/psc-mock/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(conf).toMatchObject({
      issuer: portal.psc.issuer(),
      acr_values_supported: ["eidas1"],
      response_types_supported: ["code"],
    });
  });

  it("a refusal on the phone comes back as a portal error", async () => {
    const b = new TestBrowser(portal.url);
    const { page } = await start(b);
    const back = await approve(b, page, "899700218896", "deny");
    const cb = new URL(back.location!);
    expect(cb.searchParams.get("error")).toBe("access_denied");
    const r = await b.get(cb.pathname + cb.search);
    expect(textById(r.text, "lblErreur")).toBe(PSC_MSG.denied);
    expect(portal.admin.sessions().some((s) => s.accountId)).toBe(false);
  });

  it("an unknown national id gets a clear error; a malformed one is refused by PSC", async () => {
    const b = new TestBrowser(portal.url);
    const { page } = await start(b);
    const bad = await b.post(`${PATHS.psc}/auth/login`, { tx: hidden(page, "tx"), idnat: "12345" });
    expect(bad.status).toBe(400);
    expect(textById(bad.text, "pscErreur")).toMatch(/Identifiant national invalide/);
    const back = await approve(b, page, "810000000099");
    const r = await b.get(new URL(back.location!).pathname + new URL(back.location!).search);
    expect(textById(r.text, "lblErreur")).toBe(PSC_MSG.unknownAccount);
  });

  it("a callback with a state that is not this browser's is refused (CSRF on the callback)", async () => {
    const victim = new TestBrowser(portal.url);
    await start(victim);
    const attacker = new TestBrowser(portal.url);
    const { page } = await start(attacker);
    const back = await approve(attacker, page, "899700218896");
    const cb = new URL(back.location!);
    // The attacker makes the victim's browser land on the attacker's callback.
    const r = await victim.get(cb.pathname + cb.search);
    expect(r.status).toBe(200);
    expect(textById(r.text, "lblErreur")).toBe(PSC_MSG.failed);
    expect(portal.admin.sessions().some((s) => s.accountId)).toBe(false);
  });

  it("an ID token whose nonce is not the session's is refused", async () => {
    const b = new TestBrowser(portal.url);
    const { authorize } = await start(b);
    // Same state (so the callback's first check passes) but a nonce of the attacker's choosing.
    const forged = new URL(authorize);
    forged.searchParams.set("nonce", "attacker-chosen-nonce-0001");
    const eve = new TestBrowser(portal.url);
    const page = await eve.get(forged.pathname + forged.search);
    const back = await approve(eve, page, "899700218896");
    const cb = new URL(back.location!);
    expect(cb.searchParams.get("state")).toBe(authorize.searchParams.get("state"));
    const r = await b.get(cb.pathname + cb.search);
    expect(textById(r.text, "lblErreur")).toBe(PSC_MSG.failed);
    expect(portal.admin.sessions().some((s) => s.accountId)).toBe(false);
  });

  it("a code is single use and short-lived at the token endpoint; state is single use at the callback", async () => {
    const b = new TestBrowser(portal.url);
    const { page } = await start(b);
    const back = await approve(b, page, "899700218896");
    const cb = new URL(back.location!);
    expect((await b.get(cb.pathname + cb.search)).status).toBe(302);
    // Replaying the same callback: the state was consumed.
    const again = await new TestBrowser(portal.url).get(cb.pathname + cb.search);
    expect(textById(again.text, "lblErreur")).toBe(PSC_MSG.failed);

    const b2 = new TestBrowser(portal.url);
    const s2 = await start(b2);
    const back2 = await approve(b2, s2.page, "899700218896");
    portal.admin.advanceClock(61_000);
    const late = await b2.get(new URL(back2.location!).pathname + new URL(back2.location!).search);
    expect(textById(late.text, "lblErreur")).toBe(PSC_MSG.failed);
  });

  it("PSC refuses a bad client or redirect URI on its own page, and other bad requests back to the client", async () => {
    const b = new TestBrowser(portal.url);
    const { authorize } = await start(b);
    const evil = new URL(authorize);
    evil.searchParams.set("redirect_uri", "https://evil.example/cb");
    expect((await b.get(evil.pathname + evil.search)).status).toBe(400);
    const noClient = new URL(authorize);
    noClient.searchParams.set("client_id", "other");
    expect((await b.get(noClient.pathname + noClient.search)).status).toBe(400);
    const noAcr = new URL(authorize);
    noAcr.searchParams.delete("acr_values");
    const r = await b.get(noAcr.pathname + noAcr.search);
    expect(r.status).toBe(302);
    const loc = new URL(r.location!);
    expect(loc.searchParams.get("error")).toBe("invalid_request");
    expect(loc.searchParams.get("state")).toBe(authorize.searchParams.get("state"));
    const noNonce = new URL(authorize);
    noNonce.searchParams.delete("nonce");
    expect(new URL((await b.get(noNonce.pathname + noNonce.search)).location!).searchParams.get("error")).toBe(
      "invalid_request",
    );
  });
});
