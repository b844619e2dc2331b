/**
 * Stops this user's running agent: first by the control channel's `stop` (a clean stop on every OS: sockets closed
 * with 1001, lock and state removed), then — when it does not answer or does not exit in time — by SIGTERM to the
 * pid of the lock file (POSIX; the agent's handler makes that a clean stop too). Waits until the process is gone.
 * Used by `cps-bridge stop`, and by `install`/`uninstall` before they replace or remove the program.
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { controlRequest } from "../bridge/control-client";
import { isProcessAlive, readLock } from "../instance-lock";
import type { AgentPaths } from "../paths";

export interface StopResult {
  /** An agent of this user was running. */
  wasRunning: boolean;
  pid?: number;
  /** How it was stopped. */
  via?: "control" | "signal";
}

export interface StopOptions {
  /** How long to wait for the process to exit after each attempt (default 10 s). */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isProcessAlive(pid);
}

export async function stopAgent(paths: AgentPaths, options: StopOptions = {}): Promise<StopResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const platform = options.platform ?? process.platform;
  const lock = readLock(paths.lockFile);
  const pid = lock && isProcessAlive(lock.pid) ? lock.pid : undefined;
  let asked = false;
  try {
    await controlRequest(paths, "stop", { timeoutMs: 3000 });
    asked = true;
  } catch {
    // Not answering: not running, or hung (then the signal below).
  }
  if (pid === undefined) return asked ? { wasRunning: true, via: "control" } : { wasRunning: false };
  if (asked && (await waitGone(pid, timeoutMs))) return { wasRunning: true, pid, via: "control" };
  if (platform !== "win32") {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* gone meanwhile, or not ours (EPERM): the wait below tells */
    }
    if (await waitGone(pid, timeoutMs)) return { wasRunning: true, pid, via: "signal" };
  }
  throw new BridgeError("ERR_AGENT_STOP_FAILED", `the agent (pid ${pid}) is still running`, { pid });
}
