/**
 * The diagnostics page in real Chromium with the built extension, the real agent (`--test-mode`) and the test bench's
 * virtual cards behind the real pcscd (issue 10 §4–§6): for each failure profile the page names the right first
 * blocking cause with its French remedy; every check arrives live (one `diagnostics.progress` broadcast each); the
 * support code shown decodes (protocol) to the failing checks the page lists, and the report viewer page reads it.
 * Screenshots under test-artifacts/ (diag-*.png).
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/diagnostics.e2e.ts
 */
import { renderDiag } from "@cps-bridge/protocol/diagnostics/codes";
import { CHECK_IDS } from "@cps-bridge/protocol/diagnostics/model";
import { decodeSupportCode } from "@cps-bridge/protocol/diagnostics/support-code";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shot, startWorld, stopWorld, type World } from "./helpers";
import "../src/diagnostics/codes";

let w: World;
let page: Page;

beforeAll(async () => {
  w = await startWorld({ pair: true });
  page = await w.kit.openExtensionPage("diagnostics.html");
}, 180_000);

afterAll(async () => {
  await stopWorld(w ?? {});
});

interface PageRun {
  first: string;
  firstCode: string;
  text: string;
  verdicts: Record<string, string>;
  supportCode: string;
  progress: string[];
}

/** « Relancer le diagnostic », counting the progress broadcasts this page receives, until the run is over. */
async function rerun(): Promise<PageRun> {
  await page.waitForSelector('main[data-running="false"]', { timeout: 30_000 });
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      __progress: string[];
      chrome: { runtime: { onMessage: { addListener(f: (m: unknown) => void): void } } };
    };
    g.__progress = [];
    g.chrome.runtime.onMessage.addListener((m) => {
      const msg = m as { type?: string; result?: { id: string } };
      if (msg?.type === "diagnostics.progress" && msg.result) g.__progress.push(msg.result.id);
    });
  });
  await page.click('[data-action="rerun"]');
  await page.waitForSelector('main[data-running="true"]', { timeout: 5_000 }).catch(() => {});
  await page.waitForSelector('main[data-running="false"] .diag-first', { timeout: 30_000 });
  return page.evaluate(() => {
    const first = document.querySelector<HTMLElement>(".diag-first")!;
    const verdicts: Record<string, string> = {};
    for (const li of document.querySelectorAll<HTMLElement>("li[data-check]"))
      verdicts[li.dataset.check!] = li.dataset.verdict!;
    // the first blocking cause is shown on top, not in the lists
    if (first.dataset.firstBlocking && first.dataset.firstBlocking !== "none")
      verdicts[first.dataset.firstBlocking] = "failed";
    return {
      first: first.dataset.firstBlocking!,
      firstCode: first.dataset.code ?? "",
      text: first.textContent ?? "",
      verdicts,
      supportCode: document.querySelector("#cpsb-support-code")?.textContent ?? "",
      progress: (globalThis as unknown as { __progress: string[] }).__progress,
    };
  });
}

async function withCard(profile: Parameters<World["tb"]["insert"]>[1] | undefined): Promise<void> {
  await w.tb.remove(0).catch(() => {});
  if (profile) await w.tb.insert(0, profile);
  // the agent's card watch has seen the change before the run (the popup's state is the same source)
  await new Promise((r) => setTimeout(r, 1_500));
}

function expectRemedyShown(run: PageRun): void {
  const remedy = renderDiag(run.firstCode, undefined, "fr").remedy.split("{")[0]!.slice(0, 30);
  expect(remedy.length).toBeGreaterThan(5);
  expect(run.text).toContain(remedy);
}

describe("diagnostics page", () => {
  it("healthy CPS3: card, certificate and PIN pass; every check arrives live; the support code tells the same", async () => {
    await withCard("cps3");
    const run = await rerun();
    await shot(page, "diag-01-cps3");
    for (const id of ["agent.reachable", "agent.pairing", "agent.version", "pcsc.service", "card.present", "card.type"])
      expect(run.verdicts[id], id).toBe("ok");
    expect(run.verdicts["cert.validity"]).toMatch(/ok|warning/);
    expect(run.verdicts["pin.status"]).toBe("ok");
    // the manifest's portal pages are granted at install: the site-access check reads the real permissions
    expect(run.verdicts["browser.site-access"]).toBe("ok");
    expect([
      "agent.reachable",
      "agent.pairing",
      "card.present",
      "card.type",
      "cert.validity",
      "pin.status",
    ]).not.toContain(run.first);
    // live: one broadcast per check, none twice, the whole chain (portal.tls-client-auth is not run by the page)
    expect(new Set(run.progress).size).toBe(run.progress.length);
    expect(run.progress.length).toBe(CHECK_IDS.length - 1);
    const decoded = decodeSupportCode(run.supportCode);
    const failedOnPage = Object.entries(run.verdicts)
      .filter(([, v]) => v === "failed")
      .map(([id]) => id)
      .sort();
    expect([...decoded.failed].sort()).toEqual(failedOnPage);
    expect(decoded.os).toBe("linux");
    expect(["chrome", "chromium"]).toContain(decoded.browser);

    // The support desk's viewer reads the same code.
    const viewer = await w.kit.openExtensionPage(`report.html#${encodeURIComponent(run.supportCode)}`);
    await viewer.waitForSelector("[data-decoded] [data-failed]");
    const failedAttr = await viewer.$eval("[data-decoded] [data-failed]", (e) => e.getAttribute("data-failed") ?? "");
    expect(failedAttr.split(" ").filter(Boolean).sort()).toEqual(failedOnPage);
    await shot(viewer, "diag-07-viewer");
    await viewer.close();
  });

  it("a Vitale card: the first cause is the card type, with its remedy", async () => {
    await withCard("vitale2");
    const run = await rerun();
    await shot(page, "diag-02-vitale");
    expect(run.first).toBe("card.type");
    expectRemedyShown(run);
    expect(run.verdicts["cert.validity"]).toBe("skipped");
  });

  it("a blocked CPS3: the first cause is the PIN", async () => {
    await withCard("cps3-blocked");
    const run = await rerun();
    await shot(page, "diag-03-blocked");
    expect(run.first).toBe("pin.status");
    expectRemedyShown(run);
  });

  it("an expired certificate: the first cause is its validity", async () => {
    await withCard("cps3-expired");
    const run = await rerun();
    await shot(page, "diag-04-expired");
    expect(run.first).toBe("cert.validity");
    expectRemedyShown(run);
  });

  it("no card: the first cause is the missing card", async () => {
    await withCard(undefined);
    const run = await rerun();
    await shot(page, "diag-05-no-card");
    expect(run.first).toBe("card.present");
    expectRemedyShown(run);
  });

  it("the agent stopped: the first cause is the agent, the agent's checks are not run", async () => {
    await w.agent.stop();
    try {
      // the worker notices the closed socket at once (close event)
      await new Promise((r) => setTimeout(r, 1_000));
      const run = await rerun();
      await shot(page, "diag-06-agent-stopped");
      expect(run.first).toBe("agent.reachable");
      expect(run.text).toContain("cps-bridge start");
      expect(run.verdicts["card.present"]).toBe("skipped");
      expect(decodeSupportCode(run.supportCode).failed).toEqual(["agent.reachable"]);
    } finally {
      await w.agent.start();
    }
  });
});
