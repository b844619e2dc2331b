/**
 * Benchmark of the per-user port discovery (docs/agent.md §12, docs/protocol.md §13): how long the extension's own
 * client (extension/src/background/agent/agent-client.ts over `ws`, scripts/src/multi-user/extension-client.ts)
 * takes to find its agent after the agent changed port, when it has to scan the whole range. Worst case staged with
 * real agent processes: the extension's pairing says 17777, where "another user's" agent now listens (it names
 * another key in hello: skipped), a second foreign agent on 17778, nothing on 17779–17785, and its own agent on
 * 17786, the last port. Each round is a fresh client (a woken worker that knows only the pairing), timed from
 * start() to `connected`; compared with a client that goes straight to the right port. Prints one JSON object.
 *
 * Run: npx tsx scripts/bench/port-scan.ts [--rounds 30]
 * Needs 17777, 17778 and 17786 free (it says which ports of the range were busy otherwise); pcscd not needed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type SpawnedAgent, spawnAgent } from "@cps-bridge/agent/bridge/spawn-agent";
import { pairingEntry } from "@cps-bridge/protocol/agent-ports";
import { AGENT_PORT_RANGE } from "@cps-bridge/protocol/extension-ids";
import { MemoryPairingStore } from "../../extension/src/background/agent/pairing-store";
import { nodeExtension } from "../src/multi-user/extension-client";

const i = process.argv.indexOf("--rounds");
const ROUNDS = i >= 0 ? Number(process.argv[i + 1]) : 30;
const FIRST = AGENT_PORT_RANGE[0]!;
const SECOND = AGENT_PORT_RANGE[1]!;
const LAST = AGENT_PORT_RANGE[AGENT_PORT_RANGE.length - 1]!;

function busy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(true));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(false)));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};

async function timeToConnected(pairings: MemoryPairingStore, port: number): Promise<number> {
  const ext = nodeExtension({ port, pairings });
  const t0 = performance.now();
  ext.client.start();
  const s = await ext.waitFor((x) => x.agent.status === "connected" || x.agent.status === "error", 20_000);
  const ms = performance.now() - t0;
  ext.client.stop();
  if (s.agent.status !== "connected" || s.agent.port !== LAST) throw new Error(`found ${JSON.stringify(s.agent)}`);
  return ms;
}

async function main(): Promise<void> {
  const busyBefore: number[] = [];
  for (const p of AGENT_PORT_RANGE) if (await busy(p)) busyBefore.push(p);
  if ([FIRST, SECOND, LAST].some((p) => busyBefore.includes(p))) {
    console.log(JSON.stringify({ error: "ports of the range busy", busy: busyBefore }));
    process.exitCode = 1;
    return;
  }
  const agents: SpawnedAgent[] = [];
  const homes: string[] = [];
  try {
    // Every round authenticates twice: raise the agent's auth rate (60 a minute per peer) for the benchmark only.
    const ownHome = mkdtempSync(join(tmpdir(), "cps-bridge-bench-"));
    homes.push(ownHome);
    mkdirSync(join(ownHome, "config"), { mode: 0o700 });
    const many = { limit: 10_000, windowMs: 60_000 };
    writeFileSync(
      join(ownHome, "config", "config.json"),
      JSON.stringify({ rates: { auth: { perPeer: many, global: many } } }),
      { mode: 0o600 },
    );
    const own = await spawnAgent({ home: ownHome, args: ["--port", String(LAST)] });
    agents.push(own);
    agents.push(await spawnAgent({ args: ["--port", String(FIRST)] }));
    agents.push(await spawnAgent({ args: ["--port", String(SECOND)] }));

    // Pair once with the agent on the last port, then pretend the pairing was made on 17777 (the agent moved).
    const pairingExt = nodeExtension({ port: FIRST });
    pairingExt.client.start();
    await pairingExt.waitFor((s) => s.agent.status === "unpaired");
    await pairingExt.client.pair(pairingEntry(await own.openPairing(), LAST), "bench");
    pairingExt.client.stop();
    const pairing = { ...pairingExt.pairings.pairing!, port: FIRST };

    const scan: number[] = [];
    const direct: number[] = [];
    await timeToConnected(new MemoryPairingStore({ ...pairing }), FIRST); // warm-up (tsx, JIT)
    for (let r = 0; r < ROUNDS; r++) {
      scan.push(await timeToConnected(new MemoryPairingStore({ ...pairing }), FIRST));
      direct.push(await timeToConnected(new MemoryPairingStore({ ...pairing, port: LAST }), LAST));
    }
    console.log(
      JSON.stringify({
        bench: "port-scan",
        rounds: ROUNDS,
        cpus: cpus().length,
        range: [FIRST, LAST],
        staged: { foreignAgents: [FIRST, SECOND], ownAgent: LAST, closedPorts: AGENT_PORT_RANGE.length - 3 },
        busyBefore,
        scanWholeRangeMs: { p50: pct(scan, 50), p90: pct(scan, 90), max: pct(scan, 100) },
        directMs: { p50: pct(direct, 50), p90: pct(direct, 90), max: pct(direct, 100) },
      }),
    );
  } finally {
    for (const a of agents) await a.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  }
}

await main();
