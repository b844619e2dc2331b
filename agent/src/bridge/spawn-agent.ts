/**
 * Runs the real agent as a child process — `cps-bridge start` through the development launcher (tsx) or the esbuild
 * bundle — in a private CPS_BRIDGE_HOME, and drives it like a user would: the control channel for pairing, the
 * WebSocket for everything else. Used by the integration tests and the benchmark, so they test the process that
 * ships, not an in-process imitation.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AgentPaths, agentPaths } from "../paths";
import type { AgentStatus } from "./agent-runtime";
import { controlRequest } from "./control-client";

const AGENT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEV_LAUNCHER = join(AGENT_DIR, "bin", "cps-bridge.mjs");
export const BUNDLE = join(AGENT_DIR, "dist", "cps-bridge.cjs");

export interface SpawnedAgent {
  proc: ChildProcess;
  port: number;
  home: string;
  paths: AgentPaths;
  env: NodeJS.ProcessEnv;
  stdout(): string;
  stderr(): string;
  /** Opens a pairing window through the control channel (as `cps-bridge pair --no-wait`) and returns the code. */
  openPairing(): Promise<string>;
  status(): Promise<AgentStatus>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
  /** Stops and removes the home directory. */
  close(): Promise<void>;
}

/**
 * The script the tests run with node: `CPS_BRIDGE_AGENT_ENTRY` when set (e.g. agent/dist/cps-bridge.cjs, to run the
 * integration suites against the shipped bundle), else the development launcher.
 */
export function defaultEntry(): string {
  return process.env.CPS_BRIDGE_AGENT_ENTRY || DEV_LAUNCHER;
}

export interface SpawnAgentOptions {
  /** Script to run with node: default {@link defaultEntry}. */
  entry?: string;
  /** Run this executable itself (the single executable, agent/scripts/package.mjs) instead of `node <entry>`. */
  exe?: string;
  args?: string[];
  home?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** cli/main.ts does not run itself under vitest (it is imported by unit tests): children must not inherit VITEST. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of Object.keys(out)) if (k.startsWith("VITEST")) delete out[k];
  return out;
}

function command(options: { entry?: string; exe?: string }, args: string[]): [string, string[]] {
  return options.exe ? [options.exe, args] : [process.execPath, [options.entry ?? defaultEntry(), ...args]];
}

/** Runs one CLI command to completion (status, pairings, …) with the same home. */
export function runCli(
  args: string[],
  options: { entry?: string; exe?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [file, argv] = command(options, args);
    const proc = spawn(file, argv, {
      env: childEnv(options.env ?? process.env),
      cwd: options.cwd ?? AGENT_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => (stdout += d));
    proc.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    proc.on("error", reject);
    proc.on("exit", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function spawnAgent(options: SpawnAgentOptions = {}): Promise<SpawnedAgent> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), "cps-bridge-agent-"));
  const env = childEnv({ ...process.env, ...options.env, CPS_BRIDGE_HOME: home });
  const paths = agentPaths({ env });
  const args = ["start", "--port", "0", ...(options.args ?? [])];
  const [file, argv] = command(options, args);
  const proc = spawn(file, argv, {
    env,
    cwd: options.cwd ?? AGENT_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (d) => (stdout += d));
  proc.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const deadline = setTimeout(
      () => reject(new Error(`agent did not start in time\nstdout: ${stdout}\nstderr: ${stderr}`)),
      options.timeoutMs ?? 30_000,
    );
    const check = () => {
      const m = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) {
        clearTimeout(deadline);
        resolve(Number(m[1]));
      }
    };
    proc.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(deadline);
      reject(new Error(`agent exited (${code}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    return exited;
  };
  return {
    proc,
    port,
    home,
    paths,
    env,
    stdout: () => stdout,
    stderr: () => stderr,
    openPairing: async () =>
      (await controlRequest<{ code: string }>(paths, "pair.open", { args: { wait: false } })).code,
    status: () => controlRequest<AgentStatus>(paths, "status"),
    stop,
    close: async () => {
      await stop();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}
