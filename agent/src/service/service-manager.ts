/**
 * The OS's per-user service manager, behind one interface: systemd user units (Linux), LaunchAgents (macOS), the
 * HKCU Run value (Windows). `register` writes the definition and arms it for the next logon; `startNow` starts it in
 * this session when a manager answers; `unregister` undoes `register`. Commands run through `Run` (execFile; unit
 * tests give a fake, the integration test the real `systemctl`).
 *
 * Measured here (no systemd as PID 1, as in CI and containers): `systemctl --user enable`/`disable`/`is-enabled`
 * work without a running user manager (they edit ~/.config/systemd/user), while `daemon-reload`/`restart` fail with
 * "Failed to connect to bus". Install therefore always enables, and starts only when the manager answers.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { writePrivateFileAtomic } from "../bridge/secure-file";
import { LAUNCHD_LABEL, launchAgentFile, launchAgentPlist } from "./launchd";
import { checkDefinition, type ServiceDefinition } from "./service-definition";
import { SYSTEMD_UNIT, systemdUnitFile, systemdUnitText } from "./systemd";
import { RUN_KEY, RUN_VALUE_NAME, regAddArgs, regDeleteArgs, regQueryArgs, windowsRunValue } from "./windows-run";

export interface RunResult {
  /** Exit code; null when killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program does not exist (ENOENT). */
  missing?: boolean;
}

export type Run = (file: string, args: string[], env?: NodeJS.ProcessEnv) => Promise<RunResult>;

export const execRun: Run = (file, args, env) =>
  new Promise((resolve) => {
    execFile(file, args, { env: env ?? process.env, timeout: 30_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
      if (e && e.code === "ENOENT") resolve({ code: null, stdout: "", stderr: "", missing: true });
      else resolve({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout, stderr });
    });
  });

export type ServiceKind = "systemd" | "launchd" | "windows-run";

export interface Reachable {
  ok: boolean;
  /** Why not (the manager's first line). */
  reason?: string;
}

export interface ServiceManager {
  readonly kind: ServiceKind;
  /** Where the definition lives: a file, or the registry value. */
  readonly location: string;
  /** Refuses early (ERR_SERVICE_UNSUPPORTED) when this machine has no such manager. */
  check(): Promise<void>;
  register(def: ServiceDefinition): Promise<void>;
  /** Does a service manager answer in this session (so that `startNow` can work)? */
  reachable(): Promise<Reachable>;
  /** Starts, or restarts, the registered service now. */
  startNow(def: ServiceDefinition): Promise<void>;
  /** Stops the service through its manager when it runs under it, so it is not restarted; never throws. */
  stopService(): Promise<void>;
  /** Undoes `register`; returns what it removed. Never fails on "not installed". */
  unregister(): Promise<string[]>;
  isRegistered(): Promise<boolean>;
}

export interface ManagerOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home: string;
  run?: Run;
  /** macOS: the GUI domain's uid. */
  uid?: number;
}

function firstLine(r: RunResult): string {
  return (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
}

function failed(step: string, detail: string, path?: string): BridgeError {
  return new BridgeError("ERR_SERVICE_INSTALL_FAILED", `${step}: ${detail}`, {
    step,
    output: detail,
    ...(path ? { path } : {}),
  });
}

function writeDefinition(file: string, text: string, step: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writePrivateFileAtomic(file, text);
  } catch (e) {
    throw failed(step, (e as Error).message, file);
  }
}

/** Removes `dir` and then its parents up to (not including) `stop`, as long as they are empty. */
function removeEmptyDirs(dir: string, stop: string): void {
  for (let d = dir; d !== stop && d.startsWith(stop) && existsSync(d); d = dirname(d)) {
    if (readdirSync(d).length > 0) return;
    rmdirSync(d);
  }
}

class SystemdManager implements ServiceManager {
  readonly kind = "systemd" as const;
  readonly location: string;
  constructor(
    private readonly o: Required<Pick<ManagerOptions, "env" | "home" | "run">>,
    private readonly configHome = o.env.XDG_CONFIG_HOME || `${o.home}/.config`,
  ) {
    this.location = systemdUnitFile(o.env, o.home);
  }

  private systemctl(...args: string[]): Promise<RunResult> {
    return this.o.run("systemctl", ["--user", ...args], this.o.env);
  }

  async check(): Promise<void> {
    const r = await this.systemctl("--version");
    if (r.missing) throw new BridgeError("ERR_SERVICE_UNSUPPORTED", "systemctl not found: no systemd here");
  }

  async register(def: ServiceDefinition): Promise<void> {
    checkDefinition(def, "linux");
    writeDefinition(this.location, systemdUnitText(def), "unit");
    const r = await this.systemctl("enable", SYSTEMD_UNIT);
    if (r.code !== 0) throw failed("systemctl enable", firstLine(r), this.location);
  }

