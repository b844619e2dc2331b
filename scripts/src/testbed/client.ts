/**
 * Client of the test bench daemon (daemon.ts): the process that holds the virtual cards between CLI calls, so that
 * cards outlive `cps-testbed insert`. Used by the CLI and by the Puppeteer kit.
 *
 * The daemon listens on 127.0.0.1 (random port) and requires `Authorization: Bearer <token>`; both are in the
 * state file `<state dir>/daemon.json` (mode 0600), which only the user who ran `cps-testbed up` can read.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ReaderListing } from "./card-host";
import type { CardOptions, HolderOptions, ProfileName } from "./cards/virtual-card";
import {
  isOurPcscd,
  processAlive,
  type ReaderSet,
  type ReaderSlot,
  TestbedError,
  type TestbedErrorCode,
} from "./pcscd";
import { testbedStateDir } from "./pki";
import type { GarbleMode, MuteStyle } from "./vpcd-link";

export const DAEMON_SCRIPT = fileURLToPath(new URL("./daemon.ts", import.meta.url));

/** What `cps-testbed up` prints (one JSON line) and `GET /v1/status` answers. */
export interface TestbedStatus {
  readers: ReaderSlot[];
  controlUrl: string;
  pcscd: { pid: number | null; startedByUs: boolean; readerSet: ReaderSet; logPath: string };
  /** True when cards connect through the loopback quickack route (127.0.0.2): ~0.35 ms APDUs instead of ~44 ms. */
  quickack: boolean;
  cardHost: string;
  /** PEM file of the test PKI's root and intermediate CA. */
  trustAnchorsPath: string;
  stateDir: string;
  daemonPid: number;
  daemonLogPath: string;
}

/** The state file: the status plus the control token. */
export interface DaemonState extends TestbedStatus {
  version: 1;
  token: string;
  startedAt: string;
}

/** Insert options over the wire: dates as ISO strings. */
export interface RemoteInsertOptions extends Omit<CardOptions, "notBefore" | "notAfter"> {
  holder?: HolderOptions;
  notBefore?: string;
  notAfter?: string;
  mute?: MuteStyle;
  wait?: boolean;
  timeoutMs?: number;
}

/** A card as the daemon reports it after insert/swap. */
export interface RemoteCard {
  reader: ReaderSlot;
  profile: string;
  atr: string | null;
  triesLeft: number | null;
}

export function daemonStatePath(stateDir: string = testbedStateDir()): string {
  return join(stateDir, "daemon.json");
}

/** The state file, if any (the daemon may be dead: see {@link liveDaemon}). */
export function readDaemonState(stateDir: string = testbedStateDir()): DaemonState | undefined {
  try {
    return JSON.parse(readFileSync(daemonStatePath(stateDir), "utf8")) as DaemonState;
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs our daemon script (guards against pid reuse before we signal it). */
export function isDaemonProcess(pid: number): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return processAlive(pid) && cmd.includes(DAEMON_SCRIPT);
  } catch {
    return false;
  }
}

/** The running daemon's state, or undefined when none runs for this state directory. */
export function liveDaemon(stateDir: string = testbedStateDir()): DaemonState | undefined {
  const st = readDaemonState(stateDir);
  return st && isDaemonProcess(st.daemonPid) ? st : undefined;
}

interface ApiAnswer<T> {
  ok: boolean;
  result?: T;
  error?: { code: TestbedErrorCode; message: string; fix?: string };
}

/** Talks to a running daemon. Every method rejects with a {@link TestbedError} carrying the daemon's code. */
export class TestbedClient {
  constructor(
    readonly controlUrl: string,
    private readonly token: string,
  ) {}

  /** The client of the daemon running for this state directory; ERR_TESTBED_NOT_RUNNING when there is none. */
  static fromStateDir(stateDir: string = testbedStateDir()): TestbedClient {
    const st = liveDaemon(stateDir);
    if (!st) {
      throw new TestbedError(
        "ERR_TESTBED_NOT_RUNNING",
        `The test bench is not running (no live daemon for ${stateDir}).`,
        "Start it: `npx cps-testbed up`.",
      );
    }
    return new TestbedClient(st.controlUrl, st.token);
  }

  status(): Promise<TestbedStatus & { cards: ReaderListing[] }> {
    return this.call("GET", "/v1/status");
  }

  list(): Promise<ReaderListing[]> {
    return this.call("GET", "/v1/cards");
  }

  /** Reader = index or exact name. Resolves once pcscd reports the card (unless `wait: false`). */
  insert(reader: number | string, profile: ProfileName, options: RemoteInsertOptions = {}): Promise<RemoteCard> {
    return this.call("POST", "/v1/insert", { reader, profile, options });
  }

  remove(reader: number | string): Promise<void> {
    return this.call("POST", "/v1/remove", { reader });
  }

  swap(reader: number | string, profile: ProfileName, options: RemoteInsertOptions = {}): Promise<RemoteCard> {
    return this.call("POST", "/v1/swap", { reader, profile, options });
  }

  setTriesLeft(reader: number | string, triesLeft: number): Promise<void> {
    return this.call("POST", "/v1/tries", { reader, triesLeft });
  }

  slowNext(reader: number | string, ms: number): Promise<void> {
    return this.call("POST", "/v1/slow", { reader, ms });
  }

  garbleNext(reader: number | string, mode: GarbleMode, count = 1): Promise<void> {
    return this.call("POST", "/v1/garble", { reader, mode, count });
  }

  /** Only on a pcscd the test bench started (ERR_TESTBED_NOT_OWNER otherwise). */
  killPcscd(signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
    return this.call("POST", "/v1/pcscd/kill", { signal });
  }

