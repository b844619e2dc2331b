/**
 * `cps-bridge uninstall`: stops this user's agent, removes its service definition, the mailbox password it put in
 * the OS credential store, the copied program and every per-user file (pairings, agent key, settings, state), and
 * keeps only the logs unless `purge` (then they go too). Nothing is left of a failed step silently: what could not be
 * removed (a file in use on Windows) is returned in `left`.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import pino from "pino";
import { credentialAccount, openCredentialStore } from "../otp/credentials";
import { loadMailboxSettings } from "../otp/settings";
import type { AgentPaths } from "../paths";
import type { ServiceManager } from "./service-manager";
import { stopAgent } from "./stop-agent";

export interface UninstallOptions {
  paths: AgentPaths;
  /** Absent where no service manager is supported: the files are still removed. */
  manager?: ServiceManager;
  /** Remove the logs too. */
  purge?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface UninstallResult {
  /** Whether an agent was running and was stopped. */
  stopped: boolean;
  /** Service definition(s) removed. */
  service: string[];
  /** Directories or files removed. */
  removed: string[];
  /** Kept on purpose (the logs). */
  kept: string[];
  /** Could not be removed, with the reason (`keyring:cps-bridge`: the credential store entry). */
  left: { path: string; reason: string }[];
  /** The mailbox password was deleted from the OS credential store (or its fallback file). */
  mailboxPassword: "removed" | "absent";
}

function inside(child: string, parent: string): boolean {
  const r = relative(resolve(parent), resolve(child));
  return r !== "" && !r.startsWith("..") && !r.startsWith(sep);
}

/** Removes `dir` except the paths of `keep` inside it (and their parents). */
function removeExcept(dir: string, keep: string[], out: UninstallResult): void {
  if (!existsSync(dir)) return;
  const kept = keep.filter((k) => inside(k, dir) || resolve(k) === resolve(dir));
  if (kept.some((k) => resolve(k) === resolve(dir))) return;
  if (kept.length === 0) {
    try {
      rmSync(dir, { recursive: true, force: true });
      out.removed.push(dir);
    } catch (e) {
      out.left.push({ path: dir, reason: (e as Error).message });
    }
    return;
  }
  for (const name of readdirSync(dir)) removeExcept(join(dir, name), kept, out);
}

export async function uninstallAgent(o: UninstallOptions): Promise<UninstallResult> {
  const p = o.paths;
  const out: UninstallResult = {
    stopped: false,
    service: [],
    removed: [],
    kept: [],
    left: [],
    mailboxPassword: "absent",
  };
  // Stop first: through the manager (so it does not restart the agent), then the agent itself (started by hand).
  await o.manager?.stopService();
  out.stopped = (await stopAgent(p)).wasRunning;

  if (o.manager) out.service = await o.manager.unregister();

  // The mailbox password, when the agent put it in the OS credential store (otp/credentials.ts).
  try {
    const mailbox = loadMailboxSettings(p.mailboxFile);
    if (mailbox) {
      const store = await openCredentialStore({
        file: p.mailboxSecretFile,
        testMode: false,
        log: pino({ level: "silent" }),
      });
      await store.delete(credentialAccount(mailbox));
      out.mailboxPassword = "removed";
    }
  } catch (e) {
    out.left.push({ path: "keyring:cps-bridge", reason: isBridgeError(e) ? e.code : (e as Error).message });
  }

  const keep = o.purge ? [] : [p.logDir];
  for (const dir of new Set([p.programDir, p.configDir, p.runtimeDir, p.stateDir, p.logDir]))
    removeExcept(dir, keep, out);
  if (!o.purge && existsSync(p.logDir)) out.kept.push(p.logDir);
  // CPS_BRIDGE_HOME: the directory itself once empty.
  const home = (o.env ?? process.env).CPS_BRIDGE_HOME;
  if (home && existsSync(home) && readdirSync(home).length === 0) {
    rmdirSync(home);
    out.removed.push(home);
  }
  return out;
}
