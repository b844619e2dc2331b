/**
 * Benchmark of the WebSocket bridge (issue 4 §8). Prints one JSON object:
 *  - round trip p50 / p99 of `card.status` (answered from the agent's cache) on an authenticated connection to the
 *    real agent process (`cps-bridge start --test-mode`, the esbuild bundle when built, else the dev launcher) with
 *    its real card service and a virtual CPS3 of the test bench, and of a bare `ws` echo server (another node
 *    process, same request frames, each answered with itself padded with JSON whitespace to the size of the agent's
 *    answer, so both sides move the same bytes) measured in the same run, interleaved block by block, and their ratio;
 *  - sustained requests per second, pipelined within the agent's in-flight cap, for both.
 * Goals (numbers, not tests): RPC p50 ≤ 1.5 × echo p50; ≥ 5,000 card.status per second on a 2-core machine.
 *
 * Run (pcscd is shared: take the lock):
 *   flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/bench/ws.ts [--n 4000] [--seconds 5] [--entry <cps-bridge.cjs>]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BUNDLE, DEV_LAUNCHER, spawnAgent } from "@cps-bridge/agent/bridge/spawn-agent";
import { BridgeTestClient } from "@cps-bridge/agent/bridge/test-client";
import { MAX_IN_FLIGHT_PER_CONNECTION } from "@cps-bridge/protocol/limits";
import { Testbed } from "@cps-bridge/scripts/testbed/index";
import { WebSocket } from "ws";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const N = Number(arg("n", "4000"));
const SECONDS = Number(arg("seconds", "5"));
const ENTRY = arg("entry", existsSync(BUNDLE) ? BUNDLE : DEV_LAUNCHER);
const WINDOW = MAX_IN_FLIGHT_PER_CONNECTION;
/** `card.status` by default; `heartbeat` or `readers.list` isolate the bridge from the card service. */
const METHOD = arg("method", "card.status");

/** argv[1]: the byte size of the agent's answer; each echo is padded with spaces (JSON whitespace) up to it. */
const ECHO_SERVER = `
const { WebSocketServer } = require("ws");
const answerBytes = Number(process.argv[1]);
const s = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 65536 });
s.on("listening", () => console.log(s.address().port));
s.on("connection", (ws) => ws.on("message", (d, binary) => {
  const pad = answerBytes - d.length;
  ws.send(pad > 0 ? Buffer.concat([d, Buffer.alloc(pad, 0x20)]) : d, { binary });
}));
`;

function startEcho(answerBytes: number): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["-e", ECHO_SERVER, String(answerBytes)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    proc.stdout!.once("data", (d) => resolve({ proc, port: Number(String(d).trim()) }));
    proc.once("exit", (code) => reject(new Error(`echo server exited ${code}`)));
  });
}

/** A raw socket that sends pre-encoded request texts and matches answers by arrival order (both servers answer in order). */
class Pipe {
  private waiters: Array<(text: string) => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => {
      const text = String(d);
      // The agent may push events (heartbeat, card.*) between answers: they are not answers.
      if (text.includes('"type":"evt"')) return;
      this.waiters.shift()?.(text);
    });
  }
  static open(url: string, origin?: string): Promise<Pipe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...(origin ? { origin } : {}), perMessageDeflate: false });
      ws.once("open", () => resolve(new Pipe(ws)));
      ws.once("error", reject);
    });
  }
  roundTrip(text: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.ws.send(text);
    });
  }
}