  startPcscd(): Promise<void> {
    return this.call("POST", "/v1/pcscd/start", {});
  }

  restartPcscd(): Promise<void> {
    return this.call("POST", "/v1/pcscd/restart", {});
  }

  /** Removes the cards, stops pcscd if the daemon started it, and exits the daemon. */
  shutdown(): Promise<void> {
    return this.call("POST", "/v1/shutdown", {});
  }

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.controlUrl), {
        method,
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new TestbedError(
        "ERR_TESTBED_NOT_RUNNING",
        `The test bench daemon does not answer at ${this.controlUrl}.`,
        "`npx cps-testbed down` then `npx cps-testbed up`.",
        { cause: e },
      );
    }
    const answer = (await res.json().catch(() => ({ ok: false }))) as ApiAnswer<T>;
    if (!answer.ok) {
      const err = answer.error;
      throw new TestbedError(err?.code ?? "ERR_TESTBED_NOT_RUNNING", err?.message ?? `HTTP ${res.status}`, err?.fix);
    }
    return answer.result as T;
  }
}

/** Messages from the daemon to its parent over the IPC channel, at start. */
export type DaemonStartMessage =
  | { ready: TestbedStatus }
  | { error: { code: TestbedErrorCode; message: string; fix?: string } };

export interface StartDaemonOptions {
  stateDir?: string;
  /** Where cards connect (default: 127.0.0.2 with the quickack route, else 127.0.0.1). */
  cardHost?: string;
  /** Default 120 s (the first start on a machine creates the test PKI). */
  timeoutMs?: number;
}

/**
 * Starts the daemon detached (it outlives the caller), and resolves with its status once pcscd serves and the
 * control API listens; if one already runs for this state directory, resolves with it (`alreadyRunning`).
 * Rejects with the daemon's own {@link TestbedError} (package missing, port in use, pcscd conflict…).
 */
export async function startDaemon(
  opts: StartDaemonOptions = {},
): Promise<{ status: TestbedStatus; alreadyRunning: boolean }> {
  const stateDir = opts.stateDir ?? testbedStateDir();
  const live = liveDaemon(stateDir);
  if (live) return { status: stripToken(live), alreadyRunning: true };
  const { mkdirSync } = await import("node:fs");
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const logPath = join(stateDir, "daemon.log");
  const logFd = openSync(logPath, "a", 0o600);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const args = ["--import", tsx, DAEMON_SCRIPT, "--state-dir", stateDir];
  if (opts.cardHost) args.push("--card-host", opts.cardHost);
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ["ignore", logFd, logFd, "ipc"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  closeSync(logFd);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const msg = await new Promise<DaemonStartMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(
        new TestbedError(
          "ERR_TESTBED_TIMEOUT",
          `The test bench daemon did not get ready in ${timeoutMs} ms (log: ${logPath}).`,
        ),
      );
    }, timeoutMs);
    child.once("message", (m) => {
      clearTimeout(timer);
      resolve(m as DaemonStartMessage);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new TestbedError(
          "ERR_TESTBED_PCSCD_FAILED",
          `The test bench daemon exited at start (${code ?? signal}). Its log (${logPath}) ends with:\n${tail(logPath)}`,
        ),
      );
    });
  });
  child.removeAllListeners("exit");
  if (child.connected) child.disconnect();
  child.unref();
  if ("error" in msg) throw new TestbedError(msg.error.code, msg.error.message, msg.error.fix);
  return { status: msg.ready, alreadyRunning: false };
}

/**
 * Stops what `cps-testbed up` started for this state directory: the daemon (which removes its cards and stops the
 * pcscd it started), and, if the daemon died, the pcscd it had started (checked by pid and command line).
 * Returns null when there was nothing to stop.
 */
export async function stopDaemon(
  opts: { stateDir?: string } = {},
): Promise<{ daemonPid: number | null; pcscdPid: number | null } | null> {
  const stateDir = opts.stateDir ?? testbedStateDir();
  const st = readDaemonState(stateDir);
  let daemonPid: number | null = null;
  let pcscdPid: number | null = null;
  const rec = readPcscdRecord(stateDir);
  const pcscdOfDaemon =
    st && rec && rec.ownerPid === st.daemonPid && processAlive(rec.pid) && isOurPcscd(rec.pid, rec.configDir)
      ? rec.pid
      : undefined;
  if (st && isDaemonProcess(st.daemonPid)) {
    daemonPid = st.daemonPid;
    try {
      await new TestbedClient(st.controlUrl, st.token).shutdown();
    } catch {
      process.kill(st.daemonPid, "SIGTERM");
    }
    if (!(await waitGone(st.daemonPid, 10_000))) {
      process.kill(st.daemonPid, "SIGKILL");
      await waitGone(st.daemonPid, 3_000);
    }
  }
  if (pcscdOfDaemon !== undefined && processAlive(pcscdOfDaemon) && rec && isOurPcscd(pcscdOfDaemon, rec.configDir)) {
    process.kill(pcscdOfDaemon, "SIGTERM");
    await waitGone(pcscdOfDaemon, 5_000);
  }
  if (pcscdOfDaemon !== undefined) pcscdPid = pcscdOfDaemon;
  if (st) rmSync(daemonStatePath(stateDir), { force: true });
  return daemonPid === null && pcscdPid === null ? null : { daemonPid, pcscdPid };
}

function readPcscdRecord(stateDir: string): { pid: number; ownerPid: number; configDir: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, "pcscd", "pcscd.json"), "utf8"));
  } catch {
    return undefined;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

function stripToken(st: DaemonState): TestbedStatus {
  const { token: _t, version: _v, startedAt: _s, ...status } = st;
  return status;
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
