/**
 * The dossier overlay in real Chromium with the built extension on the mock portal (issue 12): a doctor logs in
 * (password + e-mailed code), reads the three tabs once (the baseline), the mock plays its scripted day
 * (POST /__admin/scenario/day), a visit later the dashboard shows each change marked and the summary above the
 * table, whose entries filter it; and the portal's own table renders exactly as without the extension (screenshot
 * of the table with the overlay's hosts removed vs. the same page in a browser context without extensions).
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/dossiers.e2e.ts
 */
import { readFileSync } from "node:fs";
import { screenshot } from "@cps-bridge/scripts/browser/index";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import type { BrowserContext, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passwordLogin as passwordLoginOf, startLoginSlice } from "./login-helpers";

let s: Slice;
const TDB = "/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB";

beforeAll(async () => {
  // Real now (the default): the overlay counts days on the browser's clock, the data set is relative to the mock's.
  s = await startLoginSlice({ mode: "token" });
}, 180_000);
afterAll(async () => {
  await s?.stop();
});

const passwordLogin = (page: Page) => passwordLoginOf(s, page);

async function tab(page: Page, onglet: string): Promise<void> {
  await page.goto(`${s.origin}${TDB}?onglet=${onglet}`, { waitUntil: "load" });
}

/** The marks of each dossier as the extension shows them (closed roots: read through the accessibility tree). */
async function marksOf(page: Page): Promise<Record<string, string[]>> {
  await page.waitForSelector("cpsb-dossier-summary", { timeout: 10_000 });
  const snap = await page.accessibility.snapshot({ interestingOnly: false });
  const out: string[] = [];
  const walk = (n: { name?: string; children?: unknown[] } | null | undefined) => {
    if (!n) return;
    if (typeof n.name === "string" && n.name.startsWith("cps-bridge : ")) out.push(n.name);
    for (const c of (n.children ?? []) as never[]) walk(c);
  };
  walk(snap as never);
  const byRow = await page.$$eval("cpsb-dossier-mark", (hosts) => hosts.map((h) => h.getAttribute("data-dossier")!));
  return { all: out, rows: byRow };
}

describe("dossier overlay on the mock dashboard", () => {
  let page: Page;

  it("after the scripted day, a reload shows each change marked and the summary filters", async () => {
    page = await s.kit.browser.newPage();
    await passwordLogin(page);
    for (const o of ["encours", "annules", "horspatientele"]) await tab(page, o);
    const steps = s.portal.admin.dossiers().length;
    expect(steps).toBe(25);
    const res = await fetch(`${s.portal.urls.admin}/scenario/day`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const day = (await res.json()) as { steps: { kind: string; numero: string }[] };
    const by = Object.fromEntries(day.steps.map((x) => [x.kind, x.numero]));
    // A new visit: the overlay's visit gap is 30 min of the browser's clock; the test moves the stored memory's
    // last load back instead of waiting.
    const sw = await s.kit.serviceWorker();
    await sw.evaluate(async () => {
      type Local = { get(k: null): Promise<Record<string, unknown>>; set(v: object): Promise<void> };
      const local = (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage.local;
      const all = await local.get(null);
      for (const [k, v] of Object.entries(all))
        if (k.startsWith("cpsb.dossiers.v1:")) await local.set({ [k]: { ...(v as object), lastLoadAt: 1 } });
    });
    // The day took 5 hours of the mock clock: the portal session expired (30 min idle); the doctor logs in again.
    await passwordLogin(page);
    await tab(page, "encours");
    const m = await marksOf(page);
    const all = m.all!.join("\n");
    expect(m.rows).toContain(by["nouveau-dossier"]);
    expect(m.rows).toContain(by.reponse);
    expect(m.rows).toContain(by["volet-demande"]);
    expect(all).toContain("Nouveau dossier depuis votre dernière visite");
    expect(all).toContain("Nouvelle réponse d'établissement : Acceptée");
    expect(all).toMatch(/Modifié : volet médical : Validé → À compléter/);
    expect(all).not.toMatch(/TESTPATIENT/);
    await screenshot(page, "dossiers-01-encours-after-day", "body");

    // The summary's "nouvelle réponse" entry filters the table to that dossier.
    const visible = () =>
      page.$$eval("tbody.dossier-group", (gs) =>
        gs.filter((g) => !(g as HTMLElement).hidden).map((g) => (g as HTMLElement).dataset.group),
      );
    const before = (await visible()).length;
    await page.focus("#onglet-horspatientele");
    // Keyboard: from the last tab, Tab enters the closed root at its first entry (most action-worthy first).
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    const filtered = await visible();
    expect(filtered.length).toBeLessThan(before);
    await screenshot(page, "dossiers-02-filtered", "body");
    await page.keyboard.press("Escape");
    expect((await visible()).length).toBe(before);

    await tab(page, "annules");
    expect((await marksOf(page)).rows).toContain(by.archive);
    await tab(page, "horspatientele");
    const h = await marksOf(page);
    expect(h.rows).toContain(by["demande-patientele"]);
    expect(h.all!.join("\n")).toContain("Ce dossier vous désigne comme médecin traitant");
    await screenshot(page, "dossiers-03-horspatientele", "body");
  }, 120_000);

  it("the portal's table renders the same as without the extension", async () => {
    await tab(page, "encours");
    await page.waitForSelector("cpsb-dossier-summary");
    await page.evaluate(() => {
      for (const e of document.querySelectorAll("cpsb-dossier-mark, cpsb-dossier-summary")) e.remove();
    });
    const withExt = await screenshot(page, "dossiers-04-table-overlay-removed", "#tdbDossiers");
    // A context without extensions (Chromium does not run them in incognito-like contexts), same account and data.
    const ctx: BrowserContext = await s.kit.browser.createBrowserContext();
    const bare = await ctx.newPage();
    await bare.setViewport(page.viewport()!);
    await passwordLogin(bare);
    await bare.goto(`${s.origin}${TDB}?onglet=encours`, { waitUntil: "load" });
    expect(await bare.$("cpsb-dossier-summary")).toBeNull();
    const without = await screenshot(bare, "dossiers-05-table-no-extension", "#tdbDossiers");
    await ctx.close();
    expect(readFileSync(withExt).equals(readFileSync(without))).toBe(true);
  }, 120_000);
});
