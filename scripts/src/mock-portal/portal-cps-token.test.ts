/**
 * "Se connecter par carte CPS" in token mode: the page contract the extension relies on (token-contract.ts), and
 * verification of real tokens — signed by a key whose certificate the test bench PKI issued — with every refusal
 * the portal must make, each with its French message and `data-code`.
 */
import { request } from "node:http";
import { X509CertificateGenerator } from "@cps-bridge/protocol/x509";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PATHS } from "./paths";
import { createMockPortal, type MockPortal } from "./portal";
import { PORTAL_CODES } from "./routes/auth-cps";
import { attr, formAction, hiddenFields, meta, type Page, TestBrowser, tagById, textById } from "./testing/browser";
import { loadTestPki, makeCard, type TestCard } from "./testing/tokens";
import { TOKEN_CONTRACT } from "./token-contract";

const HOLDER = { nationalId: "899700218896", surname: "TESTMEDECIN", givenName: "Camille" };
const RETURN = "%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fMonCompte";

let portal: MockPortal;
let card: TestCard;
let anchorsPem: string;

beforeAll(async () => {
  const pki = await loadTestPki();
  anchorsPem = pki.anchorsPem;
  card = await makeCard(pki, HOLDER);
  portal = createMockPortal({ trustAnchors: anchorsPem });
  await portal.start();
}, 120_000);
afterAll(() => portal.stop());
beforeEach(() => portal.admin.reset());

async function loginPage(b: TestBrowser, path: string = PATHS.login): Promise<Page> {
  return b.get(`${path}?ReturnUrl=${RETURN}`);
}

function nonceOf(p: Page): string {
  return meta(p.text, TOKEN_CONTRACT.challengeMeta)!;
}

/** What the content script does: fill __CPSBRIDGE_TOKEN and submit form#form1 with everything it holds. */
function submitToken(b: TestBrowser, p: Page, token: unknown, override: Record<string, string> = {}): Promise<Page> {
  return b.post(formAction(p), {
    ...hiddenFields(p.text),
    [TOKEN_CONTRACT.tokenField]: JSON.stringify(token),
    ...override,
  });
}

function refusal(p: Page): { code: string | undefined; message: string | undefined } {
  return { code: attr(tagById(p.text, "lblErreur"), "data-code"), message: textById(p.text, "lblErreur") };
}

describe("page contract", () => {
  it("Login.aspx and LoginCPS.aspx carry a fresh 32-byte nonce in <meta> and in form#form1", async () => {
    const b = new TestBrowser(portal.url);
    const seen = new Set<string>();
    for (const path of [PATHS.login, PATHS.login, PATHS.loginCps]) {
      const p = await loginPage(b, path);
      expect(p.status).toBe(200);
      const nonce = nonceOf(p);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(32);
      expect(meta(p.text, TOKEN_CONTRACT.ttlMeta)).toBe("300");
      const fields = hiddenFields(p.text, TOKEN_CONTRACT.formId);
      expect(fields[TOKEN_CONTRACT.challengeField]).toBe(nonce);
      expect(fields[TOKEN_CONTRACT.tokenField]).toBe("");
      seen.add(nonce);
    }
    expect(seen.size).toBe(3);
    // The origin is never offered by the page: the extension takes it from the tab.
    const p = await loginPage(b);
    expect(p.text).not.toMatch(/cps-bridge-origin/);
  });

  it("real mode shows no challenge at all", async () => {
    portal.admin.setCpsMode("real");
    const p = await loginPage(new TestBrowser(portal.url));
    expect(meta(p.text, TOKEN_CONTRACT.challengeMeta)).toBeUndefined();
    expect(p.text).not.toContain(TOKEN_CONTRACT.tokenField);
  });
});

describe("a valid token", () => {
  it("posted with Login.aspx's form opens the session as the card holder and goes to ReturnUrl", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const r = await submitToken(b, p, await card.sign(portal.url, nonceOf(p)));
    expect(r.status).toBe(302);
    expect(r.location).toBe(decodeURIComponent(RETURN));
    expect(portal.admin.sessions().filter((s) => s.accountId)).toMatchObject([
      { accountId: HOLDER.nationalId, method: "cps-token" },
    ]);
    const account = await b.get(r.location!);
    expect(textById(account.text, "lblPraticien")).toBe("Dr Camille TESTMEDECIN");
  });

  it("posted with LoginCPS.aspx's form works the same", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b, PATHS.loginCps);
    expect(formAction(p)).toBe(`${PATHS.loginCps}?ReturnUrl=${RETURN}`);
    const r = await submitToken(b, p, await card.sign(portal.url, nonceOf(p)));
    expect(r.status).toBe(302);
    expect((await b.get(PATHS.dashboard)).status).toBe(200);
  });

  it("as JSON (Accept: application/json) answers { ok, location }", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const r = await b.post(
      `${PATHS.loginCps}?ReturnUrl=${RETURN}`,
      {
        [TOKEN_CONTRACT.challengeField]: nonceOf(p),
        [TOKEN_CONTRACT.tokenField]: JSON.stringify(await card.sign(portal.url, nonceOf(p))),
      },
      { json: true },
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ ok: true, location: decodeURIComponent(RETURN) });
  });

  it("is accepted on the localhost name of the portal too, when signed for that origin", async () => {
    const b = new TestBrowser(`http://localhost:${portal.port}`);
    const p = await loginPage(b);
    const r = await submitToken(b, p, await card.sign(`http://localhost:${portal.port}`, nonceOf(p)));
    expect(r.status).toBe(302);
  });

  it("the default trust anchors are the test bench PKI's (no option given)", async () => {
    const p2 = createMockPortal();
    await p2.start();
    try {
      const b = new TestBrowser(p2.url);
      const p = await loginPage(b);
      expect((await submitToken(b, p, await card.sign(p2.url, nonceOf(p)))).status).toBe(302);
    } finally {
      await p2.stop();
    }
  });
});

