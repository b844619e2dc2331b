/**
 * Dossier overlay benchmark (issue 12); prints one JSON object. Run:
 *   flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/bench/dossiers.ts
 * (no pcscd is used; the lock only keeps Chromium runs from overlapping on the 2-core machine).
 *
 * - parse + diff + render (`parseDiffRenderMs`: reader on the live page, diff, features, the first screen's marks
 *   (120 rows) and the summary in the DOM, i.e. until runOverlay returns; `allMarksPlacedMs`: until the later chunks
 *   placed every row's marks; the browser's layout afterwards is reported apart, `browserLayoutAfterRunMs`), measured **in Chromium** (headless, no extension): the overlay's pure run
 *   (extension/src/dossiers/run.ts, bundled with esbuild) on the mock's "Dossiers en cours" page as the portal serves
 *   it, for the 25-dossier data set and for the 2,000-dossier account (/__admin/scenario/bulk). Each sample: a fresh
 *   copy of the table, a baseline memory, a few changed rows, then one timed run (parse, diff, marks, summary).
 * - one background cycle (`watchCycleInWorker`): the real watch cycle in the extension's worker (see workerCycle),
 *   its time, the HTML bytes it fetched, the stored snapshot; plus, for comparison, the bare authenticated GET of the
 *   three tabs from Node (`httpFromNode`) and the in-page parse of the three tabs.
 * - memory with 2,000 dossiers known: the overlay's stored memory (JSON size) and the worker's JS heap after cycles.
 * Numbers, not assertions.
 */
import { build } from "esbuild";
import puppeteer from "puppeteer-core";
import { chromiumArgs, findChromium } from "../src/browser/chromium";
import { ensureExtensionBuilt, withGrantedHostPermissions } from "../src/browser/extension-build";
import { launchBrowser } from "../src/browser/launch";
import { PATHS } from "../src/mock-portal/paths";
import { createMockPortal } from "../src/mock-portal/portal";
import { TestBrowser } from "../src/mock-portal/testing/browser";
import { DOCTOR, passwordStep, submitOtp } from "../src/mock-portal/testing/flows";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const TDB = "/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB";

const bundle = await build({
  stdin: {
    contents: `import { runOverlay } from "./extension/src/dossiers/run"; import { readDashboard } from "./extension/src/portal/dashboard"; import { memoryBytes } from "./extension/src/dossiers/diff-store"; globalThis.CPSB = { runOverlay, readDashboard, memoryBytes };`,
    resolveDir: process.cwd(),
    loader: "ts",
  },
  bundle: true,
  format: "iife",
  write: false,
  target: "chrome116",
});
const code = bundle.outputFiles[0]!.text;

