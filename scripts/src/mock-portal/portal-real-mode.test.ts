/**
 * `real` mode: the card button behaves like today's portal, where card login is TLS client authentication by the
 * browser and the Cryptolib (design.md; viatrajectoire.md §2.3) — the mock answers with the failure page, word for
 * word from the guide excerpt, whose help links stay on this machine.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PATHS } from "./paths";
import { createMockPortal, type MockPortal } from "./portal";
import { adminFetch } from "./testing/admin";
import { attr, TestBrowser, tagById, textById } from "./testing/browser";

let portal: MockPortal;
beforeAll(async () => {
  portal = createMockPortal({ mode: "real" });
  await portal.start();
});
afterAll(() => portal.stop());
beforeEach(() => portal.admin.reset());

const RETURN = "%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB";

describe("real mode", () => {
  it("the card button leads to the failure page with the guide's texts", async () => {
    const b = new TestBrowser(portal.url);
    const login = await b.get(`${PATHS.login}?ReturnUrl=${RETURN}`);
    const href = attr(tagById(login.text, "btnCPS"), "href")!;
    const go = await b.get(`${PATHS.login.replace("Login.aspx", "")}${href}`);
    expect(go.status).toBe(302);
    expect(go.location).toBe(`${PATHS.cpsFailure}?ReturnUrl=${RETURN}`);
    const p = await b.get(go.location!);
    expect(p.status).toBe(200);
    expect(textById(p.text, "lblTitreErreurCPS")).toBe("La lecture de la carte CPS a échoué.");
    expect(textById(p.text, "blocAide")).toBe(
      "Je veux me faire aider: Contactez l'assistance DMP Faites-vous accompagner pour vous connecter au DMP puis revenez chez nous, tout fonctionnera alors naturellement",
    );
    expect(textById(p.text, "blocAutoDepannage")).toBe(
      "Je veux essayer de m'auto-dépanner: Outil de vérification du ministère de la santé Suivez attentivement les instructions",
    );
    expect(textById(p.text, "lblApresInstallation")).toBe(
      "Après installations des composants recommandés, fermez complètement votre navigateur et réessayez la connexion CPS",
    );
    expect(p.text).toContain("<b>Suivez attentivement les instructions</b>");
    // Local stand-ins for the external help sites.
    for (const id of ["lnkAssistanceDMP", "lnkOutilVerification"]) {
      const link = attr(tagById(p.text, id), "href")!;
      expect(link.startsWith("/")).toBe(true);
      expect((await b.get(link)).status).toBe(200);
    }
    expect(attr(tagById(p.text, "lnkRetourConnexion"), "href")).toBe(`${PATHS.login}?ReturnUrl=${RETURN}`);
    expect(portal.admin.sessions().some((s) => s.accountId)).toBe(false);
  });

  it("a token post is not accepted in real mode", async () => {
    const b = new TestBrowser(portal.url);
    await b.get(PATHS.login);
    const r = await b.post(`${PATHS.loginCps}?ReturnUrl=${RETURN}`, { __CPSBRIDGE_TOKEN: "{}" });
    expect(r.status).toBe(302);
    expect(r.location).toBe(`${PATHS.cpsFailure}?ReturnUrl=${RETURN}`);
  });

  it("the admin switch changes the mode at runtime, both ways", async () => {
    const b = new TestBrowser(portal.url);
    const set = (body: unknown) =>
      adminFetch(`${portal.url}/__admin/cps-mode`, { method: "POST", body: JSON.stringify(body) });
    expect((await set({ mode: "token" })).status).toBe(200);
    const token = await b.get(`${PATHS.loginCps}?ReturnUrl=${RETURN}`);
    expect(token.status).toBe(200);
    expect(token.text).toContain('name="cps-bridge-challenge"');
    expect((await set({ mode: "real" })).status).toBe(200);
    expect((await b.get(`${PATHS.loginCps}?ReturnUrl=${RETURN}`)).status).toBe(302);
    expect((await set({ mode: "bogus" })).status).toBe(400);
  });

  it("can simulate a working browser + Cryptolib (TLS client auth succeeded) for a given holder", async () => {
    const r = await adminFetch(`${portal.url}/__admin/cps-mode`, {
      method: "POST",
      body: JSON.stringify({ mode: "real", realOutcome: "success", nationalId: "899700218896" }),
    });
    expect(await r.json()).toMatchObject({
      mode: "real",
      realCpsOutcome: { kind: "success", nationalId: "899700218896" },
    });
    const b = new TestBrowser(portal.url);
    const go = await b.get(`${PATHS.loginCps}?ReturnUrl=${RETURN}`);
    expect(go.status).toBe(302);
    expect(go.location).toBe(decodeURIComponent(RETURN));
    expect(portal.admin.sessions().filter((s) => s.accountId)).toMatchObject([{ method: "cps-tls" }]);
  });
});
