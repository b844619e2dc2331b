/**
 * Benchmark of the self-contained agent (issue 13 §2, docs/packaging.md): the single executable
 * agent/dist-exe/cps-bridge (a Node SEA on the embedded Node, agent/scripts/package.mjs) against the esbuild bundle
 * run by this machine's node (`node agent/dist/cps-bridge.cjs`), measured in the same run, interleaved run by run
 * (exe, node, exe, node, …) so machine noise hits both. Prints one JSON object:
 *  - sizes: the executable and every file beside it in agent/dist-exe, the bundle directory agent/dist, in bytes
 *    (and this machine's node binary, which the bundle needs);
 *  - `--version`: wall time from spawn to exit (p50 / p90 / min), after one untimed warm-up each (page cache);
 *  - `start --port 0`: time from spawn to the « … écoute sur ws://127.0.0.1:PORT … » line on stdout; then, after
 *    `--settle-ms` (2 s), the agent process's own VmRSS / VmHWM (/proc/<pid>/status; the pid spawned is the agent
 *    itself: no shell, no npx, no tsx — checked through /proc/<pid>/exe and cmdline); then SIGTERM and the time to
 *    exit. Each start gets a fresh CPS_BRIDGE_HOME temp dir (so it is a first start: the agent key is created), no
 *    --test-mode, so it is the shipped path. The agent starts without pcscd (it reports PC/SC down and retries):
 *    whether pcscd was running is in the output;
 *  - ratios exe / node of each metric, the embedded Node version (EMBEDDED_NODE_VERSION) and the host's.
 * Builds what is missing first: `npm run package -w agent` (which also builds the bundle) or `npm run build -w agent`.
 *
 * Run (pcscd is shared; the agent does not need it, but other tests may be using it — take the lock anyway):
 *   flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/bench/agent-exe.ts [--runs 7] [--settle-ms 2000]
 * (or CPS_BRIDGE_BENCH_RUNS=N).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
} from "node:fs";
import { connect } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const AGENT_DIR = join(ROOT, "agent");
const DIST = join(AGENT_DIR, "dist");
const DIST_EXE = join(AGENT_DIR, "dist-exe");
const BUNDLE = join(DIST, "cps-bridge.cjs");
const EXE = join(DIST_EXE, "cps-bridge");
const PACKAGE_MJS = join(AGENT_DIR, "scripts", "package.mjs");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const RUNS = Math.max(1, Number(arg("runs", process.env.CPS_BRIDGE_BENCH_RUNS || "7")) || 7);
const SETTLE_MS = Number(arg("settle-ms", "2000")) || 2000;
const LISTENING = /(?:écoute sur|listening on) ws:\/\/127\.0\.0\.1:(\d+)/;

type Variant = "exe" | "node";
const VARIANTS: Variant[] = ["exe", "node"];

/** Every child still alive, killed on any way out (error, signal, normal end). */
const live = new Set<ChildProcess>();
const homes = new Set<string>();
function killAll(): void {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}
process.on("exit", () => {
  killAll();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(s, () => {
    process.stderr.write(`bench interrupted (${s})\n`);
    process.exit(130);
  });
}

/** cli/main.ts does not run itself under vitest: children must not inherit VITEST (as spawn-agent.ts). */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k.startsWith("VITEST")) delete env[k];
  return env;
}

function command(v: Variant, args: string[]): [string, string[]] {
  return v === "exe" ? [EXE, args] : [process.execPath, [BUNDLE, ...args]];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}
const stats = (xs: number[]) => ({ p50: r1(pct(xs, 50)), p90: r1(pct(xs, 90)), min: r1(Math.min(...xs)) });

function build(): { packaged: boolean; bundled: boolean } {
  // Build output goes to stderr: stdout is the JSON only.
  const npm = (args: string[]) => execFileSync("npm", args, { cwd: ROOT, stdio: ["ignore", 2, 2] });
  let packaged = false;
  let bundled = false;
  if (!existsSync(EXE)) {
    npm(["run", "package", "-w", "agent"]); // runs build.mjs first: the bundle too
    packaged = true;
  }
  if (!existsSync(BUNDLE)) {
    npm(["run", "build", "-w", "agent"]);
    bundled = true;
  }
  return { packaged, bundled };
}

