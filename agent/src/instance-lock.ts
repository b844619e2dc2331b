/**
 * One agent per user. The lock is a file created exclusively (`wx`, mode 0600) holding the owner's pid. A lock whose
 * pid no longer runs (the agent crashed or the machine lost power) is stale and taken over.
 *
 * Limits, on purpose: a stale pid reused by an unrelated process makes the lock look held (the user then sees
 * "déjà en cours (pid N)" and can delete the file; `cps-bridge status` shows it too). Two agents started in the same
 * millisecond could both judge one stale lock stale; the second one then still fails to bind the control socket
 * or the port, so two agents never serve together.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { BridgeError } from "@cps-bridge/protocol/errors";

export interface LockInfo {
  pid: number;
  startedAt: string;
}

export interface InstanceLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

export class AlreadyRunningError extends Error {
  constructor(readonly pid: number) {
    super(`cps-bridge est déjà en cours d'exécution pour cet utilisateur (pid ${pid}).`);
    this.name = "AlreadyRunningError";
  }
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else — alive as far as the lock is concerned.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readLock(path: string): LockInfo | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const x = JSON.parse(text) as Partial<LockInfo>;
    if (typeof x.pid === "number") return { pid: x.pid, startedAt: String(x.startedAt ?? "") };
  } catch {
    /* a torn or foreign file: treated as stale below */
  }
  return { pid: -1, startedAt: "" };
}

/** Takes the lock or throws AlreadyRunningError. */
export function acquireInstanceLock(path: string, pid = process.pid): InstanceLock {
  const info: LockInfo = { pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      try {
        writeSync(fd, `${JSON.stringify(info)}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        path,
        info,
        release() {
          if (released) return;
          released = true;
          if (readLock(path)?.pid === pid) rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const held = readLock(path);
    if (held && held.pid !== pid && isProcessAlive(held.pid)) throw new AlreadyRunningError(held.pid);
    // Stale (dead pid, torn file, or our own pid from a previous life): move it aside, then retry the exclusive
    // create. Renaming (not unlinking) means only one of two racing starters removes this particular file.
    try {
      const aside = `${path}.stale-${process.pid}-${Date.now()}`;
      renameSync(path, aside);
      rmSync(aside, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  throw new BridgeError("ERR_INTERNAL", `could not take the instance lock ${path}`);
}