const request = (id: number) => `{"v":1,"id":"b${id}","type":"req","method":"${METHOD}","params":{}}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latencies(pipe: Pipe, count: number, check: (answer: string) => void, into: number[], start: number) {
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const answer = await pipe.roundTrip(request(start + i));
    into.push(performance.now() - t0);
    if (i === 0) check(answer);
  }
}

async function throughput(pipe: Pipe, seconds: number, check: (answer: string) => void): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let id = 1_000_000;
  const worker = async () => {
    while (performance.now() < end) {
      const answer = await pipe.roundTrip(request(id++));
      if (done++ === 0) check(answer);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: WINDOW }, worker));
  return done / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const tb = await Testbed.start();
  let echo: Awaited<ReturnType<typeof startEcho>> | undefined;
  let agent: Awaited<ReturnType<typeof spawnAgent>> | undefined;
  try {
    await tb.swap(0, "cps3");
    agent = await spawnAgent({ entry: ENTRY, args: ["--test-mode", "--test-anchors", tb.trustAnchorsPath] });
    const client = await BridgeTestClient.connect(agent.port);
    await client.hello();
    await client.authenticate(await client.pair(await agent.openPairing(), "bench"), agent.port);
    // Warm: the identity is read once after insertion; from then on card.status is served from the cache.
    for (let i = 0; i < 200; i++) {
      const s = await client.request("card.status", {});
      if (s.holder && s.pin) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // The benchmark reuses the authenticated socket raw, so client-side validation is not measured.
    client.ws.removeAllListeners("message");
    const rpc = new Pipe(client.ws);
    const checkRpc = (a: string) => {
      if (!a.includes('"ok":true') || (METHOD === "card.status" && !a.includes('"holder"'))) {
        throw new Error(`${METHOD} failed: ${a.slice(0, 300)}`);
      }
    };
    const checkEcho = (a: string) => {
      if (!a.includes(`"method":"${METHOD}"`)) throw new Error("echo mismatch");
    };
    const sampleAnswer = await rpc.roundTrip(request(0));
    checkRpc(sampleAnswer);
    echo = await startEcho(Buffer.byteLength(sampleAnswer));
    const bare = await Pipe.open(`ws://127.0.0.1:${echo.port}`);
    const echoAnswer = await bare.roundTrip(request(0));
    checkEcho(echoAnswer);

    // Warm-up of both paths (JIT), then interleaved blocks so drift hits both equally.
    await latencies(rpc, 500, checkRpc, [], 0);
    await latencies(bare, 500, checkEcho, [], 0);
    const rpcMs: number[] = [];
    const echoMs: number[] = [];
    const blocks = 10;
    for (let b = 0; b < blocks; b++) {
      await latencies(rpc, Math.ceil(N / blocks), checkRpc, rpcMs, b * N);
      await latencies(bare, Math.ceil(N / blocks), checkEcho, echoMs, b * N);
    }
    rpcMs.sort((a, b) => a - b);
    echoMs.sort((a, b) => a - b);
    const rpcPerSecond = await throughput(rpc, SECONDS, checkRpc);
    const echoPerSecond = await throughput(bare, SECONDS, checkEcho);

    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const rpcP50 = percentile(rpcMs, 50);
    const echoP50 = percentile(echoMs, 50);
    const result = {
      benchmark: "ws",
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
      method: METHOD,
      agent: { entry: ENTRY.replace(`${ROOT}/`, ""), card: "cps3 (test bench, pcscd + vpcd)", testMode: true },
      frames: {
        requestBytes: Buffer.byteLength(request(0)),
        rpcResponseBytes: Buffer.byteLength(sampleAnswer),
        echoResponseBytes: Buffer.byteLength(echoAnswer),
      },
      roundTripMs: {
        samples: rpcMs.length,
        cardStatus: {
          p50: r3(rpcP50),
          p99: r3(percentile(rpcMs, 99)),
          mean: r3(rpcMs.reduce((s, x) => s + x, 0) / rpcMs.length),
        },
        bareEcho: {
          p50: r3(echoP50),
          p99: r3(percentile(echoMs, 99)),
          mean: r3(echoMs.reduce((s, x) => s + x, 0) / echoMs.length),
        },
        ratioP50: r3(rpcP50 / echoP50),
      },
      throughput: {
        pipelinedWindow: WINDOW,
        seconds: SECONDS,
        cardStatusPerSecond: Math.round(rpcPerSecond),
        bareEchoPerSecond: Math.round(echoPerSecond),
      },
      goals: {
        ratioP50AtMost: 1.5,
        ratioMet: rpcP50 / echoP50 <= 1.5,
        requestsPerSecondAtLeast: 5000,
        throughputMet: rpcPerSecond >= 5000,
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    bare.ws.close();
    await client.close();
  } finally {
    await agent?.close();
    echo?.proc.kill("SIGTERM");
    await tb.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
