/**
 * The opt-in background watch of the dossiers (issue 12 §3) in real Chromium, with the built extension, the real
 * agent and the mock portal: the doctor logs in by password, turns the watch on in the options (the portal's
 * permission asked in the click), an establishment answers through the mock's admin endpoint, and within one
 * interval the worker's real cycle (alarm → offscreen document → fetch of the three tabs with the doctor's cookies →
 * reader → diff) shows a notification holding counts only — never a patient's name — and the badge shows the count;
 * a card problem wins the badge; the session expires, the watch stops itself (alarm cleared, no further fetch) and
 * the badge and the options say so.
 *
 * What is not the doctor's build: the extension is a copy whose manifest declares the loopback hosts as REQUIRED
 * host permissions (kit `withGrantedHostPermissions`), because Chromium's native permission prompt cannot be
 * accepted from Puppeteer; the options' `permissions.request` then resolves without a prompt. The interval is 4 s
 * through `cpsb.watch.testIntervalSeconds`, which the extension honours only for a loopback http portal. A native
 * notification cannot be read or clicked through CDP: the test reads `chrome.notifications.getAll()` (it exists)
 * and the worker's own record of the text it passed to `notifications.create`.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/dossier-watch.e2e.ts
 */
import { screenshot, withGrantedHostPermissions } from "@cps-bridge/scripts/browser/index";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { card, passwordLogin, sleep, startLoginSlice } from "./login-helpers";

const INTERVAL_S = 4;
let s: Slice;

interface WorkerView {
  state: { pending: number; expired: boolean; lastRunAt?: number; lastError?: string; lastCycleMs?: number };
  notification?: { title: string; message: string; at: number };
  shown: string[];
  badge: string;
  alarm: boolean;
  settings: { enabled?: boolean; origin?: string } | undefined;
}

async function view(): Promise<WorkerView> {
  const sw = await s.kit.serviceWorker();
  return sw.evaluate(async () => {
    type C = {
      notifications: { getAll(): Promise<Record<string, boolean>> };
      action: { getBadgeText(d: object): Promise<string> };
      alarms: { get(n: string): Promise<unknown> };
      storage: { local: { get(k: string): Promise<Record<string, unknown>> } };
    };
    const g = globalThis as unknown as {
      chrome: C;
      cpsBridge: { watch: { state(): WorkerView["state"]; lastNotification(): WorkerView["notification"] } };
    };
    const c = g.chrome;
    const settings = (await c.storage.local.get("cpsb.watch.v1.settings"))["cpsb.watch.v1.settings"];
    return {
      state: g.cpsBridge.watch.state(),
      notification: g.cpsBridge.watch.lastNotification(),
      shown: Object.keys(await c.notifications.getAll()),
      badge: await c.action.getBadgeText({}),
      alarm: (await c.alarms.get("cps-bridge.dossier-watch")) !== undefined,
      settings: settings as WorkerView["settings"],
    };
  });
}

