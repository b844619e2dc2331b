/**
 * Where the agent keeps its per-user files. One agent runs per user (instance-lock.ts), so every path here is
 * inside that user's own profile and nothing is shared between users of a terminal server (anchors.md §3,
 * Autogram#322: RDS/Citrix practices run one agent per user).
 *
 * | OS      | config (pairings, agent key, config.json) | state (lock, state.json, control token) | logs                     |
 * |---------|-------------------------------------------|------------------------------------------|--------------------------|
 * | Linux   | $XDG_CONFIG_HOME/cps-bridge (~/.config)   | $XDG_STATE_HOME/cps-bridge (~/.local/state) | <state>/logs          |
 * | macOS   | ~/Library/Application Support/cps-bridge  | same as config                           | ~/Library/Logs/cps-bridge |
 * | Windows | %APPDATA%\cps-bridge                      | %LOCALAPPDATA%\cps-bridge                | %LOCALAPPDATA%\cps-bridge\logs |
 *
 * `CPS_BRIDGE_HOME` puts all of them under one directory (tests, portable installs).
 * The control channel (bridge/control-channel.ts) is a Unix socket in `runtimeDir` (Linux: $XDG_RUNTIME_DIR,
 * a tmpfs only this user can enter) or, on Windows, a named pipe whose name is derived from the user profile.
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";

export interface AgentPaths {
  configDir: string;
  stateDir: string;
  logDir: string;
  /** Directory of the control socket (POSIX). */
  runtimeDir: string;
  /**
   * Where `cps-bridge install` copies the self-contained executable and its addons (service/install-agent.ts):
   * Linux $XDG_DATA_HOME/cps-bridge (~/.local/share), macOS <config>/program, Windows %LOCALAPPDATA%\Programs\cps-bridge.
   */
  programDir: string;
  /** `config.json`: port, extra allowed origins, limits. Optional. */
  configFile: string;
  /** Paired clients (mode 0600). */
  pairingsFile: string;
  /** The agent's own P-256 key pair (mode 0600), created once. */
  agentKeyFile: string;
  /** The mailbox watched for the e-mailed login code: host, port, user, senders (mode 0600; no password). */
  mailboxFile: string;
  /** The mailbox password where no OS credential store runs (mode 0600; otp/credentials.ts). */
  mailboxSecretFile: string;
  /** One-agent-per-user lock: pid of the running agent. */
  lockFile: string;
  /** What the running agent publishes for `cps-bridge status` (port, test mode, pid). */
  stateFile: string;
  /** Secret the CLI presents on the control channel (mode 0600, new at each agent start). */
  controlTokenFile: string;
  /** Unix socket path, or Windows named pipe name. */
  controlEndpoint: string;
  logFile: string;
}

export interface PathOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

const APP = "cps-bridge";

export function agentPaths(options: PathOptions = {}): AgentPaths {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  const sep = platform === "win32" ? "\\" : "/";
  const j = (...parts: string[]) => (platform === process.platform ? join(...parts) : parts.join(sep));

  let configDir: string;
  let stateDir: string;
  let logDir: string;
  let runtimeDir: string;
  let programDir: string;
  const override = env.CPS_BRIDGE_HOME;
  if (override) {
    configDir = j(override, "config");
    stateDir = j(override, "state");
    logDir = j(override, "logs");
    runtimeDir = j(override, "run");
    programDir = j(override, "program");
  } else if (platform === "win32") {
    const appData = env.APPDATA || j(home, "AppData", "Roaming");
    const localAppData = env.LOCALAPPDATA || j(home, "AppData", "Local");
    configDir = j(appData, APP);
    stateDir = j(localAppData, APP);
    logDir = j(stateDir, "logs");
    runtimeDir = stateDir;
    programDir = j(localAppData, "Programs", APP);
  } else if (platform === "darwin") {
    configDir = j(home, "Library", "Application Support", APP);
    stateDir = configDir;
    logDir = j(home, "Library", "Logs", APP);
    runtimeDir = configDir;
    programDir = j(configDir, "program");
  } else {
    configDir = j(env.XDG_CONFIG_HOME || j(home, ".config"), APP);
    stateDir = j(env.XDG_STATE_HOME || j(home, ".local", "state"), APP);
    logDir = j(stateDir, "logs");
    // XDG_RUNTIME_DIR is per user and mode 0700 by spec; without it (no logind) fall back to the state dir.
    runtimeDir = env.XDG_RUNTIME_DIR ? j(env.XDG_RUNTIME_DIR, APP) : stateDir;
    programDir = j(env.XDG_DATA_HOME || j(home, ".local", "share"), APP);
  }

  const controlEndpoint =
    platform === "win32"
      ? // Named pipes live in one machine-wide namespace: the name is derived from the profile so two users of a
        // terminal server never collide; access is still guarded by the token file (control-channel.ts).
        `\\\\.\\pipe\\${APP}-${createHash("sha256")
          .update(`${safeUsername()}\0${home}\0${configDir}`)
          .digest("hex")
          .slice(0, 24)}`
      : j(runtimeDir, "control.sock");

  return {
    configDir,
    stateDir,
    logDir,
    runtimeDir,
    programDir,
    configFile: j(configDir, "config.json"),
    pairingsFile: j(configDir, "pairings.json"),
    agentKeyFile: j(configDir, "agent-key.json"),
    mailboxFile: j(configDir, "mailbox.json"),
    mailboxSecretFile: j(configDir, "mailbox-secret.json"),
    lockFile: j(stateDir, "agent.lock"),
    stateFile: j(stateDir, "state.json"),
    controlTokenFile: j(stateDir, "control.token"),
    controlEndpoint,
    logFile: j(logDir, "agent.log"),
  };
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return "";
  }
}

/** Creates the agent's directories, private to the user (0700 on POSIX; Windows profiles are user-only already). */
export function ensureAgentDirs(paths: AgentPaths): void {
  for (const dir of new Set([paths.configDir, paths.stateDir, paths.logDir, paths.runtimeDir])) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== "win32") chmodSync(dir, 0o700);
  }
}