function dirFiles(dir: string): { files: Record<string, number>; totalBytes: number } {
  const files: Record<string, number> = {};
  let totalBytes = 0;
  for (const f of readdirSync(dir).sort()) {
    const st = statSync(join(dir, f));
    if (!st.isFile()) continue;
    files[f] = st.size;
    totalBytes += st.size;
  }
  return { files, totalBytes };
}

/** `--version` to completion: wall time from spawn to exit (stdio closed), and what it printed. */
function timeVersion(v: Variant): Promise<{ ms: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const [file, argv] = command(v, ["--version"]);
    const t0 = performance.now();
    const proc = spawn(file, argv, { env: childEnv({}), cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
    live.add(proc);
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => (stdout += d));
    proc.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => proc.kill("SIGKILL"), 30_000);
    proc.once("error", (e) => {
      clearTimeout(t);
      live.delete(proc);
      reject(e);
    });
    proc.once("close", (code) => {
      const ms = performance.now() - t0;
      clearTimeout(t);
      live.delete(proc);
      if (code !== 0) reject(new Error(`${v} --version exited ${code}: ${stderr}`));
      else resolve({ ms, stdout: stdout.trim(), code });
    });
  });
}

function procStatusKb(pid: number): { rssKb: number; hwmKb: number; threads: number } {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? Number.NaN);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM"), threads: field("Threads") };
}

