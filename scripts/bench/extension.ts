/**
 * Benchmark of the web extension (issue 5 §10). Prints one JSON object:
 *  - `sizes`: each built entrypoint of the Chrome MV3 and Firefox MV2 builds — the background script, and each page
 *    (popup, pairing, PIN window, options) with every script and stylesheet it loads, and each content script (the
 *    portal login assistant, `content:portal.js`) — raw and gzip bytes;
 *  - `serviceWorkerStart`: in real Chromium, with the real agent process and a virtual CPS3 in the test bench, the
 *    time from the service worker's start (its `performance.timeOrigin`) to the first complete state: socket open,
 *    `hello` answered, authenticated, reader list known (the card's holder included). Measured on `--runs` restarts
 *    of an already paired worker (CDP ServiceWorker.stopWorker, then woken by opening the popup), read from the
 *    worker's own clock, so the CDP and page overheads are not counted.
 *
 * Run (pcscd is shared: take the lock):
 *   flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/bench/extension.ts [--runs 10]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startAgent } from "../src/browser/agent-process";
import { EXTENSION_DIR, ensureExtensionBuilt } from "../src/browser/extension-build";
import { launchBrowser, waitForSituation } from "../src/browser/launch";
import { Testbed } from "../src/testbed/index";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const RUNS = Number(arg("runs", "10"));

interface Size {
  raw: number;
  gzip: number;
  files: string[];
}

function fileSize(path: string): { raw: number; gzip: number } {
  const data = readFileSync(path);
  return { raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
}

/** An HTML entrypoint with the scripts, module preloads and stylesheets it references. */
function pageSize(dir: string, html: string): Size {
  const text = readFileSync(join(dir, html), "utf8");
  const refs = [...text.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const files = [html, ...new Set(refs)];
  return sum(dir, files);
}

function sum(dir: string, files: string[]): Size {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const s = fileSize(join(dir, f));
    raw += s.raw;
    gzip += s.gzip;
  }
  return { raw, gzip, files };
}

function totalSize(dir: string): { raw: number; files: number } {
  let raw = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        raw += statSync(p).size;
        files++;
      }
    }
  };
  walk(dir);
  return { raw, files };
}

function sizesOf(dir: string, background: string) {
  const pages = readdirSync(dir).filter((f) => f.endsWith(".html"));
  // Content scripts (the portal login assistant): what each portal page loads, in the page's renderer.
  const contentDir = join(dir, "content-scripts");
  const contentScripts = existsSync(contentDir) ? readdirSync(contentDir).filter((f) => /\.(js|css)$/.test(f)) : [];
  return {
    background: sum(dir, [background]),
    ...Object.fromEntries(contentScripts.map((f) => [`content:${f}`, sum(dir, [`content-scripts/${f}`])])),
    ...Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ""), pageSize(dir, p)])),
    total: totalSize(dir),
  };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function stats(values: number[]) {
  return {
    median: percentile(values, 50),
    p90: percentile(values, 90),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

async function main() {
  const chromeDir = ensureExtensionBuilt();
  const ff = spawnSync("npx", ["wxt", "build", "-b", "firefox"], {
    cwd: EXTENSION_DIR,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  const firefoxDir = join(EXTENSION_DIR, ".output", "firefox-mv2");
  const sizes = {
    "chrome-mv3": sizesOf(chromeDir, "background.js"),
    ...(ff.status === 0 && existsSync(firefoxDir) ? { "firefox-mv2": sizesOf(firefoxDir, "background.js") } : {}),
  };

  const tb = await Testbed.start();
  const agent = await startAgent({ testAnchors: tb.trustAnchorsPath });
  const kit = await launchBrowser({ settings: { agentPort: agent.port } });
  const samples: Array<Record<string, number>> = [];
  try {
    await kit.pair({ agent });
    await tb.insert(0, "cps3");
    const popup = await kit.openPopup();
    await waitForSituation(popup, "ready", 15_000);
    await popup.close();
    for (let i = 0; i < RUNS; i++) {
      await kit.stopServiceWorker();
      const wake = await kit.openPopup();
      await waitForSituation(wake, "ready", 15_000);
      const t: Partial<Record<"clientStart" | "socketOpen" | "hello" | "authenticated" | "readersKnown", number>> & {
        workerStart: number;
      } = await (await kit.serviceWorker()).evaluate(() => {
        const g = globalThis as unknown as {
          cpsBridge: { workerStart: number; client: { timings: Record<string, number> } };
        };
        return { workerStart: g.cpsBridge.workerStart, ...g.cpsBridge.client.timings };
      });
      await wake.close();
      if (t.readersKnown === undefined) throw new Error(`run ${i}: no complete state recorded: ${JSON.stringify(t)}`);
      samples.push({
        scriptStart: t.clientStart! - t.workerStart,
        socketOpen: t.socketOpen! - t.workerStart,
        hello: t.hello! - t.workerStart,
        authenticated: t.authenticated! - t.workerStart,
        completeState: t.readersKnown - t.workerStart,
      });
    }
  } finally {
    await kit.close();
    await agent.close();
    await tb.stop();
  }
  const keys = ["scriptStart", "socketOpen", "hello", "authenticated", "completeState"] as const;
  const result = {
    benchmark: "extension",
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadavg1: Number(loadavg()[0]!.toFixed(2)), node: process.version },
    sizes,
    serviceWorkerStart: {
      runs: samples.length,
      unit: "ms from the worker's performance.timeOrigin",
      ...Object.fromEntries(keys.map((k) => [k, stats(samples.map((s) => s[k]!))])),
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
