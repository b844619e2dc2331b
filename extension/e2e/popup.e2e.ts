/**
 * The popup in real Chromium and real Firefox ESR (each in turn, `describe.each(BROWSERS)`) against the real agent process (`cps-bridge start --test-mode`) and the test bench's
 * virtual cards behind the real pcscd (issue 5 point 8). Every state is saved as a screenshot under
 * test-artifacts/ for people to look at.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/popup.e2e.ts
 */
import { ERRORS } from "@cps-bridge/protocol/errors";
import { popupText, waitForSituation } from "@cps-bridge/scripts/browser/index";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSERS, badge, shot, startWorld, stopWorld, type World } from "./helpers";

describe.each(BROWSERS)("%s", (browser) => {
  let w: World;
  let popup: Page;
  /** Screenshots of both browsers side by side: `popup-03-cps3-ready.firefox.png`. */
  const name = (n: string) => (browser === "chromium" ? n : `${n}.${browser}`);

  beforeAll(async () => {
    w = await startWorld({ pair: false, browser });
    popup = await w.kit.openPopup();
  }, 180_000);

  afterAll(async () => {
    await stopWorld(w ?? {});
  });

  describe("pairing", () => {
    it("an unpaired extension says so and offers pairing", async () => {
      await waitForSituation(popup, "agent-unpaired");
      expect(await popup.$('[data-action="pair"]')).not.toBeNull();
      expect((await badge(w.kit)).text).toBe("!");
      await shot(popup, name("popup-01-unpaired"));
    });

    it("a wrong code is refused with the agent's own explanation", async () => {
      await w.agent.openPairing();
      const page = await w.kit.openExtensionPage("pair.html");
      await page.waitForSelector("#pairing-code");
      await page.type("#pairing-code", "000000");
      await page.click('[data-action="pair-submit"]');
      await page.waitForSelector('#pairing-error [data-error-code="ERR_PAIRING_CODE_WRONG"]', { timeout: 10_000 });
      expect(await page.$eval("main", (m) => m.textContent)).toContain(ERRORS.ERR_PAIRING_CODE_WRONG.remedyFr);
      await shot(page, name("pairing-02-wrong-code"));
      await page.close();
    });

    it("the code shown by `cps-bridge pair` pairs the extension, which then authenticates", async () => {
      const page = await w.kit.openExtensionPage("pair.html");
      await shot(page, name("pairing-01-page"));
      await page.close();
      await w.kit.pair({ agent: w.agent });
      const state = await w.kit.state();
      expect(state.paired).toBe(true);
      expect(state.agent.status).toBe("connected");
      await waitForSituation(popup, ["no-card", "readers-loading"]);
    });
  });

  describe("card states", () => {
    it("no card: asks for the CPS card; badge is a grey dash", async () => {
      await waitForSituation(popup, "no-card");
      expect(await popupText(popup)).toContain(ERRORS.ERR_NO_CARD.remedyFr);
      expect((await badge(w.kit)).text).toBe("–");
      await shot(popup, name("popup-02-no-card"));
    });

    it("CPS3: the holder, RPPS, profession, certificate validity and PIN tries", async () => {
      await w.tb.insert(0, "cps3", {
        holder: { nationalId: "810101234567", surname: "MARTIN", givenName: "Claire", profession: "Médecin" },
      });
      await waitForSituation(popup, "ready", 10_000);
      const text = await popupText(popup);
      expect(text).toContain("Carte CPS prête");
      expect(text).toContain("Claire MARTIN");
      expect(text).toContain("10101234567");
      expect(text).toContain("Médecin");
      expect(text).toContain("Carte CPS3");
      expect(text).toMatch(/du \d\d\/\d\d\/\d{4} au \d\d\/\d\d\/\d{4}/);
      expect(text).toMatch(/expire dans \d+ jours/);
      expect(text).toContain("3 essais restants sur 3");
      const b = await badge(w.kit);
      expect(b).toEqual({ text: "OK", title: "cps-bridge — Carte CPS prête" });
      await shot(popup, name("popup-03-cps3-ready"));
    });

    it("card removed: the popup updates within 1 s", async () => {
      const started = Date.now();
      await w.tb.remove(0);
      await waitForSituation(popup, "no-card", 5_000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(1_000);
    });

    it("Vitale inserted: says it is not a CPS card and what to do", async () => {
      await w.tb.insert(0, "vitale2");
      await waitForSituation(popup, "not-a-cps", 10_000);
      const text = await popupText(popup);
      expect(text).toContain("Carte Vitale 2 insérée : ce n'est pas une carte CPS");
      expect(text).toContain(ERRORS.ERR_NOT_A_CPS.remedyFr);
      expect((await badge(w.kit)).text).toBe("?");
      await shot(popup, name("popup-04-vitale"));
      await w.tb.remove(0);
    });

    it("blocked card: says so and how to unblock", async () => {
      await w.tb.insert(0, "cps3-blocked");
      await waitForSituation(popup, "pin-blocked", 10_000);
      const text = await popupText(popup);
      expect(text).toContain("Carte CPS bloquée");
      expect(text).toContain(ERRORS.ERR_PIN_BLOCKED.remedyFr);
      expect((await badge(w.kit)).text).toBe("!");
      await shot(popup, name("popup-05-blocked"));
      await w.tb.remove(0);
    });

    it("last try: warns before any PIN is typed", async () => {
      await w.tb.insert(0, "cps3-last-try");
      await waitForSituation(popup, "pin-last-try", 10_000);
      expect(await popupText(popup)).toContain("1 seul essai restant sur 3");
      await shot(popup, name("popup-06-last-try"));
      await w.tb.remove(0);
    });

    it("expired certificate: says the card must be renewed", async () => {
      await w.tb.insert(0, "cps3-expired");
      await waitForSituation(popup, "cert-expired", 10_000);
      expect(await popupText(popup)).toContain(ERRORS.ERR_CERT_EXPIRED.remedyFr);
      await shot(popup, name("popup-07-expired"));
      await w.tb.remove(0);
    });

    it("mute card: says to check its orientation", async () => {
      await w.tb.insert(0, "mute");
      await waitForSituation(popup, "card-mute", 10_000);
      expect(await popupText(popup)).toContain(ERRORS.ERR_CARD_MUTE.remedyFr);
      await shot(popup, name("popup-08-mute"));
      await w.tb.remove(0);
    });

    it("CPS4: ready too", async () => {
      await w.tb.insert(0, "cps4");
      await waitForSituation(popup, "ready", 10_000);
      expect(await popupText(popup)).toContain("Carte CPS4");
      await shot(popup, name("popup-09-cps4-ready"));
    });
  });

  describe("agent and worker lifecycle", () => {
    it("agent stopped: the popup says so; agent back: it recovers within 2 s", async () => {
      await w.agent.stop();
      await waitForSituation(popup, "agent-unavailable", 5_000);
      const text = await popupText(popup);
      expect(text).toContain("Le programme cps-bridge ne répond pas");
      expect(text).toContain("cps-bridge start");
      expect((await badge(w.kit)).text).toBe("OFF");
      await shot(popup, name("popup-10-agent-stopped"));
      const pairing = await w.kit.openExtensionPage("pair.html");
      await pairing.waitForSelector('[data-agent-down="true"]', { timeout: 5_000 });
      expect(await pairing.$eval("main", (m) => m.textContent)).toContain("cps-bridge start");
      await shot(pairing, name("pairing-03-agent-down"));
      await pairing.close();
      await w.agent.start();
      const recovered = await waitForSituation(popup, "ready", 10_000);
      expect(recovered).toBeLessThan(2_000);
    });

    // Firefox runs the MV2 build, whose persistent background page is never stopped (docs/extension.md): no worker.
    it.skipIf(browser === "firefox")(
      "service worker stopped: a new worker restores the state (pairing, agent, card)",
      async () => {
        const sw = await w.kit.serviceWorker();
        const before = await sw.evaluate(
          () => (globalThis as unknown as { cpsBridge: { workerStart: number } }).cpsBridge.workerStart,
        );
        await w.kit.stopServiceWorker();
        // The open popup's port reconnects, which starts a new worker: pairing from IndexedDB, settings from
        // storage.local, a fresh authenticated connection, the card read again.
        const state = await w.kit.waitForState(
          (s) => s.agent.status === "connected" && s.readersKnown && s.readers.some((r) => r.holder !== undefined),
          10_000,
        );
        expect(state.paired).toBe(true);
        const after = await (await w.kit.serviceWorker()).evaluate(
          () => (globalThis as unknown as { cpsBridge: { workerStart: number } }).cpsBridge.workerStart,
        );
        expect(after).toBeGreaterThan(before);
        // The popup that stayed open follows the new worker.
        await waitForSituation(popup, "ready", 5_000);
        const fresh = await w.kit.openPopup();
        await waitForSituation(fresh, "ready", 10_000);
        expect(await popupText(fresh)).toContain("Carte CPS4");
        await shot(fresh, name("popup-11-after-worker-restart"));
        await fresh.close();
      },
    );

    it("options: port, pairing, portals, language, developer origins", async () => {
      const page = await w.kit.openExtensionPage("options.html");
      await page.waitForSelector("#agent-port");
      expect(await page.$eval("#agent-port", (i) => (i as HTMLInputElement).value)).toBe(String(w.agent.port));
      expect(await page.$eval("#portals", (t) => (t as HTMLTextAreaElement).value)).toContain(
        "https://viatrajectoire.fr",
      );
      expect(await page.$eval("[data-paired]", (p) => p.getAttribute("data-paired"))).toBe("true");
      await page.setViewport({ width: 700, height: 900 });
      await shot(page, name("options-01"));
      await page.close();
    });

    it("speaks English when set to English", async () => {
      await w.kit.configure({ language: "en" });
      await popup.waitForFunction(() => document.documentElement.lang === "en", { timeout: 5_000 });
      expect(await popupText(popup)).toContain("CPS card ready");
      await shot(popup, name("popup-12-english"));
      await w.kit.configure({ language: "fr" });
    });
  });
});