/** Throws unless `pid` is the agent itself: the executable, or this node running the bundle. */
function checkAgentPid(v: Variant, pid: number): void {
  const exe = readlinkSync(`/proc/${pid}/exe`);
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const want = realpathSync(v === "exe" ? EXE : process.execPath);
  const ok = exe === want && (v === "exe" || cmdline[1] === BUNDLE);
  if (!ok) throw new Error(`pid ${pid} is not the ${v} agent: exe ${exe}, cmdline ${cmdline.join(" ")}`);
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

interface StartRun {
  listenMs: number;
  rssKb: number;
  hwmKb: number;
  threads: number;
  children: number;
  stopMs: number;
  exitCode: number | null;
}

/** `start --port 0` in a fresh home: spawn → listening line, settle, /proc status, SIGTERM → exit. */
async function timeStart(v: Variant): Promise<StartRun> {
  const home = mkdtempSync(join(tmpdir(), "cps-bridge-bench-exe-"));
  homes.add(home);
  const [file, argv] = command(v, ["start", "--port", "0"]);
  let stdout = "";
  let stderr = "";
  const t0 = performance.now();
  const proc = spawn(file, argv, {
    env: childEnv({ CPS_BRIDGE_HOME: home }),
    cwd: home,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(proc);
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    proc.once("exit", (code) => resolve({ code, at: performance.now() })),
  );
  try {
    const { port, listenMs } = await new Promise<{ port: number; listenMs: number }>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`${v} did not listen in 30 s\n${stdout}\n${stderr}`)), 30_000);
      proc.stdout.on("data", (d) => {
        stdout += d;
        const m = LISTENING.exec(stdout);
        if (m) {
          clearTimeout(deadline);
          resolve({ port: Number(m[1]), listenMs: performance.now() - t0 });
        }
      });
      proc.stderr.on("data", (d) => (stderr += d));
      proc.once("error", (e) => {
        clearTimeout(deadline);
        reject(e);
      });
      void exited.then(({ code }) => {
        clearTimeout(deadline);
        reject(new Error(`${v} exited (${code}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
      });
    });
    const pid = proc.pid!;
    checkAgentPid(v, pid);
    if (!(await tcpOpen(port))) throw new Error(`${v} printed port ${port} but nothing accepts there`);
    await sleep(SETTLE_MS);
    const st = procStatusKb(pid);
    const kids = children(pid).length;
    const tStop = performance.now();
    proc.kill("SIGTERM");
    const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    const { code, at } = await exited;
    clearTimeout(killer);
    return { listenMs, ...st, children: kids, stopMs: at - tStop, exitCode: code };
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGKILL");
      await exited;
    }
    live.delete(proc);
    rmSync(home, { recursive: true, force: true });
    homes.delete(home);
  }
}

function pcscdRunning(): boolean {
  return spawnSync("pgrep", ["-x", "pcscd"], { stdio: "ignore" }).status === 0;
}

async function main(): Promise<void> {
  const built = build();
  const { EMBEDDED_NODE_VERSION } = (await import(pathToFileURL(PACKAGE_MJS).href)) as {
    EMBEDDED_NODE_VERSION: string;
  };
  const loadBefore = loadavg();
  const pcscd = pcscdRunning();

  const exeDir = dirFiles(DIST_EXE);
  const bundleDir = dirFiles(DIST);
  const hostNodeBytes = statSync(realpathSync(process.execPath)).size;

  // --version: one untimed warm-up each (the 130 MB executable's first read from disk), then interleaved.
  const warm: Record<Variant, number> = { exe: 0, node: 0 };
  const printed: Record<Variant, string> = { exe: "", node: "" };
  for (const v of VARIANTS) {
    const r = await timeVersion(v);
    warm[v] = r.ms;
    printed[v] = r.stdout;
  }
  if (printed.exe !== printed.node) throw new Error(`versions differ: exe ${printed.exe}, bundle ${printed.node}`);
  const version: Record<Variant, number[]> = { exe: [], node: [] };
  for (let i = 0; i < RUNS; i++) for (const v of VARIANTS) version[v].push((await timeVersion(v)).ms);

  // start: interleaved too; the --version warm-up already brought both into the page cache.
  const starts: Record<Variant, StartRun[]> = { exe: [], node: [] };
  for (let i = 0; i < RUNS; i++) for (const v of VARIANTS) starts[v].push(await timeStart(v));
  const pcscdAfter = pcscdRunning();

  const per = (v: Variant) => {
    const s = starts[v];
    const rssMb = s.map((x) => x.rssKb / 1024);
    const hwmMb = s.map((x) => x.hwmKb / 1024);
    const threads = s.map((x) => x.threads);
    return {
      versionMs: { ...stats(version[v]), warmupMs: r1(warm[v]) },
      startToListeningMs: stats(s.map((x) => x.listenMs)),
      idleRssMb: { p50: r1(pct(rssMb, 50)), min: r1(Math.min(...rssMb)), max: r1(Math.max(...rssMb)) },
      peakRssMb: { p50: r1(pct(hwmMb, 50)) },
      threadsP50: pct(threads, 50),
      childProcessesMax: Math.max(...s.map((x) => x.children)),
      sigtermToExitMs: stats(s.map((x) => x.stopMs)),
      exitCodes: [...new Set(s.map((x) => x.exitCode))],
    };
  };
  const exe = per("exe");
  const node = per("node");
  const ratio = (a: number, b: number) => r3(a / b);

  const result = {
    benchmark: "agent-exe",
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadavgBefore: loadBefore.map(r1),
      loadavgAfter: loadavg().map(r1),
    },
    runs: RUNS,
    settleMs: SETTLE_MS,
    order: "interleaved exe, node, exe, node, …",
    agentVersion: printed.exe,
    built,
    nodeVersions: { embedded: `v${EMBEDDED_NODE_VERSION}`, host: process.version },
    pcscdRunning: { before: pcscd, after: pcscdAfter },
    sizesBytes: {
      exe: exeDir.files["cps-bridge"],
      distExe: exeDir.files,
      distExeTotal: exeDir.totalBytes,
      distBundle: bundleDir.files,
      distBundleTotal: bundleDir.totalBytes,
      hostNodeBinary: hostNodeBytes,
    },
    exe: { command: "agent/dist-exe/cps-bridge", ...exe },
    node: { command: `node agent/dist/cps-bridge.cjs (${process.execPath})`, ...node },
    ratiosExeOverNode: {
      distTotalBytes: ratio(exeDir.totalBytes, bundleDir.totalBytes),
      distTotalBytesVsBundlePlusHostNode: ratio(exeDir.totalBytes, bundleDir.totalBytes + hostNodeBytes),
      versionMs: {
        p50: ratio(exe.versionMs.p50, node.versionMs.p50),
        p90: ratio(exe.versionMs.p90, node.versionMs.p90),
        min: ratio(exe.versionMs.min, node.versionMs.min),
      },
      startToListeningMs: {
        p50: ratio(exe.startToListeningMs.p50, node.startToListeningMs.p50),
        p90: ratio(exe.startToListeningMs.p90, node.startToListeningMs.p90),
        min: ratio(exe.startToListeningMs.min, node.startToListeningMs.min),
      },
      idleRssP50: ratio(exe.idleRssMb.p50, node.idleRssMb.p50),
      peakRssP50: ratio(exe.peakRssMb.p50, node.peakRssMb.p50),
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    killAll();
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
