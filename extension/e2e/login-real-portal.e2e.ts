/**
 * The login assistant on today's portal, where the card login is the browser's TLS client authentication with the
 * Cryptolib CPS (the mock portal in `real` mode: its card button leads to the failure page). The assistant cannot do
 * that login; it checks the card first — the pre-flight stops a doomed click on the portal's own button and says why,
 * with an escape hatch — and on "La lecture de la carte CPS a échoué." it explains the cause it sees right now and
 * offers the other ways in, leaving the portal's own help visible.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/login-real-portal.e2e.ts
 */
import { ERRORS } from "@cps-bridge/protocol/errors";
import {
  clickInPanel,
  portalScreenshot,
  readPanel,
  waitForPanel,
  waitForPanelSituation,
} from "@cps-bridge/scripts/demo/assistant-page";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import type { Page } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { card, cleanUp, openLoginTracked, sleep, startLoginSlice } from "./login-helpers";

let s: Slice;
const pages: Page[] = [];

beforeAll(async () => {
  s = await startLoginSlice({ mode: "real" });
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

afterEach(async () => {
  s.portal.admin.setCpsMode("real");
  await cleanUp(s, pages);
});

const openLogin = () => openLoginTracked(s, pages);

/** Requests for the portal's card login (the TLS step): what a doomed click would have cost. */
const cardLoginRequests = () => s.requests.filter((l) => /\/AccesLibre\/LoginCPS\.aspx\b/i.test(l)).length;

describe("pre-flight of the portal's own card button", () => {
  const doomed: Array<[string, () => Promise<void>, string, string]> = [
    ["Vitale card", () => card(s, "vitale2"), "not-a-cps", "Carte Vitale 2 insérée : ce n'est pas une carte CPS"],
    ["blocked card", () => card(s, "cps3-blocked"), "pin-blocked", ERRORS.ERR_PIN_BLOCKED.remedyFr],
    ["expired certificate", () => card(s, "cps3-expired"), "cert-expired", ERRORS.ERR_CERT_EXPIRED.remedyFr],
    ["no card", () => card(s, null), "no-card", ERRORS.ERR_NO_CARD.remedyFr],
  ];
  for (const [name, setup, kind, words] of doomed) {
    it(`${name}: the click is stopped before the portal's failure, with the reason`, async () => {
      await setup();
      const page = await openLogin();
      const panel = await waitForPanelSituation(page, kind, "login", 15_000);
      expect(panel.data.mode).toBe("real");
      expect(panel.text).toContain("Cryptolib CPS");
      const before = cardLoginRequests();
      await page.click("#btnCPS");
      const stop = await waitForPanel(page, "preflight");
      expect(stop.data.situation).toBe(kind);
      expect(stop.text).toContain("Connexion par carte CPS arrêtée avant l'échec");
      expect(stop.text).toContain(words);
      expect(stop.text).toContain("Continuer quand même");
      await sleep(500);
      expect(page.url()).toContain("/Login.aspx");
      expect(cardLoginRequests()).toBe(before);
      await portalScreenshot(page, `login-real-preflight-${kind}`, "preflight");
    });
  }

  it("'Continuer quand même' lets the portal's button through; the failure page then says why", async () => {
    await card(s, "vitale2");
    const page = await openLogin();
    await waitForPanelSituation(page, "not-a-cps", "login", 15_000);
    await page.click("#btnCPS");
    await waitForPanel(page, "preflight");
    const navigated = page.waitForNavigation({ timeout: 15_000 });
    await clickInPanel(page, "preflight", '[data-action="preflight-continue"]');
    await navigated;
    expect(page.url()).toContain("/ErreurCPS.aspx");
    const takeover = await waitForPanelSituation(page, "not-a-cps", "failure", 15_000);
    expect(takeover.data.diagnosis).toBe("card-explains");
    expect(takeover.text).toContain("Voici ce qui empêche la connexion par carte");
    expect(takeover.text).toContain("Carte Vitale 2 insérée : ce n'est pas une carte CPS");
    await portalScreenshot(page, "login-real-failure-vitale", "failure");
  });

  it("'Fermer' closes the warning and the portal stays where it was", async () => {
    await card(s, "cps3-expired");
    const page = await openLogin();
    await waitForPanelSituation(page, "cert-expired", "login", 15_000);
    await page.click("#btnCPS");
    await waitForPanel(page, "preflight");
    await clickInPanel(page, "preflight", '[data-action="preflight-dismiss"]');
    await sleep(300);
    expect(await readPanel(page, "preflight")).toBeUndefined();
    expect(page.url()).toContain("/Login.aspx");
  });

  it("the last PIN try: a warning first, which the doctor may pass", async () => {
    await card(s, "cps3-last-try");
    const page = await openLogin();
    await waitForPanelSituation(page, "pin-last-try", "login", 15_000);
    await page.click("#btnCPS");
    const stop = await waitForPanel(page, "preflight");
    expect(stop.text).toContain("une erreur de plus bloquera votre carte");
    await portalScreenshot(page, "login-real-preflight-last-try", "preflight");
    const navigated = page.waitForNavigation({ timeout: 15_000 });
    await clickInPanel(page, "preflight", '[data-action="preflight-continue"]');
    await navigated;
    expect(page.url()).toContain("/ErreurCPS.aspx");
  });

  it("a card that can log in: the portal's button is not stopped (here the TLS step succeeds: dashboard)", async () => {
    await card(s, "cps3");
    s.portal.admin.setCpsMode("real", { kind: "success", nationalId: "899700123456" });
    const page = await openLogin();
    await waitForPanelSituation(page, "ready", "login", 15_000);
    const navigated = page.waitForNavigation({ timeout: 15_000 });
    await page.click("#btnCPS");
    await navigated;
    await page.waitForFunction(() => document.readyState === "complete");
    expect(page.url()).toMatch(/\/MedecinLiberal\/TDB/);
    expect(await readPanel(page, "preflight")).toBeUndefined();
  });

  it("agent stopped: cps-bridge knows nothing, so it does not stand in the way", async () => {
    await card(s, "cps3");
    const page = await openLogin();
    await waitForPanelSituation(page, "ready", "login", 15_000);
    await s.agent.stop();
    try {
      await waitForPanelSituation(page, "agent-unavailable", "login", 10_000);
      const navigated = page.waitForNavigation({ timeout: 15_000 });
      await page.click("#btnCPS");
      await navigated;
      expect(page.url()).toContain("/ErreurCPS.aspx");
      const takeover = await waitForPanelSituation(page, "agent-unavailable", "failure", 15_000);
      expect(takeover.data.diagnosis).toBe("unknown");
      expect(takeover.text).toContain("cps-bridge ne peut pas vérifier votre carte en ce moment");
      expect(takeover.text).toContain("cps-bridge start");
      await portalScreenshot(page, "login-real-failure-agent-unavailable", "failure");
    } finally {
      await s.agent.start();
    }
  });
});

describe("the failure page takeover", () => {
  it("card and reader fine: the failure is elsewhere (browser, Cryptolib); the portal's help stays visible", async () => {
    await card(s, "cps3");
    const page = await openLogin();
    await waitForPanelSituation(page, "ready", "login", 15_000);
    const navigated = page.waitForNavigation({ timeout: 15_000 });
    await page.click("#btnCPS");
    await navigated;
    const takeover = await waitForPanelSituation(page, "ready", "failure", 15_000);
    expect(takeover.data.diagnosis).toBe("card-fine");
    expect(takeover.text).toContain("Votre carte CPS et votre lecteur fonctionnent");
    expect(takeover.text).toContain("fermez-le complètement");
    expect(takeover.text).toContain("Se connecter par e-CPS");
    expect(takeover.text).toContain("Identifiant et mot de passe");
    // The portal's page is untouched: its title and both help links are still shown.
    for (const id of ["lblTitreErreurCPS", "lnkAssistanceDMP", "lnkOutilVerification"]) {
      const box = await (await page.$(`#${id}`))?.boundingBox();
      expect(box?.height, id).toBeGreaterThan(0);
    }
    await portalScreenshot(page, "login-real-failure-card-fine", "failure");
    await portalScreenshot(page, "login-real-failure-card-fine-page");
  });

  it("a blocked card explains the failure", async () => {
    await card(s, "cps3-blocked");
    const page = await openLogin();
    await page.goto(`${s.origin}/Trajectoire/Pages/AccesLibre/ErreurCPS.aspx?ReturnUrl=%2fTrajectoire%2f`);
    const takeover = await waitForPanelSituation(page, "pin-blocked", "failure", 15_000);
    expect(takeover.data.diagnosis).toBe("card-explains");
    expect(takeover.text).toContain(ERRORS.ERR_PIN_BLOCKED.remedyFr);
    await portalScreenshot(page, "login-real-failure-blocked", "failure");
  });

  it("'Se connecter par e-CPS' leads to the login page with that way outlined and focused", async () => {
    await card(s, "cps3");
    const page = await openLogin();
    await page.goto(`${s.origin}/Trajectoire/Pages/AccesLibre/ErreurCPS.aspx?ReturnUrl=%2fTrajectoire%2f`);
    await waitForPanel(page, "failure");
    const navigated = page.waitForNavigation({ timeout: 15_000 });
    await clickInPanel(page, "failure", '[data-action="way-ecps"]');
    await navigated;
    expect(page.url()).toContain("/Login.aspx?ReturnUrl=%2fTrajectoire%2f#cps-bridge-ecps");
    await page.waitForFunction(() => document.activeElement?.id === "btnECPS", { timeout: 5_000 });
    expect(await page.$eval("#blocECPS", (b) => (b as HTMLElement).style.outlineStyle)).toBe("solid");
    await portalScreenshot(page, "login-real-way-ecps");
  });
});