async function waitFor(pred: (v: WorkerView) => boolean, timeoutMs: number, what: string): Promise<WorkerView> {
  const end = Date.now() + timeoutMs;
  let v = await view();
  while (!pred(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await sleep(250);
    v = await view();
  }
  return v;
}

beforeAll(async () => {
  const granted = withGrantedHostPermissions(inject("extensionPath"), ["http://localhost/*", "http://127.0.0.1/*"]);
  s = await startLoginSlice({ mode: "token", extensionPath: granted });
  await card(s, "cps3");
}, 180_000);
afterAll(async () => {
  await s?.stop();
});

describe("background watch of the dossiers", () => {
  let options: Page;
  let dashboard: Page;

  it("turned on in the options, an establishment's answer gives a counts-only notification within one interval", async () => {
    dashboard = await s.kit.browser.newPage();
    await passwordLogin(s, dashboard);
    const sw = await s.kit.serviceWorker();
    await sw.evaluate(async (sec: number) => {
      const c = (globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void> } } } }).chrome;
      await c.storage.local.set({ "cpsb.watch.testIntervalSeconds": sec });
    }, INTERVAL_S);

    options = await s.kit.openExtensionPage("options.html");
    await options.setViewport({ width: 900, height: 900 });
    await options.waitForSelector("#cpsb-watch-enabled");
    expect(await options.$eval("#cpsb-watch-state", (e) => e.textContent)).toBe("Suivi désactivé.");
    await options.select("#cpsb-watch-origin", s.origin);
    await options.click("#cpsb-watch-enabled");
    await options.waitForFunction(
      () => document.querySelector("#cpsb-watch-state")?.textContent?.startsWith("Suivi actif"),
      { timeout: 5_000 },
    );
    // The first cycle reads the three tabs and remembers them: no notification (nothing is "new" yet).
    const first = await waitFor((v) => v.state.lastRunAt !== undefined, (INTERVAL_S + 10) * 1000, "the first cycle");
    expect(first.settings).toMatchObject({ enabled: true, origin: s.origin });
    expect(first.state.lastError).toBeUndefined();
    expect(first.notification).toBeUndefined();
    expect(first.state.pending).toBe(0);
    expect(first.badge).toBe("OK");

    // An establishment answers one of the doctor's dossiers (en cours, a request still pending).
    const dossiers = s.portal.admin.dossiers();
    const pending = dossiers.find(
      (d) =>
        d.rattachement === "accepte" &&
        d.statut !== "annule" &&
        d.statut !== "archive" &&
        d.demandes.some((x) => x.statut === "envoyee" || x.statut === "lue"),
    )!;
    const req = pending.demandes.find((x) => x.statut === "envoyee" || x.statut === "lue")!;
    const changedAt = Date.now();
    const lastRun = first.state.lastRunAt!;
    s.portal.admin.answer(pending.numero, { finess: req.finess, statut: "acceptee" });

    const after = await waitFor((v) => v.notification !== undefined, (2 * INTERVAL_S + 10) * 1000, "a notification");
    const latencyMs = after.notification!.at - changedAt;
    // Within one interval of the change (plus the cycle's own time).
    expect(latencyMs).toBeLessThan((INTERVAL_S + 5) * 1000);
    expect(after.state.lastRunAt!).toBeGreaterThan(lastRun);
    expect(after.shown).toContain("cps-bridge.dossier-watch");
    expect(after.notification!.title).toBe("ViaTrajectoire : du nouveau sur vos dossiers");
    expect(after.notification!.message).toBe("1 dossier a une nouvelle réponse");
    // No patient's name, first name, birth date or dossier number in the notification.
    const text = `${after.notification!.title}\n${after.notification!.message}`;
    for (const d of dossiers) {
      for (const word of [d.patient.nomNaissance, d.patient.nomUsage, d.patient.prenom, d.patient.dateNaissance]) {
        if (word && word.length > 2) expect(text).not.toContain(word);
      }
      expect(text).not.toContain(d.numero);
    }
    expect(after.state.pending).toBe(1);
    expect(after.badge).toBe("1");
    console.log(`[dossier-watch] change → notification ${latencyMs} ms; cycle ${after.state.lastCycleMs} ms`);
  }, 120_000);

  it("a card problem wins the badge over the watch's count, which comes back after", async () => {
    await card(s, "vitale2");
    const v = await waitFor((x) => x.badge === "?", 15_000, "the Vitale card's badge");
    expect(v.state.pending).toBe(1);
    await card(s, "cps3");
    await waitFor((x) => x.badge === "1", 15_000, "the watch's count again");
  }, 60_000);

  it("a session that expires stops the watch, says so on the badge and in the options, and fetches no more", async () => {
    const expired = s.portal.admin.expireSessions();
    expect(expired).toBeGreaterThan(0);
    const v = await waitFor((x) => x.state.expired, (2 * INTERVAL_S + 10) * 1000, "the expiry");
    expect(v.badge).toBe("EXP");
    expect(v.settings?.enabled).toBe(false);
    expect(v.alarm).toBe(false);
    await options.bringToFront();
    await options.waitForFunction(
      () => document.querySelector("#cpsb-watch-state")?.textContent?.includes("session ViaTrajectoire a expiré"),
      { timeout: 5_000 },
    );
    expect(await options.$eval("#cpsb-watch-enabled", (e) => (e as HTMLInputElement).checked)).toBe(false);
    await screenshot(options, "dossier-watch-01-expired-options", "#cpsb-watch-options");
    // No loop on the login page: two more intervals, no new cycle.
    const at = v.state.lastRunAt;
    await sleep(2 * INTERVAL_S * 1000 + 500);
    expect((await view()).state.lastRunAt).toBe(at);

    // Logged in again and turned on again: the expiry is over, the badge is the card's again.
    // (a background tab's navigation stalls in headless Chromium: the doctor's tab is in front)
    await dashboard.bringToFront();
    await passwordLogin(s, dashboard);
    await options.bringToFront();
    await options.click("#cpsb-watch-enabled");
    const back = await waitFor((x) => !x.state.expired && x.settings?.enabled === true, 10_000, "the watch again");
    expect(back.badge).not.toBe("EXP");
  }, 120_000);

  it("« Tout effacer » in the options removes the overlay's memory and the watch's snapshot", async () => {
    const keys = async () => {
      const sw = await s.kit.serviceWorker();
      return sw.evaluate(async () => {
        const c = (globalThis as unknown as { chrome: { storage: { local: { get(k: null): Promise<object> } } } })
          .chrome;
        return Object.keys(await c.storage.local.get(null));
      });
    };
    // The dashboard was visited (overlay memory) and the watch ran a cycle after re-enabling (its snapshot).
    await dashboard.bringToFront();
    await dashboard.reload({ waitUntil: "load" });
    const sw = await s.kit.serviceWorker();
    await sw.evaluate(() =>
      (globalThis as unknown as { cpsBridge: { watch: { runNow(): Promise<unknown> } } }).cpsBridge.watch.runNow(),
    );
    const before = await keys();
    expect(before.some((k) => k.startsWith("cpsb.dossiers.v1:"))).toBe(true);
    expect(before.some((k) => k.startsWith("cpsb.watch.v1:"))).toBe(true);
    await options.bringToFront();
    await options.reload({ waitUntil: "load" });
    await options.waitForFunction(
      () => /mémorisé/.test(document.querySelector("#cpsb-dossiers-count")?.textContent ?? ""),
      {
        timeout: 5_000,
      },
    );
    await options.click("#cpsb-dossiers-clear");
    await options.waitForFunction(
      () =>
        document.querySelector("#cpsb-dossiers-options [role=status]")?.textContent === "Tout est effacé." &&
        document.querySelector("#cpsb-dossiers-count")?.textContent === "Aucun dossier mémorisé.",
      { timeout: 5_000 },
    );
    const after = await keys();
    expect(after.filter((k) => k.startsWith("cpsb.dossiers.v1:") || k.startsWith("cpsb.watch.v1:"))).toEqual([]);
    // The doctor's choice to watch is kept.
    expect(after).toContain("cpsb.watch.v1.settings");
  }, 60_000);
});
