/**
 * The CPS login assistant on a portal that accepts cps-bridge tokens (the mock portal in `token` mode), in real
 * Chromium and real Firefox ESR (each in turn, `describe.each(BROWSERS)`) with the real agent and the test bench's virtual cards: CPS3 and CPS4 logins reach the dashboard with one
 * click and the PIN typed in the extension's window; a wrong PIN shows the tries left; the last try asks for
 * confirmation; every card or agent problem shows its French explanation in the panel and no login is attempted —
 * no PIN window opens and no token reaches the portal.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/login.e2e.ts
 */
import { ERRORS } from "@cps-bridge/protocol/errors";
import { PORTAL_OUTCOME_CODES } from "@cps-bridge/protocol/portal-contract";
import { screenshot } from "@cps-bridge/scripts/browser/index";
import {
  clickInPanel,
  panelElement,
  portalScreenshot,
  readPanel,
  waitForPanel,
  waitForPanelSituation,
} from "@cps-bridge/scripts/demo/assistant-page";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import type { Page } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BROWSERS } from "./helpers";
import {
  card,
  cleanUp,
  openLoginTracked,
  PIN,
  pinWindows,
  sleep,
  startLoginSlice,
  typePin,
  watchPinWindow,
} from "./login-helpers";

describe.each(BROWSERS)("%s", (browser) => {
  /** Screenshots of both browsers side by side: `login-cps3-04-dashboard.firefox.png`. */
  const shotName = (n: string) => (browser === "chromium" ? n : `${n}.${browser}`);
  let s: Slice;
  const pages: Page[] = [];

  beforeAll(async () => {
    s = await startLoginSlice({ mode: "token", browser });
  }, 180_000);

  afterAll(async () => {
    await s?.stop();
  });

  afterEach(async () => {
    await cleanUp(s, pages);
  });

  const openLogin = () => openLoginTracked(s, pages);

  const DASHBOARD = /\/App\.aspx\/MedecinLiberal\/TDB/;

  /** One click in the panel, the PIN in the extension's window, and the portal's dashboard. */
  async function loginWith(profile: "cps3" | "cps4", holder: string, shots?: string) {
    await card(s, profile);
    const page = await openLogin();
    const ready = await waitForPanelSituation(page, "ready", "login", 15_000);
    expect(ready.text).toContain(holder);
    expect(ready.text).toContain("3 essais restants sur 3");
    expect(ready.data.readiness).toBe("can-login");
    if (shots) await portalScreenshot(page, shotName(`${shots}-01-ready`), "login");
    const posts = s.tokenPosts();
    const pinOpened = await watchPinWindow(s);
    await clickInPanel(page, "login", '[data-action="cps-login"]');
    const pin = await pinOpened();
    await waitForPanel(page, "login", (p) => p.data.phase === "waiting-pin");
    if (shots) {
      await portalScreenshot(page, shotName(`${shots}-02-waiting-pin`), "login");
      await screenshot(pin, shotName(`${shots}-03-pin-window`));
    }
    // The origin the PIN window shows is the tab's, as the background took it.
    expect(await pin.$eval('[data-field="origin"]', (e) => e.textContent)).toBe(s.origin);
    const navigated = page.waitForNavigation({ timeout: 20_000 });
    await typePin(pin, PIN);
    await navigated;
    await page.waitForFunction(() => document.readyState === "complete");
    expect(page.url()).toMatch(DASHBOARD);
    expect(s.tokenPosts()).toBe(posts + 1);
    if (shots) await portalScreenshot(page, shotName(`${shots}-04-dashboard`));
    return page;
  }

  describe("one-click CPS login on a token portal", () => {
    it("CPS3: one click, the PIN in the extension's window, the dashboard", async () => {
      const page = await loginWith("cps3", "ALICE TESTCPS", "login-cps3");
      expect(await page.$eval("body", (b) => b.textContent ?? "")).toContain("TESTCPS");
      const sessions = s.portal.admin.sessions();
      expect(sessions.some((x) => x.method === "cps-token" && x.accountId !== null)).toBe(true);
    });

    it("CPS4: the same, with the ChipDoc card", async () => {
      const page = await loginWith("cps4", "BERNARD TESTCPSQUATRE", "login-cps4");
      expect(await page.$eval("body", (b) => b.textContent ?? "")).toContain("TESTCPSQUATRE");
    });

    it("a wrong PIN: the PIN window and the panel show the tries left; closing the window cancels", async () => {
      await card(s, "cps3");
      const page = await openLogin();
      await waitForPanelSituation(page, "ready", "login", 15_000);
      const posts = s.tokenPosts();
      const pinOpened = await watchPinWindow(s);
      await clickInPanel(page, "login", '[data-action="cps-login"]');
      const pin = await pinOpened();
      await typePin(pin, "0000");
      await pin.waitForSelector('[data-error-code="ERR_PIN_INCORRECT"]', { timeout: 10_000 });
      expect(await pin.$eval("main", (m) => m.textContent ?? "")).toContain("Code incorrect. Il vous reste 2 essais.");
      const panel = await waitForPanel(page, "login", (p) => p.text.includes("2 essais restants sur 3"));
      expect(panel.data.phase).toBe("waiting-pin");
      await portalScreenshot(page, shotName("login-wrong-pin-01-panel"), "login");
      await screenshot(pin, shotName("login-wrong-pin-02-pin-window"));
      await pin.close();
      const cancelled = await waitForPanel(page, "login", (p) => p.data.phase === "failed");
      expect(cancelled.text).toContain(ERRORS.ERR_USER_CANCELLED.fr);
      expect(s.tokenPosts()).toBe(posts);
      expect(page.url()).toContain("Login.aspx");
      await portalScreenshot(page, shotName("login-wrong-pin-03-cancelled"), "login");
    });

    it("the last try: the panel warns, the PIN window asks for explicit consent, then logs in", async () => {
      await card(s, "cps3-last-try");
      const page = await openLogin();
      const panel = await waitForPanelSituation(page, "pin-last-try", "login", 15_000);
      expect(panel.text).toContain("Attention : dernier essai du code porteur");
      expect(panel.text).toContain("la fenêtre du code vous demandera de confirmer");
      await portalScreenshot(page, shotName("login-last-try-01-panel"), "login");
      const pinOpened = await watchPinWindow(s);
      await clickInPanel(page, "login", '[data-action="cps-login"]');
      const pin = await pinOpened();
      expect(await pin.$('[data-last-try="true"]')).not.toBeNull();
      expect(await pin.$eval('[data-action="pin-submit"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
      await screenshot(pin, shotName("login-last-try-02-pin-window"));
      await pin.click('[data-action="confirm-last-try"]');
      const navigated = page.waitForNavigation({ timeout: 20_000 });
      await typePin(pin, PIN);
      await navigated;
      expect(page.url()).toMatch(DASHBOARD);
    });

    it("the portal's refusal is explained: a valid card without an account", async () => {
      await card(s, "cpe");
      const page = await openLogin();
      await waitForPanelSituation(page, "ready", "login", 15_000);
      const pinOpened = await watchPinWindow(s);
      await clickInPanel(page, "login", '[data-action="cps-login"]');
      const pin = await pinOpened();
      const navigated = page.waitForNavigation({ timeout: 20_000 });
      await typePin(pin, PIN);
      await navigated;
      const panel = await waitForPanel(page, "login", (p) => p.text.includes("Le portail a refusé la connexion"));
      expect(panel.text).toContain(PORTAL_OUTCOME_CODES.PORTAL_UNKNOWN_ACCOUNT.fr.slice(1));
      expect(panel.text).toContain(PORTAL_OUTCOME_CODES.PORTAL_UNKNOWN_ACCOUNT.remedyFr);
      await portalScreenshot(page, shotName("login-refused-unknown-account"), "login");
    });
  });

  describe("problems: a French explanation in the panel, and no login attempted", () => {
    /** Clicks the (disabled) button anyway, waits, and checks nothing was attempted. */
    async function assertNoLogin(page: Page) {
      const posts = s.tokenPosts();
      const button = await panelElement(page, "login", '[data-action="cps-login"]');
      expect(button).toBeDefined();
      expect(button).toHaveProperty("disabled");
      await clickInPanel(page, "login", '[data-action="cps-login"]');
      await sleep(1_500);
      expect(await pinWindows(s)).toHaveLength(0);
      expect(s.tokenPosts()).toBe(posts);
      expect(page.url()).toContain("Login.aspx");
      expect((await readPanel(page, "login"))?.data.phase).toBe("idle");
    }

    const cases: Array<[string, () => Promise<void>, string, string[]]> = [
      [
        "blocked card",
        () => card(s, "cps3-blocked"),
        "pin-blocked",
        ["Carte CPS bloquée", ERRORS.ERR_PIN_BLOCKED.remedyFr],
      ],
      [
        "expired certificate",
        () => card(s, "cps3-expired"),
        "cert-expired",
        ["Le certificat de la carte a expiré", ERRORS.ERR_CERT_EXPIRED.remedyFr],
      ],
      [
        "certificate not yet valid",
        () => card(s, "cps3-not-yet-valid"),
        "cert-not-yet-valid",
        ["pas encore valide", ERRORS.ERR_CERT_NOT_YET_VALID.remedyFr],
      ],
      [
        "Vitale card inserted",
        () => card(s, "vitale2"),
        "not-a-cps",
        ["Carte Vitale 2 insérée : ce n'est pas une carte CPS", ERRORS.ERR_NOT_A_CPS.remedyFr],
      ],
      ["no card", () => card(s, null), "no-card", ["Aucune carte dans le lecteur", ERRORS.ERR_NO_CARD.remedyFr]],
      ["mute card", () => card(s, "mute"), "card-mute", ["La carte ne répond pas", ERRORS.ERR_CARD_MUTE.remedyFr]],
      ["bank card", () => card(s, "bank"), "not-a-cps", ["ce n'est pas une carte CPS", ERRORS.ERR_NOT_A_CPS.remedyFr]],
    ];
    for (const [name, setup, kind, words] of cases) {
      it(`${name}`, async () => {
        await setup();
        const page = await openLogin();
        const panel = await waitForPanelSituation(page, kind, "login", 15_000);
        for (const w of words) expect(panel.text).toContain(w);
        expect(panel.text).toContain("Connexion par carte impossible pour l'instant");
        expect(panel.data.readiness).toBe("blocked");
        await portalScreenshot(page, shotName(`login-problem-${kind}-${name.replace(/\s+/g, "-")}`), "login");
        await assertNoLogin(page);
      });
    }

    it("agent stopped: says how to start it; comes back by itself when it is started", async () => {
      await card(s, "cps3");
      const page = await openLogin();
      await waitForPanelSituation(page, "ready", "login", 15_000);
      await s.agent.stop();
      try {
        const panel = await waitForPanelSituation(page, "agent-unavailable", "login", 10_000);
        expect(panel.text).toContain("Le programme cps-bridge ne répond pas");
        expect(panel.text).toContain("cps-bridge start");
        await portalScreenshot(page, shotName("login-problem-agent-unavailable"), "login");
        await assertNoLogin(page);
      } finally {
        await s.agent.start();
      }
      const started = Date.now();
      await waitForPanelSituation(page, "ready", "login", 10_000);
      // The state port counts as a watching UI: the client retries every second (docs/extension.md).
      expect(Date.now() - started).toBeLessThan(4_000);
    });
  });
});
