/**
 * Real Linux users for the per-user port tests (two-users.itest.ts): created with `useradd` (own HOME under a
 * temporary directory), commands run as them with `setpriv` (a clean environment from their passwd entry, no root
 * variable leaking in), removed with `userdel`. Needs root; CI runs as root.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LinuxUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

export class LinuxUsers {
  readonly dir: string;
  readonly users: LinuxUser[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "cpsb-users-"));
    chmodSync(this.dir, 0o755);
  }

  /** `useradd` a user whose HOME is `<dir>/<suffix>` (mode 0700, owned by them). */
  create(suffix: string): LinuxUser {
    const name = `cpsb${suffix}${process.pid % 100_000}`;
    const home = join(this.dir, suffix);
    execFileSync("useradd", ["--create-home", "--home-dir", home, "--shell", "/bin/sh", "--user-group", name]);
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
    const user = { name, uid, gid, home };
    this.users.push(user);
    return user;
  }

  /** Removes the users (their processes must have been stopped) and their homes. */
  cleanup(): void {
    for (const u of this.users.splice(0)) {
      try {
        execFileSync("userdel", ["--remove", u.name], { stdio: "ignore" });
      } catch {
        /* already gone, or a process of theirs still runs: the directory goes below anyway */
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `setpriv` argv prefix running a command as `user` with the environment of a login (HOME, USER, PATH). */
export function asUser(user: LinuxUser): string[] {
  return ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--init-groups", "--reset-env", "--"];
}

/** Spawns `argv` as `user`; setpriv execs, so the child's pid is the command's own (SIGTERM reaches it). */
export function spawnAs(user: LinuxUser, argv: string[], cwd: string): ChildProcess {
  const [cmd, ...args] = [...asUser(user), ...argv] as [string, ...string[]];
  return spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: {} });
}

/** Runs `argv` as `user` to completion. */
export function runAs(
  user: LinuxUser,
  argv: string[],
  cwd: string,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawnAs(user, argv, cwd);
    let stdout = "";
    let stderr = "";
    p.stdout?.on("data", (d) => (stdout += d));
    p.stderr?.on("data", (d) => (stderr += d));
    const t = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", reject);
    p.on("exit", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}
