import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AlreadyRunningError, acquireInstanceLock, isProcessAlive } from "./instance-lock";

const dir = () => mkdtempSync(join(tmpdir(), "cps-lock-"));

/** A pid that certainly does not run: a child that already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

describe("instance lock", () => {
  it("is taken once, with mode 0600 and our pid, and released", () => {
    const path = join(dir(), "agent.lock");
    const lock = acquireInstanceLock(path);
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).toBe(0o600);
    lock.release();
    expect(() => statSync(path)).toThrow();
    lock.release(); // idempotent
  });

  it("refuses a second agent while the owner runs", () => {
    const path = join(dir(), "agent.lock");
    // The "owner" is a live process other than us: our parent (the vitest runner) is alive.
    writeFileSync(path, JSON.stringify({ pid: process.ppid, startedAt: "x" }));
    expect(() => acquireInstanceLock(path)).toThrow(AlreadyRunningError);
    try {
      acquireInstanceLock(path);
    } catch (e) {
      expect((e as AlreadyRunningError).pid).toBe(process.ppid);
    }
  });

  it("takes over a stale lock whose pid is dead, and a torn lock file", () => {
    const path = join(dir(), "agent.lock");
    const pid = deadPid();
    expect(isProcessAlive(pid)).toBe(false);
    writeFileSync(path, JSON.stringify({ pid, startedAt: "x" }));
    const lock = acquireInstanceLock(path);
    expect(lock.info.pid).toBe(process.pid);
    lock.release();
    writeFileSync(path, "{not json");
    acquireInstanceLock(path).release();
  });

  it("does not remove a lock that another process took after us", () => {
    const path = join(dir(), "agent.lock");
    const lock = acquireInstanceLock(path);
    writeFileSync(path, JSON.stringify({ pid: process.ppid, startedAt: "y" }));
    lock.release();
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.ppid);
  });
});
