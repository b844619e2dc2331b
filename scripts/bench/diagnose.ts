/**
 * Diagnostics benchmark (issue 10): `npx tsx scripts/bench/diagnose.ts [--runs N]` prints one JSON document.
 *
 * On the real PC/SC stack (the test bench: pcscd + vpcd + virtual cards) with a local portal on 127.0.0.1, for a
 * healthy CPS3 and each failure profile (Vitale, blocked, expired, bank, mute, no card, pcscd stopped):
 *  - `cold`: what `cps-bridge diagnose` does — a fresh card service started (PC/SC context, reader listing, card
 *    read from insertion), then every check: total time and time to the first blocking verdict, from the start;
 *  - `warm`: the same run inside a running agent (the card already read): total, first blocking verdict, and each
 *    check's own time (median over the runs).
 * Goals (numbers, not tests): a full run ≤ 1.5 s, first blocking verdict ≤ 300 ms (the online tool needs a page
 * load and a TLS handshake). Uses pcscd and vpcd slots: run it under the shared lock
 * (`flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/bench/diagnose.ts`).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { CardServiceImpl } from "@cps-bridge/agent/cards/card-service-impl";
import { createDiagContext } from "@cps-bridge/agent/diagnostics/context";
import { runDiagnostics } from "@cps-bridge/agent/diagnostics/run";
import { silentLogger } from "@cps-bridge/agent/log";
import type { CheckResult } from "@cps-bridge/protocol/diagnostics/model";
import { type ProfileName, Testbed } from "@cps-bridge/scripts/testbed/index";

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1]) || 7;
const log = silentLogger();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor(s.length / 2)] ?? Number.NaN) * 10) / 10;
};

// The PKCS#11 probe (middleware.token) runs in a child process of the CLI, as inside the agent.
process.env.CPS_BRIDGE_CLI_ENTRY ??= fileURLToPath(new URL("../../agent/bin/cps-bridge.mjs", import.meta.url));
const tb = await Testbed.start();
const portal = createServer((_req, res) => res.end("ok"));
await new Promise<void>((r) => portal.listen(0, "127.0.0.1", r));
const portalOrigin = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;

async function oneRun(svc: CardServiceImpl, t0: number) {
  let firstBlockingMs: number | null = null;
  const onResult = (r: CheckResult) => {
    if (firstBlockingMs === null && r.verdict === "failed" && r.blocking) firstBlockingMs = performance.now() - t0;
  };
  const ctx = createDiagContext({
    cards: svc,
    log,
    agentVersion: "bench",
    agentRunning: async () => ({ running: true, port: 1 }),
    portalOrigin,
    testMode: true,
    usbDevices: async () => [],
  });
  const run = await runDiagnostics(ctx, { onResult });
  return { totalMs: performance.now() - t0, firstBlockingMs, results: run.results };
}

async function waitRead(svc: CardServiceImpl) {
  for (const r of svc.readers()) if (r.state !== "empty") await svc.cardStatus({ reader: r.name }).catch(() => {});
}

type Case = ProfileName | "none" | "pcscd-stopped";
const CASES: Case[] = ["cps3", "vitale2", "cps3-blocked", "cps3-expired", "bank", "mute", "none", "pcscd-stopped"];
const out: Record<string, unknown> = {};
try {
  for (const c of CASES) {
    for (let i = 0; i < tb.readers.length; i++) if (tb.card(i)) await tb.remove(i);
    if (c === "pcscd-stopped") await tb.pcscd.kill();
    else if (c !== "none") await tb.insert(0, c);
    await sleep(300);
    const cold: { total: number[]; first: number[] } = { total: [], first: [] };
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const svc = new CardServiceImpl({ logger: log, testMode: true, testAnchorsPath: tb.trustAnchorsPath });
      await svc.start();
      const r = await oneRun(svc, t0);
      cold.total.push(r.totalMs);
      if (r.firstBlockingMs !== null) cold.first.push(r.firstBlockingMs);
      await svc.stop();
    }
    const svc = new CardServiceImpl({ logger: log, testMode: true, testAnchorsPath: tb.trustAnchorsPath });
    await svc.start();
    await waitRead(svc);
    const warm: { total: number[]; first: number[]; perCheck: Record<string, number[]> } = {
      total: [],
      first: [],
      perCheck: {},
    };
    let verdict = "";
    for (let i = 0; i < RUNS; i++) {
      const r = await oneRun(svc, performance.now());
      warm.total.push(r.totalMs);
      if (r.firstBlockingMs !== null) warm.first.push(r.firstBlockingMs);
      for (const x of r.results) {
        warm.perCheck[x.id] ??= [];
        warm.perCheck[x.id]!.push(x.durationMs);
      }
      verdict = r.results.find((x) => x.verdict === "failed" && x.blocking)?.code ?? "no blocking failure";
    }
    await svc.stop();
    if (c === "pcscd-stopped") await tb.pcscd.restart();
    out[c] = {
      firstBlocking: verdict,
      cold: { totalMs: median(cold.total), firstBlockingMs: cold.first.length ? median(cold.first) : null },
      warm: {
        totalMs: median(warm.total),
        firstBlockingMs: warm.first.length ? median(warm.first) : null,
        checksMs: Object.fromEntries(Object.entries(warm.perCheck).map(([k, v]) => [k, median(v)])),
      },
    };
  }
} finally {
  portal.close();
  await tb.stop();
}
console.log(
  JSON.stringify(
    {
      bench: "diagnose",
      runs: RUNS,
      goals: { fullRunMs: 1500, firstBlockingMs: 300 },
      note: "medians; cold = fresh card service as `cps-bridge diagnose` (PC/SC start + card read + checks); warm = inside a running agent",
      cases: out,
    },
    null,
    2,
  ),
);
process.exit(0);
