/**
 * The real cps-bridge agent as a child process, the way a doctor runs it (`cps-bridge start`), for e2e tests and
 * the documented example: a private home directory (CPS_BRIDGE_HOME: its own key, pairings and logs, so nothing
 * touches the developer's own agent), a fixed port (so stopping and starting it again is the same agent at the same
 * address, as for a doctor), test mode for the test bench's cards.
 *
 * Pairing uses the public CLI, `cps-bridge pair --json --no-wait`, exactly as a developer would script it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./extension-build";
import type { PairableAgent } from "./launch";

/** The development launcher (tsx); `CPS_BRIDGE_AGENT_ENTRY` may point at the esbuild bundle agent/dist/cps-bridge.cjs. */
export const AGENT_ENTRY = process.env.CPS_BRIDGE_AGENT_ENTRY || join(REPO_ROOT, "agent", "bin", "cps-bridge.mjs");

export interface AgentProcessOptions {
  /** Default: a free port chosen now and kept across stop/start. */
  port?: number;
  /** Accept the test bench's cards and http://localhost origins (default true). */
  testMode?: boolean;
  /** PEM of the test PKI anchors (Testbed.trustAnchorsPath, or `trustAnchorsPath` printed by `cps-testbed up`). */
  testAnchors?: string;
  /**
   * Extra environment for the agent process — e.g. `HOME` pointing at a doctor-like home with its own browser
   * profiles and NSS databases, which the diagnostics' middleware checks read.
   */
  env?: Record<string, string>;
  /** PEM the agent trusts for the mailbox's IMAPS (`--mail-ca`, test mode only): the test dovecot's certificate. */
  mailCa?: string;
  /** Default: a fresh temporary directory, removed by close(). */
  home?: string;
  /** Milliseconds to wait for the agent to listen. */
  startTimeoutMs?: number;
  /** `--log-level` (default: the agent's, info). `trace` logs one line per APDU (header, SW, time; never data). */
  logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace";
  /**
   * The agent's `config.json` (docs/agent.md), written into its home before it starts — e.g. the login benchmark
   * raises the PIN attempt rate limit, which a burst of logins would otherwise hit (ERR_RATE_LIMITED).
   */
  config?: Record<string, unknown>;
}

export interface AgentProcess extends PairableAgent {
  readonly port: number;
  readonly home: string;
  readonly running: boolean;
  /** Opens a 2-minute pairing window (`cps-bridge pair --json --no-wait`) and returns its 6-digit code. */
  openPairing(): Promise<string>;
  /** Starts it again (same port, same home: same key and pairings). */
  start(): Promise<void>;
  /** SIGTERM, like a clean stop; resolves when the process has exited. */
  stop(): Promise<void>;
  /** Stops it and removes its home directory (when the kit created it). */
  close(): Promise<void>;
  /** What it printed (stdout + stderr): pino logs go to its log file, not here. */
  output(): string;
}

/** Agents this process started and has not stopped: terminated when this process exits, so none is left behind. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of running) p.kill("SIGTERM");
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function childEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CPS_BRIDGE_HOME: home };
  // agent/src/cli/main.ts does not run itself when imported under vitest.
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  return env;
}

export async function startAgent(options: AgentProcessOptions = {}): Promise<AgentProcess> {
  const ownHome = options.home === undefined;
  const home = options.home ?? mkdtempSync(join(tmpdir(), "cps-bridge-agent-"));
  const port = options.port ?? (await freePort());
  const testMode = options.testMode ?? true;
  const env = { ...childEnv(home), ...(options.env ?? {}) };
  if (options.config) {
    mkdirSync(join(home, "config"), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, "config", "config.json"), JSON.stringify(options.config), { mode: 0o600 });
  }
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = "";

  const args = [
    AGENT_ENTRY,
    ...(options.logLevel ? ["--log-level", options.logLevel] : []),
    "start",
    "--port",
    String(port),
    ...(testMode ? ["--test-mode"] : []),
    ...(testMode && options.testAnchors ? ["--test-anchors", options.testAnchors] : []),
    ...(testMode && options.mailCa ? ["--mail-ca", options.mailCa] : []),
  ];

  const start = async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) return;
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    proc = child;
    running.add(child);
    exited = new Promise((resolve) =>
      child.on("exit", () => {
        running.delete(child);
        resolve();
      }),
    );
    let mine = "";
    const collect = (d: Buffer) => {
      mine += d;
      output += d;
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`cps-bridge start did not listen within ${options.startTimeoutMs ?? 30_000} ms:\n${mine}`));
      }, options.startTimeoutMs ?? 30_000);
      const check = () => {
        // `cps-bridge start` prints its address once it listens (agent/src/cli/start.ts).
        if (mine.includes(`ws://127.0.0.1:${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", check);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`cps-bridge start exited (${code}) before listening:\n${mine}`));
      });
    });
  };

  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    p.kill("SIGTERM");
    const killer = setTimeout(() => p.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };

  await start();

  return {
    port,
    home,
    get running() {
      return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
    },
    async openPairing() {
      const r = await runCli(["pair", "--json", "--no-wait"], env);
      const line = r.stdout.split("\n").find((l) => l.includes('"code"'));
      const code = line ? (JSON.parse(line) as { code?: string }).code : undefined;
      if (r.code !== 0 || !code || !/^\d{6}$/.test(code)) {
        throw new Error(`cps-bridge pair failed (exit ${r.code}): ${r.stdout}${r.stderr}`);
      }
      return code;
    },
    start,
    stop,
    async close() {
      await stop();
      if (ownHome) rmSync(home, { recursive: true, force: true });
    },
    output: () => output,
  };
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [AGENT_ENTRY, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => p.kill("SIGKILL"), 30_000);
    p.on("error", reject);
    p.on("exit", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}
