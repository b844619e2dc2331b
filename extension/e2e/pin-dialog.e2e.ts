/**
 * The PIN window and `requestPinAndSign` (the background API the portal login of issue 6 calls), in real Chromium
 * and real Firefox ESR (each in turn, `describe.each(BROWSERS)`) with the real agent and virtual CPS3 cards: the window shows the origin the background was given, the holder and
 * the tries; a wrong PIN costs a try and says so; the last try needs explicit consent; a blocked card explains how to
 * unblock; the token verifies with `verifyLoginToken` against the test PKI.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/pin-dialog.e2e.ts
 */
import { readFileSync } from "node:fs";
import { ERRORS } from "@cps-bridge/protocol/errors";
import { newChallengeNonce, verifyLoginToken } from "@cps-bridge/protocol/login-token";
import { popupText, waitForSituation } from "@cps-bridge/scripts/browser/index";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSERS, shot, startWorld, stopWorld, type World } from "./helpers";

/** The mock portal's kind of origin: http on loopback, accepted by the agent in test mode only. */
const PORTAL = "http://localhost:8443";
const PIN = "2580";

describe.each(BROWSERS)("%s", (browser) => {
  let w: World;
  const name = (n: string) => (browser === "chromium" ? n : `${n}.${browser}`);
  let anchors: string[];

  beforeAll(async () => {
    w = await startWorld({ browser });
    await w.kit.configure({ developerOrigins: [PORTAL] });
    anchors = readFileSync(w.tb.trustAnchorsPath, "utf8").match(
      /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
    )!;
  }, 180_000);

  afterAll(async () => {
    await stopWorld(w ?? {});
  });

  type Outcome = { ok: true; token: unknown } | { ok: false; code: string };

  /** Starts requestPinAndSign in the worker (kept on globalThis) and returns the PIN window that opens. */
  async function startRequest(origin: string, nonce: string): Promise<Page> {
    const sw = await w.kit.serviceWorker();
    // A new window: the previous test's one may still be closing itself.
    const before = new Set(await w.kit.extensionPages("pin.html"));
    const windowOpened = w.kit.waitForExtensionPage("pin.html?request=", { exclude: before, timeoutMs: 10_000 });
    await sw.evaluate(
      (o: string, n: string) => {
        const g = globalThis as unknown as {
          cpsBridge: { requestPinAndSign(r: { origin: string; challengeNonce: string }): Promise<unknown> };
          __outcome?: Promise<unknown>;
        };
        g.__outcome = g.cpsBridge.requestPinAndSign({ origin: o, challengeNonce: n });
      },
      origin,
      nonce,
    );
    const page = await windowOpened;
    await page.waitForSelector("main[data-pin-view]", { timeout: 10_000 });
    return page;
  }

  async function outcome(): Promise<Outcome> {
    const sw = await w.kit.serviceWorker();
    return sw.evaluate(() => (globalThis as unknown as { __outcome: Promise<Outcome> }).__outcome);
  }

  async function typePin(page: Page, pin: string) {
    await page.waitForSelector("#pin:not([disabled])");
    await page.type("#pin", pin);
    await page.click('[data-action="pin-submit"]');
  }

  async function insertCard(profile: "cps3" | "cps3-last-try", triesLeft?: number) {
    if (w.tb.card(0)) await w.tb.remove(0);
    await w.tb.insert(0, profile, {
      pin: PIN,
      holder: { nationalId: "810101234567", surname: "MARTIN", givenName: "Claire", profession: "Médecin" },
      ...(triesLeft !== undefined ? { triesLeft } : {}),
    });
    const popup = await w.kit.openPopup();
    try {
      await waitForSituation(popup, profile === "cps3" ? "ready" : "pin-last-try", 10_000);
    } catch (e) {
      const { readdirSync, readFileSync: read } = await import("node:fs");
      const logs = readdirSync(`${w.agent.home}/logs`)
        .map((f) => read(`${w.agent.home}/logs/${f}`, "utf8"))
        .join("\n");
      throw new Error(
        `${(e as Error).message}\n${await popupText(popup)}\n${JSON.stringify(await w.kit.state())}\nAGENT LOG:\n${logs.slice(-6000)}`,
      );
    }
    await popup.close();
  }

  describe("PIN window", () => {
    it("shows the origin, the holder and the tries; a wrong PIN costs a try; the right one gives a verifiable token", async () => {
      await insertCard("cps3");
      const nonce = newChallengeNonce();
      const page = await startRequest(PORTAL, nonce);
      expect(await page.$eval('[data-field="origin"]', (e) => e.textContent)).toBe(PORTAL);
      const text = await page.$eval("main", (m) => m.textContent ?? "");
      expect(text).toContain("Carte de Claire MARTIN");
      expect(text).toContain("3 essais restants sur 3");
      const field = await page.$eval("#pin", (i) => ({
        type: (i as HTMLInputElement).type,
        inputmode: i.getAttribute("inputmode"),
        autocomplete: i.getAttribute("autocomplete"),
        maxLength: (i as HTMLInputElement).maxLength,
      }));
      expect(field).toEqual({ type: "password", inputmode: "numeric", autocomplete: "off", maxLength: 4 });
      await shot(page, name("pin-01-form"));

      await typePin(page, "0000");
      await page.waitForSelector('[data-error-code="ERR_PIN_INCORRECT"]', { timeout: 10_000 });
      expect(await page.$eval("main", (m) => m.textContent ?? "")).toContain("Code incorrect. Il vous reste 2 essais.");
      expect(await page.$eval("#pin", (i) => (i as HTMLInputElement).value)).toBe("");
      await shot(page, name("pin-02-wrong-pin"));

      const closed = w.kit.waitForClose(page, 15_000);
      await typePin(page, PIN);
      await page.waitForSelector('main[data-pin-view="signed"]', { timeout: 15_000 }).catch(() => {});
      const result = await outcome();
      expect(result.ok).toBe(true);
      const verified = await verifyLoginToken({
        token: (result as { token: unknown }).token,
        origin: PORTAL,
        nonce,
        trustAnchors: anchors,
        allowHttpLocalhost: true,
      });
      expect(verified.holder.surname).toBe("MARTIN");
      expect(verified.holder.nationalId).toBe("810101234567");
      // The window closes itself after saying so.
      await closed;
    });

    it("never keeps the PIN: not in storage, not in the state", async () => {
      const sw = await w.kit.serviceWorker();
      const everything = await sw.evaluate(async () => {
        type Area = { get(): Promise<unknown> };
        type Api = { storage: { local: Area; session: Area } };
        const g0 = globalThis as unknown as { browser?: Api; chrome: Api };
        const c = g0.browser ?? g0.chrome;
        const g = globalThis as unknown as { cpsBridge: { store: { get(): unknown } } };
        return JSON.stringify([await c.storage.local.get(), await c.storage.session.get(), g.cpsBridge.store.get()]);
      });
      expect(everything).not.toContain(PIN);
    });

    it("on the last try, asks for explicit consent before sending the PIN", async () => {
      await insertCard("cps3-last-try");
      const page = await startRequest(PORTAL, newChallengeNonce());
      expect(await page.$('[data-last-try="true"]')).not.toBeNull();
      expect(await page.$eval('[data-action="pin-submit"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
      await shot(page, name("pin-03-last-try"));
      await page.click('[data-action="confirm-last-try"]');
      const closed = w.kit.waitForClose(page, 15_000);
      await typePin(page, PIN);
      expect((await outcome()).ok).toBe(true);
      await closed;
    });

    it("a wrong PIN on the last try blocks the card; the window explains how to unblock", async () => {
      await insertCard("cps3-last-try");
      const page = await startRequest(PORTAL, newChallengeNonce());
      await page.click('[data-action="confirm-last-try"]');
      await typePin(page, "0000");
      await page.waitForSelector('main[data-pin-view="blocked"]', { timeout: 10_000 });
      const text = await page.$eval("main", (m) => m.textContent ?? "");
      expect(text).toContain(ERRORS.ERR_PIN_BLOCKED.fr);
      expect(text).toContain("CPS Gestion");
      expect(text).toContain("8 chiffres");
      await shot(page, name("pin-04-blocked"));
      expect(await outcome()).toEqual({ ok: false, code: "ERR_PIN_BLOCKED" });
      await page.close();
      const popup = await w.kit.openPopup();
      await waitForSituation(popup, "pin-blocked", 10_000);
      await popup.close();
    });

    it("closing the window cancels the request", async () => {
      await insertCard("cps3");
      const page = await startRequest(PORTAL, newChallengeNonce());
      await page.close();
      expect(await outcome()).toEqual({ ok: false, code: "ERR_USER_CANCELLED" });
    });

    it("an origin that is not an allowed portal never gets a PIN window", async () => {
      const sw = await w.kit.serviceWorker();
      const r = await sw.evaluate(async (n: string) => {
        const g = globalThis as unknown as {
          cpsBridge: { requestPinAndSign(r: { origin: string; challengeNonce: string }): Promise<unknown> };
        };
        return g.cpsBridge.requestPinAndSign({ origin: "https://evil.example", challengeNonce: n });
      }, newChallengeNonce());
      expect(r).toMatchObject({ ok: false, code: "ERR_INVALID_ORIGIN" });
      expect(await w.kit.extensionPages("pin.html")).toHaveLength(0);
    });
  });
});
