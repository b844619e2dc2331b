/**
 * stopAgent's fallbacks with real processes standing in for a hung agent (one that holds the lock but never answers
 * its control channel): SIGTERM ends it; one that ignores SIGTERM is reported as ERR_AGENT_STOP_FAILED with its pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agentPaths } from "../paths";
import { stopAgent } from "./stop-agent";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function hungAgent(script: string): { paths: ReturnType<typeof agentPaths>; proc: ChildProcess } {
  const home = mkdtempSync(join(tmpdir(), "cps-bridge-stop-"));
  const paths = agentPaths({ env: { CPS_BRIDGE_HOME: home } });
  const proc = spawn("/bin/sh", ["-c", script], { stdio: "ignore" });
  cleanup.push(() => {
    proc.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });
  mkdirSync(paths.stateDir, { recursive: true });
  writeFileSync(paths.lockFile, JSON.stringify({ pid: proc.pid, startedAt: new Date().toISOString() }));
  return { paths, proc };
}

describe("stopAgent", () => {
  it("says not running when no lock and no control channel", async () => {
    const home = mkdtempSync(join(tmpdir(), "cps-bridge-stop-"));
    cleanup.push(() => rmSync(home, { recursive: true, force: true }));
    expect(await stopAgent(agentPaths({ env: { CPS_BRIDGE_HOME: home } }))).toEqual({ wasRunning: false });
  });

  it("sends SIGTERM to the lock's pid when the control channel does not answer", async () => {
    const { paths, proc } = hungAgent("exec sleep 30");
    const exited = new Promise((r) => proc.on("exit", (_c, signal) => r(signal)));
    expect(await stopAgent(paths, { timeoutMs: 5000 })).toEqual({ wasRunning: true, pid: proc.pid, via: "signal" });
    expect(await exited).toBe("SIGTERM");
  });

  it("reports ERR_AGENT_STOP_FAILED with the pid when the process outlives SIGTERM", async () => {
    const { paths, proc } = hungAgent("trap '' TERM; while :; do sleep 1; done");
    await new Promise((r) => setTimeout(r, 100)); // let the shell install its trap
    await expect(stopAgent(paths, { timeoutMs: 300 })).rejects.toMatchObject({
      code: "ERR_AGENT_STOP_FAILED",
      details: { pid: proc.pid },
    });
  });
});