describe("refusals (each leaves no session and shows the portal's French error with a fresh nonce)", () => {
  async function expectRefused(b: TestBrowser, r: Page, code: string, message: RegExp | string) {
    expect(r.status).toBe(200);
    const got = refusal(r);
    expect(got.code).toBe(code);
    if (typeof message === "string") expect(got.message).toBe(message);
    else expect(got.message).toMatch(message);
    expect(nonceOf(r)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(portal.admin.sessions().some((s) => s.accountId)).toBe(false);
    expect((await b.get(PATHS.dashboard)).status).toBe(302);
  }

  it("a tampered signature", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const t = await card.sign(portal.url, nonceOf(p));
    const sig = Buffer.from(t.signature, "base64");
    sig[10]! ^= 0x01;
    const r = await submitToken(b, p, { ...t, signature: sig.toString("base64") });
    await expectRefused(
      b,
      r,
      "ERR_TOKEN_SIGNATURE_INVALID",
      /^Connexion par carte CPS refusée : la signature du jeton de connexion est invalide\./,
    );
  });

  it("a token signed for another nonce", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const other = Buffer.alloc(32, 7).toString("base64");
    const r = await submitToken(b, p, await card.sign(portal.url, other));
    await expectRefused(b, r, "ERR_TOKEN_SIGNATURE_INVALID", /signature du jeton/);
  });

  it("a replayed nonce: a token for a nonce already used is refused, whatever the page echoes", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const good = await card.sign(portal.url, nonceOf(p));
    // First attempt fails (tampered) and consumes the nonce; the page comes back with a new one.
    const first = await submitToken(b, p, { ...good, signature: Buffer.alloc(256, 1).toString("base64") });
    expect(refusal(first).code).toBe("ERR_TOKEN_SIGNATURE_INVALID");
    // Replaying the good token for the old nonce: the stale echo is caught…
    const stale = await submitToken(b, p, good);
    await expectRefused(b, stale, "PORTAL_STALE_PAGE", PORTAL_CODES.PORTAL_STALE_PAGE);
    // …and echoing the current nonce does not help: the signature covers the old one.
    const replay = await submitToken(b, stale, good);
    await expectRefused(b, replay, "ERR_TOKEN_SIGNATURE_INVALID", /signature du jeton/);
  });

  it("a token replayed after a successful login finds no challenge", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const t = await card.sign(portal.url, nonceOf(p));
    expect((await submitToken(b, p, t)).status).toBe(302);
    const again = await b.post(
      `${PATHS.loginCps}?ReturnUrl=${RETURN}`,
      { [TOKEN_CONTRACT.tokenField]: JSON.stringify(t) },
      { json: true },
    );
    expect(again.status).toBe(403);
    expect(JSON.parse(again.text)).toMatchObject({ ok: false, code: "PORTAL_NO_CHALLENGE" });
  });

  it("the same token posted twice at once opens one session only (the nonce leaves the session first)", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const t = await card.sign(portal.url, nonceOf(p));
    const [r1, r2] = await Promise.all([submitToken(b, p, t), submitToken(b, p, t)]);
    expect([r1.status, r2.status].sort()).toEqual([200, 302]);
    expect(refusal(r1.status === 200 ? r1 : r2).code).toBe("PORTAL_NO_CHALLENGE");
    expect(portal.admin.sessions().filter((s) => s.accountId)).toHaveLength(1);
  });

  it("a token signed for another origin", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const r = await submitToken(b, p, await card.sign("https://trajectoire.sante-ra.fr", nonceOf(p)));
    await expectRefused(b, r, "ERR_TOKEN_SIGNATURE_INVALID", /signature du jeton/);
    // Signed for the portal's other name while the browser is on 127.0.0.1.
    const p2 = await loginPage(b);
    const r2 = await submitToken(b, p2, await card.sign(`http://localhost:${portal.port}`, nonceOf(p2)));
    await expectRefused(b, r2, "ERR_TOKEN_SIGNATURE_INVALID", /signature du jeton/);
  });

  it("a request whose Host is not one of the portal's names", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const body = new URLSearchParams({
      ...hiddenFields(p.text),
      [TOKEN_CONTRACT.tokenField]: JSON.stringify(await card.sign("http://evil.example", nonceOf(p))),
    }).toString();
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: portal.port,
          method: "POST",
          path: `${PATHS.login}?ReturnUrl=${RETURN}`,
          headers: {
            Host: "evil.example",
            "Content-Type": "application/x-www-form-urlencoded",
            Cookie: `ASP.NET_SessionId=${b.cookies.get("ASP.NET_SessionId")}`,
          },
        },
        (res) => {
          let t = "";
          res.on("data", (c) => {
            t += c;
          });
          res.on("end", () => resolve(t));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(attr(tagById(text, "lblErreur"), "data-code")).toBe("PORTAL_BAD_ORIGIN");
    expect(portal.admin.sessions().some((s) => s.accountId)).toBe(false);
  });

  it("an expired certificate", async () => {
    const pki = await loadTestPki();
    const old = await makeCard(pki, HOLDER, {
      notBefore: new Date(Date.now() - 4 * 365 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const r = await submitToken(b, p, await old.sign(portal.url, nonceOf(p)));
    await expectRefused(
      b,
      r,
      "ERR_TOKEN_CERT_INVALID",
      "Connexion par carte CPS refusée : le certificat de votre carte CPS a expiré. Renouvelez votre carte CPS.",
    );
  });

  it("a certificate that expired on the mock clock (admin clock moved 4 years ahead)", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const t = await card.sign(portal.url, nonceOf(p));
    portal.admin.advanceClock(4 * 365 * 86_400_000);
    const p2 = await loginPage(b); // the old nonce would have expired too
    const r = await submitToken(b, p2, await card.sign(portal.url, nonceOf(p2)));
    expect(t.format).toMatch(/^cps-bridge:1/);
    await expectRefused(b, r, "ERR_TOKEN_CERT_INVALID", /a expiré/);
  });

  it("a certificate from a CA the portal does not trust", async () => {
    const keys = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const self = await X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: "CN=899700218896+SN=TESTMEDECIN+G=Camille, T=Médecin, C=FR",
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keys,
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    });
    const forged: TestCard = { ...card, keys, certificate: new Uint8Array(self.rawData) };
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const { signedData, buildLoginToken } = await import("@cps-bridge/protocol/login-token");
    const sig = new Uint8Array(
      await crypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.privateKey, await signedData(portal.url, nonceOf(p), "RS256")),
    );
    const token = buildLoginToken({
      certificate: forged.certificate,
      algorithm: "RS256",
      signature: sig,
      agentVersion: "0",
    });
    const r = await submitToken(b, p, token);
    await expectRefused(
      b,
      r,
      "ERR_TOKEN_CERT_INVALID",
      "Connexion par carte CPS refusée : le certificat de votre carte CPS n'est pas reconnu par ce portail.",
    );
  });

  it("a malformed token", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const r = await b.post(formAction(p), { ...hiddenFields(p.text), [TOKEN_CONTRACT.tokenField]: "{not json" });
    await expectRefused(b, r, "ERR_TOKEN_MALFORMED", /jeton de connexion reçu est mal formé/);
  });

  it("a valid card whose holder has no account", async () => {
    const pki = await loadTestPki();
    const stranger = await makeCard(pki, { nationalId: "810000000099", surname: "INCONNU", givenName: "Dominique" });
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const r = await submitToken(b, p, await stranger.sign(portal.url, nonceOf(p)));
    await expectRefused(b, r, "PORTAL_UNKNOWN_ACCOUNT", PORTAL_CODES.PORTAL_UNKNOWN_ACCOUNT);
  });

  it("a nonce older than its 5-minute TTL", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const t = await card.sign(portal.url, nonceOf(p));
    portal.admin.advanceClock(5 * 60_000 + 1000);
    await expectRefused(
      b,
      await submitToken(b, p, t),
      "PORTAL_CHALLENGE_EXPIRED",
      PORTAL_CODES.PORTAL_CHALLENGE_EXPIRED,
    );
  });

  it("a post from a browser whose session expired", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const t = await card.sign(portal.url, nonceOf(p));
    portal.admin.advanceClock(31 * 60_000);
    await expectRefused(b, await submitToken(b, p, t), "PORTAL_SESSION_EXPIRED", PORTAL_CODES.PORTAL_SESSION_EXPIRED);
  });

  it("a JSON refusal returns the code and the next nonce", async () => {
    const b = new TestBrowser(portal.url);
    const p = await loginPage(b);
    const r = await b.post(PATHS.loginCps, { [TOKEN_CONTRACT.tokenField]: '{"x":1}' }, { json: true });
    expect(r.status).toBe(403);
    const j = JSON.parse(r.text) as { ok: boolean; code: string; message: string; challenge: string };
    expect(j).toMatchObject({ ok: false, code: "ERR_TOKEN_MALFORMED" });
    expect(j.challenge).not.toBe(nonceOf(p));
    const ok = await b.post(
      PATHS.loginCps,
      { [TOKEN_CONTRACT.tokenField]: JSON.stringify(await card.sign(portal.url, j.challenge)) },
      { json: true },
    );
    expect(JSON.parse(ok.text)).toMatchObject({ ok: true });
  });
});