async function pages(total?: number) {
  const portal = createMockPortal({ mode: "token" });
  const base = await portal.start();
  try {
    if (total) {
      const r = await fetch(`${base}/__admin/scenario/bulk`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ total }),
      });
      if (!r.ok) throw new Error(`bulk: ${r.status}`);
    }
    const b = new TestBrowser(base);
    const otp = await b.follow(await passwordStep(b));
    await b.follow(await submitOtp(b, otp, portal.admin.lastOtp()!.code));
    const t0 = performance.now();
    let bytes = 0;
    const html: Record<string, string> = {};
    for (const o of ["encours", "annules", "horspatientele"]) {
      const p = await b.navigate(`${TDB}?onglet=${o}`);
      html[o] = p.text;
      bytes += Buffer.byteLength(p.text);
    }
    const fetchMs = performance.now() - t0;
    return { base, html, fetchMs, bytes, dossiers: portal.admin.dossiers().length };
  } finally {
    await portal.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const browser = await puppeteer.launch({
  executablePath: findChromium(),
  headless: true,
  pipe: true,
  args: chromiumArgs(),
});
try {
  const out: Record<string, unknown> = { samples: SAMPLES, chromium: await browser.version() };
  for (const [label, total] of [
    ["25", undefined],
    ["2000", 2000],
  ] as const) {
    const p = await pages(total);
    const page = await browser.newPage();
    await page.goto(`data:text/html,<title>bench</title>`);
    // tsx keeps function names with a `__name` helper that the page does not have.
    await page.addScriptTag({ content: `globalThis.__name = (f) => f;\n${code}` });
    const r = await page.evaluate(
      async (html: Record<string, string>, samples: number, tdbUrl: string) => {
        const C = (globalThis as never as { CPSB: Record<string, (...a: unknown[]) => unknown> }).CPSB;
        const parse = (s: string) =>
          new DOMParser().parseFromString(s.replace(/<link [^>]*>|<script[^>]*><\/script>/g, ""), "text/html");
        const url = new URL(`${tdbUrl}?onglet=encours`);
        const runs: number[] = [];
        const allPlaced: number[] = [];
        const parseOnly: number[] = [];
        const parseLive: number[] = [];
        const layout: number[] = [];
        let rows = 0;
        let memBytes = 0;
        let heapGrowth = 0;
        for (let i = 0; i < samples; i++) {
          const doc = parse(html.encours!);
          document.body.replaceChildren(...doc.body.childNodes);
          const baseline = new AbortController();
          let mem: unknown;
          C.runOverlay!(
            {
              doc: document,
              url,
              memory: undefined,
              now: Date.now() - 7_200_000,
              save: async (m: unknown) => {
                mem = m;
              },
            },
            baseline.signal,
          );
          baseline.abort();
          // A few changes, as after a day.
          const trs = [...document.querySelectorAll("tr.dossier")];
          for (const tr of trs.slice(0, 5)) tr.setAttribute("data-statut", "admis");
          const heap0 = (performance as never as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
          void document.body.offsetHeight;
          const tp = performance.now();
          C.readDashboard!(url, document);
          parseLive.push(performance.now() - tp);
          const t0 = performance.now();
          const run = C.runOverlay!(
            { doc: document, url, memory: mem, now: Date.now(), save: async () => {} },
            new AbortController().signal,
          ) as { memory: unknown; env: { dashboard: { rows: unknown[] } }; rendered: Promise<void> };
          runs.push(performance.now() - t0);
          await run.rendered;
          allPlaced.push(performance.now() - t0);
          // The browser's layout of the page with the marks (the portal's 2,000-row table included).
          const tl = performance.now();
          void document.body.offsetHeight;
          layout.push(performance.now() - tl);
          rows = run.env.dashboard.rows.length;
          memBytes = C.memoryBytes!(run.memory) as number;
          heapGrowth =
            ((performance as never as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) - heap0;
          const t1 = performance.now();
          C.readDashboard!(url, parse(html.encours!));
          parseOnly.push(performance.now() - t1);
        }
        const t2 = performance.now();
        let all = 0;
        for (const o of ["encours", "annules", "horspatientele"]) {
          const d = C.readDashboard!(new URL(`${tdbUrl}?onglet=${o}`), parse(html[o]!)) as { rows: unknown[] };
          all += d.rows.length;
        }
        const threeTabsParseMs = performance.now() - t2;
        return {
          rows,
          runs,
          allPlaced,
          parseLive,
          layout,
          parseOnly,
          memBytes,
          heapGrowth,
          threeTabsParseMs,
          threeTabsRows: all,
        };
      },
      p.html,
      SAMPLES,
      `http://localhost:8443${TDB}`,
    );
    await page.close();
    out[`dossiers_${label}`] = {
      dossiersInPortal: p.dossiers,
      rowsOnEncoursTab: r.rows,
      parseDiffRenderMs: {
        median: +median(r.runs).toFixed(2),
        min: +Math.min(...r.runs).toFixed(2),
        max: +Math.max(...r.runs).toFixed(2),
      },
      // Until the last chunk of marks is in the page (later tasks; the page stays responsive in between).
      allMarksPlacedMs: { median: +median(r.allPlaced).toFixed(2), max: +Math.max(...r.allPlaced).toFixed(2) },
      readerOnLiveDocumentMs: { median: +median(r.parseLive).toFixed(2) },
      browserLayoutAfterRunMs: { median: +median(r.layout).toFixed(2) },
      htmlParseAndReaderMs: { median: +median(r.parseOnly).toFixed(2) },
      storedMemoryBytes: r.memBytes,
      // performance.memory is quantised without --enable-precise-memory-info: heap growth is not reported.
      httpFromNode: {
        httpFetchThreeTabsMs: +p.fetchMs.toFixed(1),
        httpBytesThreeTabs: p.bytes,
        parseThreeTabsMsInChromium: +r.threeTabsParseMs.toFixed(2),
        rowsThreeTabs: r.threeTabsRows,
      },
    };
  }
  out.watchCycleInWorker = {};
  for (const [label, total] of [
    ["25", undefined],
    ["2000", 2000],
  ] as const)
    (out.watchCycleInWorker as Record<string, unknown>)[`dossiers_${label}`] = await workerCycle(total);
  console.log(JSON.stringify(out, null, 2));
} finally {
  await browser.close();
}

/**
 * The real background cycle (issue 12 §3) in Chromium's extension worker: the built extension (a copy declaring the
 * loopback host as granted, kit `withGrantedHostPermissions`), a password login in a tab, the watch's settings
 * written, then `cpsBridge.watch.runNow()` timed in the worker (alarm path minus the alarm: offscreen document,
 * fetch of the three tabs with the cookies, reader, diff, storage). The worker's JS heap (CDP Runtime.getHeapUsage)
 * after the cycles, with the snapshot of every dossier known, and the stored snapshot's size.
 */
async function workerCycle(total: number | undefined) {
  const portal = createMockPortal({ mode: "token" });
  const base = await portal.start();
  const kit = await launchBrowser({
    extensionPath: withGrantedHostPermissions(ensureExtensionBuilt(), ["http://localhost/*", "http://127.0.0.1/*"]),
  });
  try {
    if (total)
      await fetch(`${base}/__admin/scenario/bulk`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ total }),
      });
    const origin = new URL(base).origin;
    const page = await kit.browser.newPage();
    await page.goto(`${base}${PATHS.login}`, { waitUntil: "load" });
    await page.type("#UserName", DOCTOR.username);
    await page.type("#Password", DOCTOR.password);
    await Promise.all([page.waitForNavigation(), page.click("#LoginButton")]);
    await page.type("#CodeOTP", portal.admin.lastOtp()!.code);
    await Promise.all([page.waitForNavigation(), page.click("#btnValider")]);
    const sw = await kit.serviceWorker();
    const r = await sw.evaluate(
      async (o: string, samples: number) => {
        type G = {
          chrome: { storage: { local: { set(v: object): Promise<void>; getBytesInUse?(k: string): Promise<number> } } };
          cpsBridge: { watch: { runNow(): Promise<{ kind: string; bytes?: number; total?: number } | undefined> } };
        };
        const g = globalThis as unknown as G;
        await g.chrome.storage.local.set({ "cpsb.watch.v1.settings": { enabled: true, intervalMin: 30, origin: o } });
        const ms: number[] = [];
        let last: { kind: string; bytes?: number } | undefined;
        for (let i = 0; i < samples; i++) {
          const t = performance.now();
          last = await g.cpsBridge.watch.runNow();
          ms.push(performance.now() - t);
        }
        const stored = (await g.chrome.storage.local.getBytesInUse?.(`cpsb.watch.v1:${o}`)) ?? -1;
        return { ms, last, stored };
      },
      origin,
      SAMPLES,
    );
    if (r.last?.kind !== "ok") throw new Error(`watch cycle: ${JSON.stringify(r.last)}`);
    const target = await kit.browser.waitForTarget(
      (t) => t.type() === "service_worker" && t.url().startsWith(`chrome-extension://${kit.extensionId}/`),
    );
    const cdp = await target.createCDPSession();
    await cdp.send("HeapProfiler.collectGarbage").catch(() => undefined);
    const heap = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
    return {
      dossiersInPortal: portal.admin.dossiers().length,
      cycleMs: {
        median: +median(r.ms).toFixed(1),
        min: +Math.min(...r.ms).toFixed(1),
        max: +Math.max(...r.ms).toFixed(1),
      },
      htmlBytesPerCycle: r.last.bytes,
      storedSnapshotBytes: r.stored,
      workerHeapUsedBytes: heap.usedSize,
    };
  } finally {
    await kit.close();
    await portal.stop();
  }
}