  async reachable(): Promise<Reachable> {
    // daemon-reload also makes a running manager read the new unit.
    const reload = await this.systemctl("daemon-reload");
    return reload.code === 0 ? { ok: true } : { ok: false, reason: firstLine(reload) };
  }

  async startNow(): Promise<void> {
    // restart = start when stopped; a previous version's agent is replaced by the new program.
    const r = await this.systemctl("restart", SYSTEMD_UNIT);
    if (r.code !== 0) throw failed("systemctl restart", firstLine(r), this.location);
  }

  async stopService(): Promise<void> {
    await this.systemctl("stop", SYSTEMD_UNIT);
  }

  async unregister(): Promise<string[]> {
    const removed: string[] = [];
    if (existsSync(this.location)) {
      await this.systemctl("disable", SYSTEMD_UNIT);
      rmSync(this.location, { force: true });
      removed.push(this.location);
      await this.systemctl("daemon-reload");
    }
    removeEmptyDirs(dirname(this.location), this.configHome);
    return removed;
  }

  async isRegistered(): Promise<boolean> {
    return existsSync(this.location);
  }
}

class LaunchdManager implements ServiceManager {
  readonly kind = "launchd" as const;
  readonly location: string;
  private readonly domain: string;
  constructor(private readonly o: Required<Pick<ManagerOptions, "env" | "home" | "run">> & { uid: number }) {
    this.location = launchAgentFile(o.home);
    this.domain = `gui/${o.uid}`;
  }

  async check(): Promise<void> {}

  async register(def: ServiceDefinition): Promise<void> {
    checkDefinition(def, "darwin");
    writeDefinition(this.location, launchAgentPlist(def), "plist");
  }

  async reachable(): Promise<Reachable> {
    const r = await this.o.run("launchctl", ["print", this.domain]);
    return r.code === 0 ? { ok: true } : { ok: false, reason: firstLine(r) };
  }

  async startNow(): Promise<void> {
    await this.o.run("launchctl", ["bootout", `${this.domain}/${LAUNCHD_LABEL}`]);
    const r = await this.o.run("launchctl", ["bootstrap", this.domain, this.location]);
    if (r.code !== 0) throw failed("launchctl bootstrap", firstLine(r), this.location);
  }

  async stopService(): Promise<void> {
    await this.o.run("launchctl", ["bootout", `${this.domain}/${LAUNCHD_LABEL}`]);
  }

  async unregister(): Promise<string[]> {
    if (!existsSync(this.location)) return [];
    await this.stopService();
    rmSync(this.location, { force: true });
    return [this.location];
  }

  async isRegistered(): Promise<boolean> {
    return existsSync(this.location);
  }
}

class WindowsRunManager implements ServiceManager {
  readonly kind = "windows-run" as const;
  readonly location = `${RUN_KEY}\\${RUN_VALUE_NAME}`;
  constructor(private readonly o: Required<Pick<ManagerOptions, "env" | "home" | "run">>) {}

  async check(): Promise<void> {
    if (this.o.env.CPS_BRIDGE_HOME)
      throw new BridgeError("ERR_SERVICE_UNSUPPORTED", "a Run value carries no environment (CPS_BRIDGE_HOME)");
  }

  async register(def: ServiceDefinition): Promise<void> {
    checkDefinition(def, "win32");
    const r = await this.o.run("reg", regAddArgs(windowsRunValue(def, this.o.env.SystemRoot || "C:\\Windows")));
    if (r.code !== 0) throw failed("reg add", firstLine(r));
  }

  async reachable(): Promise<Reachable> {
    return { ok: true };
  }

  async startNow(def: ServiceDefinition): Promise<void> {
    const [file, ...args] = def.argv as [string, ...string[]];
    try {
      spawn(file, args, { detached: true, stdio: "ignore", windowsHide: true, env: this.o.env }).unref();
    } catch (e) {
      throw failed("start", (e as Error).message);
    }
  }

  async stopService(): Promise<void> {}

  async unregister(): Promise<string[]> {
    if (!(await this.isRegistered())) return [];
    const r = await this.o.run("reg", regDeleteArgs());
    if (r.code !== 0) throw failed("reg delete", firstLine(r));
    return [this.location];
  }

  async isRegistered(): Promise<boolean> {
    return (await this.o.run("reg", regQueryArgs())).code === 0;
  }
}

export function serviceManagerFor(options: ManagerOptions): ServiceManager {
  const platform = options.platform ?? process.platform;
  const o = { env: options.env ?? process.env, home: options.home, run: options.run ?? execRun };
  if (platform === "linux") return new SystemdManager(o);
  if (platform === "darwin") return new LaunchdManager({ ...o, uid: options.uid ?? process.getuid?.() ?? 501 });
  if (platform === "win32") return new WindowsRunManager(o);
  throw new BridgeError("ERR_SERVICE_UNSUPPORTED", `no per-user service manager for ${platform}`);
}
