/**
 * `cps-bridge install`: makes this user's agent start at every logon, and starts it now.
 *
 * 1. The program. The self-contained executable (a SEA, agent/scripts/package.mjs) is copied with the addons beside
 *    it into the per-user program directory (paths.ts `programDir`), so the doctor may delete the download; a newer
 *    install replaces it (each file written beside, then renamed over: a running old copy keeps its inode). The
 *    bundle or the development launcher (`node <script>`) is not copied: the service runs it where it is.
 * 2. The service definition (service-manager.ts): systemd user unit, LaunchAgent, or HKCU Run value, armed for the
 *    next logon.
 * 3. Now: when the service manager answers in this session, an agent already running (an older version, or one
 *    started by hand) is stopped and the service started; then the command waits until the agent answers `status`.
 *    Without a reachable manager (a session without systemd's user manager), the install is still complete and the
 *    agent starts at the next logon; `--no-start` asks for exactly that.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BridgeError } from "@cps-bridge/protocol/errors";
import type { AgentStatus } from "../bridge/agent-runtime";
import { controlRequest } from "../bridge/control-client";
import type { AgentPaths } from "../paths";
import type { SelfCommand } from "./self-command";
import { type ServiceDefinition, serviceEnv } from "./service-definition";
import type { ServiceKind, ServiceManager } from "./service-manager";
import { stopAgent } from "./stop-agent";

export interface InstallOptions {
  paths: AgentPaths;
  manager: ServiceManager;
  self: SelfCommand;
  env: NodeJS.ProcessEnv;
  version: string;
  /** Start the agent now (default true). */
  start?: boolean;
  /** How long to wait for the started agent to answer (default 15 s). */
  answerTimeoutMs?: number;
}

export interface InstallResult {
  kind: ServiceKind;
  /** The service file or registry value. */
  location: string;
  /** What the service runs. */
  argv: string[];
  /** Files copied into the program directory (empty when the program runs in place). */
  copied: string[];
  started: boolean;
  /** Why it was not started now. */
  notStartedReason?: "no-start" | "no-manager";
  managerMessage?: string;
  /** The port of the started agent. */
  port?: number;
}

/** The files of a self-contained install: the executable, the N-API addons and the licence texts beside it. */
export function programFiles(exe: string): string[] {
  const dir = dirname(exe);
  const name = basename(exe);
  return readdirSync(dir)
    .filter((f) => f === name || f.endsWith(".node") || f.endsWith(".LEGAL.txt") || f === "NODE-LICENSE.txt")
    .sort();
}

function copyProgram(exe: string, programDir: string): { program: string; copied: string[] } {
  const source = dirname(resolve(exe));
  const program = join(programDir, basename(exe));
  if (resolve(programDir) === source) return { program, copied: [] };
  const files = programFiles(exe);
  try {
    mkdirSync(programDir, { recursive: true, mode: 0o700 });
    // Addons of a previous version carry other hashes in their names: drop what the new copy does not have.
    for (const f of readdirSync(programDir))
      if (!files.includes(f) && (f.endsWith(".node") || f.endsWith(".txt"))) rmSync(join(programDir, f));
    for (const f of files) {
      const target = join(programDir, f);
      const partial = `${target}.new-${process.pid}`;
      copyFileSync(join(source, f), partial);
      if (f === basename(exe)) chmodSync(partial, 0o755);
      renameSync(partial, target);
    }
  } catch (e) {
    throw new BridgeError("ERR_SERVICE_INSTALL_FAILED", `copy: ${(e as Error).message}`, {
      step: "copy",
      output: (e as Error).message,
      path: programDir,
    });
  }
  return { program, copied: files.map((f) => join(programDir, f)) };
}

async function waitAnswering(paths: AgentPaths, timeoutMs: number): Promise<AgentStatus | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      return await controlRequest<AgentStatus>(paths, "status", { timeoutMs: 2000 });
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return undefined;
}

export async function installAgent(o: InstallOptions): Promise<InstallResult> {
  await o.manager.check();
  let argv: string[];
  let copied: string[] = [];
  if (o.self.standalone) {
    const c = copyProgram(o.self.file, o.paths.programDir);
    argv = [c.program, "start"];
    copied = c.copied;
  } else {
    if (o.self.prefix.length === 0 || !existsSync(o.self.prefix[0] as string))
      throw new BridgeError("ERR_SERVICE_INSTALL_FAILED", "the running agent's script was not found", {
        step: "definition",
      });
    argv = [o.self.file, ...o.self.prefix, "start"];
  }
  const def: ServiceDefinition = { argv, env: serviceEnv(o.env), logDir: o.paths.logDir, version: o.version };
  mkdirSync(o.paths.logDir, { recursive: true, mode: 0o700 });
  await o.manager.register(def);
  const base = { kind: o.manager.kind, location: o.manager.location, argv, copied };
  if (o.start === false) return { ...base, started: false, notStartedReason: "no-start" };

  // The service manager must answer before anything running is stopped: without it, the running agent stays.
  const reach = await o.manager.reachable();
  if (!reach.ok)
    return {
      ...base,
      started: false,
      notStartedReason: "no-manager",
      ...(reach.reason ? { managerMessage: reach.reason } : {}),
    };
  // An agent started by hand (or an older version) holds the lock and the port: stop it, then start the service.
  await stopAgent(o.paths);
  await o.manager.startNow(def);
  const status = await waitAnswering(o.paths, o.answerTimeoutMs ?? 15_000);
  if (!status)
    throw new BridgeError("ERR_SERVICE_INSTALL_FAILED", "the service started but the agent does not answer", {
      step: "first start",
      path: o.paths.logFile,
    });
  return { ...base, started: true, port: status.port };
}
