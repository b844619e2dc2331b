/**
 * Benchmark of the one-click CPS login (issue 6 §5). Prints one JSON object.
 *
 * For a CPS3 and a CPS4 card, `--runs` logins (default 5) on the mock portal in token mode, in real Chromium with the
 * real agent and the test bench (real pcscd + vpcd), exactly as the login e2e tests drive them: a trusted click in the
 * assistant's panel, the PIN typed by the test in the extension's PIN window, the navigation to the dashboard.
 * Per login:
 *  - `clickToDashboardMs`: from the click to the dashboard's `load` event (the whole thing the doctor waits for,
 *    minus the time a human takes to type the PIN: the test types it at once);
 *  - `clickToPinWindowMs`: from the click to the PIN window ready for typing;
 *  - `pinToDashboardMs`: from the PIN's submission to the dashboard (PIN verification, signature, token post,
 *    the portal's verification and redirect, the dashboard's load);
 *  - `apdus`, `apduMs`: the APDUs the agent exchanged with the card from the click to the dashboard and the time they
 *    took, from the agent's own `trace` log (one line per APDU: header, SW, duration — never data);
 *    `apduShare` = apduMs / clickToDashboardMs.
 * Medians and p90 per card; `quickack` says whether the card links ran on the fast loopback route (without it every
 * APDU costs ~44 ms more: feasibility.md §2). The agent runs at trace level for this, which costs a little per APDU.
 *
 * Run (pcscd is shared: take the lock):
 *   flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/bench/login.ts [--runs 5]
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { clickInPanel, readPanel, waitForPanelSituation } from "../src/demo/assistant-page";
import { nextPinWindow, pinTargets, typePin } from "../src/demo/pin-window";
import { type Slice, startSlice } from "../src/demo/slice";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const RUNS = Number(arg("runs", "5"));
const PIN = "1234";

interface Login {
  clickToDashboardMs: number;
  clickToPinWindowMs: number;
  pinToDashboardMs: number;
  apdus: number;
  apduMs: number;
}

interface ApduLine {
  at: number;
  ms: number;
}

/** Every `event: "apdu"` trace line the agent has written so far (its log directory under its private home). */
function apduLines(s: Slice): ApduLine[] {
  const dir = join(s.agent.home, "logs");
  const lines: ApduLine[] = [];
  for (const f of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      if (!line.includes('"event":"apdu"')) continue;
      const j = JSON.parse(line) as { time: string; ms: number };
      lines.push({ at: Date.parse(j.time), ms: j.ms });
    }
  }
  return lines;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function oneLogin(s: Slice): Promise<Login> {
  const page: Page = await s.openLogin();
  try {
    await waitForPanelSituation(page, "ready", "login", 15_000);
    const pinOpened = nextPinWindow(s.kit.browser);
    const t0 = Date.now();
    const p0 = performance.now();
    await clickInPanel(page, "login", '[data-action="cps-login"]');
    const pin = await pinOpened;
    await pin.waitForSelector("#pin:not([disabled])");
    const p1 = performance.now();
    const navigated = page.waitForNavigation({ timeout: 20_000, waitUntil: "load" });
    const p2 = performance.now();
    await typePin(pin, PIN);
    await navigated.catch(async (e) => {
      const said = await pin.$eval("main", (m) => m.textContent).catch(() => "");
      throw new Error(`${e}; PIN window: ${said}; panel: ${(await readPanel(page, "login"))?.text}`);
    });
    const p3 = performance.now();
    const t1 = Date.now();
    if (!s.isDashboard(page.url())) throw new Error(`no dashboard: ${page.url()}`);
    // pino writes asynchronously: let the last lines reach the file.
    await sleep(300);
    const apdus = apduLines(s).filter((l) => l.at >= t0 - 1 && l.at <= t1 + 1);
    return {
      clickToDashboardMs: round(p3 - p0),
      clickToPinWindowMs: round(p1 - p0),
      pinToDashboardMs: round(p3 - p2),
      apdus: apdus.length,
      apduMs: round(apdus.reduce((a, l) => a + l.ms, 0)),
    };
  } finally {
    await page.close().catch(() => {});
    for (const t of pinTargets(s.kit.browser)) await (await t.page())?.close().catch(() => {});
    await s.logout();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

function pct(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  return round(v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? Number.NaN);
}

function summary(runs: Login[]) {
  const of = (k: keyof Login) => runs.map((r) => r[k]);
  const median = (k: keyof Login) => pct(of(k), 50);
  return {
    runs: runs.length,
    clickToDashboardMs: { median: median("clickToDashboardMs"), p90: pct(of("clickToDashboardMs"), 90) },
    clickToPinWindowMs: { median: median("clickToPinWindowMs"), p90: pct(of("clickToPinWindowMs"), 90) },
    pinToDashboardMs: { median: median("pinToDashboardMs"), p90: pct(of("pinToDashboardMs"), 90) },
    apdus: { median: median("apdus"), min: Math.min(...of("apdus")), max: Math.max(...of("apdus")) },
    apduMs: { median: median("apduMs"), p90: pct(of("apduMs"), 90) },
    apduShare: Math.round((median("apduMs") / median("clickToDashboardMs")) * 10_000) / 10_000,
    all: runs,
  };
}

async function main() {
  const s = await startSlice({
    mode: "token",
    agentLogLevel: "trace",
    // A doctor logs in a few times a day; this bench does 2 × (runs + 1) logins in a row: lift the PIN rate limit
    // (5 a minute per connection) for it, or the agent rightly answers ERR_RATE_LIMITED.
    agentConfig: {
      rates: { pin: { perPeer: { limit: 1000, windowMs: 60_000 }, global: { limit: 1000, windowMs: 60_000 } } },
    },
    privateTestbedState: true,
  });
  try {
    const cards: Record<string, ReturnType<typeof summary>> = {};
    for (const profile of ["cps3", "cps4"] as const) {
      if (s.tb.card(0)) await s.tb.remove(0);
      await s.tb.insert(0, profile);
      // One warm-up login: the first one also reads the certificate (cached per card serial afterwards).
      const warmup = await oneLogin(s);
      const runs: Login[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await oneLogin(s));
      cards[profile] = { ...summary(runs), firstLogin: warmup } as ReturnType<typeof summary>;
    }
    const report = {
      bench: "login",
      what: "click in the assistant's panel → PIN typed by the test in the extension's window → portal dashboard",
      quickack: s.tb.quickack,
      machine: { cpus: cpus().length, loadavg1: round(loadavg()[0] ?? 0) },
      cards,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await s.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`login bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
