/**
 * The diagnostics page's two causes the CLI tests already cover (issue 10 "Done when"): **no pcscd** and **an
 * unregistered PKCS#11 module**, in real Chromium with the built extension and the real agent, whose HOME is a
 * doctor-like home: one Firefox profile and Chromium's `~/.pki/nssdb`, real NSS databases made by certutil/modutil,
 * with OpenSC's module (the Cryptolib's stand-in) registered nowhere. The page's « Corriger » registers it with
 * modutil on the real database and the check stops failing; `modutil -list` shows the module.
 * Screenshots: test-artifacts/diag-08-*.png … diag-10-*.png.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/diagnostics-middleware.e2e.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderDiag } from "@cps-bridge/protocol/diagnostics/codes";
import { type AgentProcess, type ExtensionBrowser, launchBrowser, startAgent } from "@cps-bridge/scripts/browser/index";
import type {} from "@cps-bridge/scripts/browser/vitest-global-setup";
import { Testbed } from "@cps-bridge/scripts/testbed/index";
import { createFirefoxProfile, createNssDb, listModules, registerModule } from "@cps-bridge/scripts/testbed/nss";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { shot } from "./helpers";
import "../src/diagnostics/codes";

let tb: Testbed;
let agent: AgentProcess;
let kit: ExtensionBrowser;
let page: Page;
let home: string;
let nssdb: string;
let profile: string;
let portal: Server;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "cps-diag-doctor-home-"));
  const ff = join(home, ".mozilla/firefox");
  mkdirSync(ff, { recursive: true });
  writeFileSync(join(ff, "profiles.ini"), "[Profile0]\nName=default-release\nIsRelative=1\nPath=t.default-release\n");
  profile = await createFirefoxProfile(join(ff, "t.default-release"));
  nssdb = await createNssDb(join(home, ".pki/nssdb"));
  // A local portal (no Internet here): a test-mode agent checks the developer origin (diagnostics-run.ts).
  portal = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => portal.listen(0, "127.0.0.1", r));
  const portalOrigin = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  tb = await Testbed.start();
  agent = await startAgent({ testAnchors: tb.trustAnchorsPath, env: { HOME: home } });
  kit = await launchBrowser({
    extensionPath: inject("extensionPath"),
    settings: { agentPort: agent.port, developerOrigins: [portalOrigin] },
    cards: tb,
  });
  await kit.pair({ agent });
  await tb.insert(0, "cps3");
  await new Promise((r) => setTimeout(r, 1_500));
  page = await kit.openExtensionPage("diagnostics.html");
}, 180_000);

afterAll(async () => {
  await kit?.close();
  await agent?.close();
  await tb?.stop();
  portal?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function rerun() {
  await page.waitForSelector('main[data-running="false"]', { timeout: 30_000 });
  await page.click('[data-action="rerun"]');
  await page.waitForSelector('main[data-running="true"]', { timeout: 5_000 }).catch(() => {});
  await page.waitForSelector('main[data-running="false"] .diag-first', { timeout: 30_000 });
  return page.evaluate(() => {
    const first = document.querySelector<HTMLElement>(".diag-first")!;
    const verdicts: Record<string, string> = {};
    for (const li of document.querySelectorAll<HTMLElement>("li[data-check]"))
      verdicts[li.dataset.check!] = li.dataset.verdict!;
    return {
      first: first.dataset.firstBlocking ?? "",
      code: first.dataset.code ?? "",
      text: first.textContent ?? "",
      verdicts,
    };
  });
}

describe("diagnostics page: middleware and PC/SC service (real NSS databases, real pcscd)", () => {
  it("OpenSC registered nowhere: the first cause is the unregistered module; « Corriger » registers it for real", async () => {
    const run = await rerun();
    await shot(page, "diag-08-unregistered");
    expect(run.first).toBe("middleware.registered");
    expect(run.code).toBe("DIAG_NOT_REGISTERED");
    expect(run.text).toContain(renderDiag("DIAG_NOT_REGISTERED", undefined, "fr").remedy.split("{")[0]!.slice(0, 25));
    const before = [...(await listModules(nssdb)), ...(await listModules(profile))];
    expect(before.some((m) => m.name === "CPS (cps-bridge)")).toBe(false);

    await page.click('.diag-first [data-action="fix"]');
    await page.waitForSelector(
      ".diag-first [data-fix-message], main .diag-first[data-first-blocking]:not([data-first-blocking='middleware.registered'])",
      {
        timeout: 30_000,
      },
    );
    await page.waitForSelector('main[data-running="false"]', { timeout: 30_000 });
    await shot(page, "diag-09-after-fix");
    const after = [...(await listModules(nssdb)), ...(await listModules(profile))];
    expect(after.filter((m) => m.name === "CPS (cps-bridge)").length).toBe(1);
    const again = await rerun();
    expect(again.first).not.toBe("middleware.registered");
    expect(again.verdicts["middleware.registered"]).toMatch(/ok|warning/);
  });

  it("healthy CPS3 with OpenSC registered in every profile: no blocking cause, no failed check", async () => {
    // the name the page's fix uses: a database that already has it (fixed above) is left as it is (nss.ts)
    for (const db of [nssdb, profile]) await registerModule(db, undefined, "CPS (cps-bridge)");
    const run = await rerun();
    await shot(page, "diag-11-healthy-registered");
    expect(run.first).toBe("none");
    const failed = Object.entries(run.verdicts).filter(([, v]) => v === "failed");
    expect(failed).toEqual([]);
    for (const id of [
      "pcsc.service",
      "card.type",
      "cert.validity",
      "pin.status",
      "middleware.registered",
      "middleware.token",
      "portal.reachable",
      "clock.skew",
    ])
      expect(run.verdicts[id], id).toBe("ok");
  });

  it("pcscd stopped: the first cause is the smart card service, with how to start it", async () => {
    await tb.pcscd.kill();
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const run = await rerun();
      await shot(page, "diag-10-no-pcscd");
      expect(run.first).toBe("pcsc.service");
      expect(run.code).toBe("DIAG_PCSC_DOWN");
      expect(run.text).toContain("systemctl");
      expect(run.verdicts["card.present"]).toBe("skipped");
    } finally {
      await tb.pcscd.restart();
    }
  });
});
