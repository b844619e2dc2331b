/**
 * Finding, starting and stopping the machine's one pcscd for the test bench (shared/research/feasibility.md §2).
 *
 * - A pcscd that already serves /run/pcscd/pcscd.comm is used as it is when it lists our readers ("CPS Test
 *   Reader …") or Debian's default vpcd readers ("Virtual PCD 00 00/00 01"); any other serving pcscd is a conflict
 *   with a clear message. Only one pcscd can run per machine: 1.9.9 ignores PCSCLITE_CSOCK_NAME (§ "Other pitfalls").
 * - Otherwise we spawn `pcscd -f -c <state dir>/pcscd/reader.conf.d`, never `-a` (it logs every APDU, PINs included,
 *   in clear) and never `-d` by default, with its output in <state dir>/pcscd/pcscd.log.
 * - We stop, kill or restart only a pcscd we started: one whose command line names our rendered configuration
 *   directory (so pid reuse cannot make us kill a stranger).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import sc from "smartcard";

export const PCSCD_SOCKET = "/run/pcscd/pcscd.comm";
export const PCSCD_PID_FILE = "/run/pcscd/pcscd.pid";
/**
 * Debian's vsmartcard-vpcd 3.3 (upstream vpcd 0.8) IFD handler. `$CPS_TESTBED_VPCD_DRIVER` overrides it (another
 * install prefix; the tests use it to check the "not installed" message).
 */
export function vpcdDriverPath(): string {
  return process.env.CPS_TESTBED_VPCD_DRIVER || "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
}
/** The committed reader configuration; rendered into the state directory before use (see the file's comments). */
export const READER_CONF_TEMPLATE = fileURLToPath(new URL("../../testbed/reader.conf.d/cps-testbed", import.meta.url));
const DRIVER_COPY_TOKEN = "@VPCD_DRIVER_COPY@";
/** vpcd 0.8 is built with VPCDSLOTS=2: each reader.conf entry gives two readers, on CHANNELID and CHANNELID+1. */
const VPCD_SLOTS_PER_ENTRY = 2;

const APT = {
  pcscd: "apt-get install pcscd",
  vpcd: "apt-get install vsmartcard-vpcd",
  pcscTools: "apt-get install pcsc-tools",
};

// ───────────────────────────── errors ─────────────────────────────

/**
 * Test bench failures. Stable codes (developer tooling, not part of the agent ⇄ extension wire contract in
 * protocol/src/errors.ts); `fix` is the one command or action that resolves it, printed by the CLI.
 */
export type TestbedErrorCode =
  | "ERR_TESTBED_PACKAGE_MISSING"
  | "ERR_TESTBED_PORT_IN_USE"
  | "ERR_TESTBED_PCSCD_CONFLICT"
  | "ERR_TESTBED_PCSCD_FAILED"
  | "ERR_TESTBED_NOT_RUNNING"
  | "ERR_TESTBED_NOT_OWNER"
  | "ERR_TESTBED_UNKNOWN_PROFILE"
  | "ERR_TESTBED_UNKNOWN_READER"
  | "ERR_TESTBED_READER_OCCUPIED"
  | "ERR_TESTBED_READER_EMPTY"
  | "ERR_TESTBED_READER_BUSY"
  | "ERR_TESTBED_BAD_OPTION"
  | "ERR_TESTBED_TIMEOUT";

export class TestbedError extends Error {
  readonly code: TestbedErrorCode;
  readonly fix: string | undefined;
  constructor(code: TestbedErrorCode, message: string, fix?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TestbedError";
    this.code = code;
    this.fix = fix;
  }
  toJSON(): { code: TestbedErrorCode; message: string; fix?: string } {
    return { code: this.code, message: this.message, ...(this.fix ? { fix: this.fix } : {}) };
  }
}

// ───────────────────────────── readers ─────────────────────────────

export interface ReaderSlot {
  /** 0..n-1, the order pcscd lists them in. */
  readonly index: number;
  /** The PC/SC reader name, e.g. "CPS Test Reader 00 00". */
  readonly name: string;
  /** TCP port the vpcd slot listens on; the virtual card connects to it. */
  readonly port: number;
}

/** Which reader configuration the serving pcscd has. */
export type ReaderSet = "cps-testbed" | "debian-vpcd";

/** Debian's /etc/reader.conf.d/vpcd: `DEVICENAME /dev/null:0x8C7B` (feasibility.md §2). */
export const DEBIAN_VPCD_READERS: readonly ReaderSlot[] = [
  { index: 0, name: "Virtual PCD 00 00", port: 0x8c7b },
  { index: 1, name: "Virtual PCD 00 01", port: 0x8c7b + 1 },
];

interface ConfEntry {
  friendlyName: string;
  channelId: number;
  libPath: string;
}

/** Reads the FRIENDLYNAME / CHANNELID / LIBPATH entries of a reader.conf file (pcscd's own syntax). */
export function parseReaderConf(text: string): ConfEntry[] {
  const entries: ConfEntry[] = [];
  let cur: Partial<ConfEntry> = {};
  const flush = () => {
    if (cur.friendlyName !== undefined && cur.channelId !== undefined && cur.libPath !== undefined) {
      entries.push(cur as ConfEntry);
    }
    cur = {};
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === "FRIENDLYNAME") {
      flush();
      cur.friendlyName = value.replace(/^"(.*)"$/, "$1");
    } else if (key === "CHANNELID") cur.channelId = Number(value);
    else if (key === "LIBPATH") cur.libPath = value;
  }
  flush();
  return entries;
}

/** The test bench's readers, derived from the committed reader.conf.d (the single source of truth). */
export function testbedReaderSlots(): ReaderSlot[] {
  const slots: ReaderSlot[] = [];
  for (const e of parseReaderConf(readFileSync(READER_CONF_TEMPLATE, "utf8"))) {
    for (let s = 0; s < VPCD_SLOTS_PER_ENTRY; s++) {
      // pcscd names slot s of a reader "<FRIENDLYNAME> 00 0s" (measured, pcsc-lite 1.9.9).
      slots.push({
        index: slots.length,
        name: `${e.friendlyName} 00 ${String(s).padStart(2, "0")}`,
        port: e.channelId + s,
      });
    }
  }
  return slots;
}

// ───────────────────────────── pre-flight checks ─────────────────────────────

function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/bin"];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {}
  }
  return undefined;
}

/** The pcscd binary (`$CPS_TESTBED_PCSCD` overrides the PATH search), or ERR_TESTBED_PACKAGE_MISSING with the apt command. */
export function pcscdBinary(): string {
  const explicit = process.env.CPS_TESTBED_PCSCD;
  const p = explicit ? (existsSync(explicit) ? explicit : undefined) : findExecutable("pcscd");
  if (!p) throw new TestbedError("ERR_TESTBED_PACKAGE_MISSING", "pcscd is not installed.", APT.pcscd);
  return p;
}

/** Throws ERR_TESTBED_PACKAGE_MISSING when the vpcd driver is absent. */
export function checkVpcdDriver(): void {
  if (!existsSync(vpcdDriverPath())) {
    throw new TestbedError(
      "ERR_TESTBED_PACKAGE_MISSING",
      `The vpcd driver (${vpcdDriverPath()}) is not installed.`,
      APT.vpcd,
    );
  }
}

/** pcsc_scan (pcsc-tools), the independent PC/SC client of the tests. */
export function pcscScanBinary(): string {
  const p = findExecutable("pcsc_scan");
  if (!p)
    throw new TestbedError("ERR_TESTBED_PACKAGE_MISSING", "pcsc_scan (pcsc-tools) is not installed.", APT.pcscTools);
  return p;
}

/** True when something accepts connections on pcscd's client socket (a stale socket file refuses them). */
export function pcscdServing(socketPath = PCSCD_SOCKET): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Who listens on a TCP port, for the "port in use" message (best effort: `ss` from iproute2). */
function portOwner(port: number): string {
  try {
    const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(out);
    if (m) return ` by ${m[1]} (pid ${m[2]})`;
  } catch {}
  return "";
}

/** Throws ERR_TESTBED_PORT_IN_USE when a vpcd port cannot be bound (vpcd binds 0.0.0.0 with SO_REUSEADDR). */
export async function checkPortsFree(ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const srv = net.createServer();
      srv.once("error", (e: NodeJS.ErrnoException) => resolve(e));
      srv.listen({ port, host: "0.0.0.0", exclusive: true }, () => srv.close(() => resolve(undefined)));
    });
    if (err) {
      throw new TestbedError(
        "ERR_TESTBED_PORT_IN_USE",
        `TCP port ${port} (a vpcd slot of the test bench) is already in use${portOwner(port)}: ${err.code ?? err.message}.`,
        "Stop the program that holds it (see `ss -ltnp`), or free the port; the test bench's pcscd must bind it.",
      );
    }
  }
}

// ───────────────────────────── PC/SC view (a real client through libpcsclite) ─────────────────────────────

export interface PcscReaderState {
  name: string;
  /** SCARD_STATE_* flags as pcscd reports them. */
  state: number;
  atr: Buffer | null;
}

export type CardPresence = "empty" | "present" | "mute" | "missing-reader";

/**
 * A small PC/SC client (the `smartcard` binding, never mocked) used to wait until pcscd reports what the test bench
 * did. It re-creates its context whenever pcscd went away (no binding recovers by itself, feasibility.md §3).
 */
export class PcscProbe {
  private ctx: InstanceType<typeof sc.Context> | undefined;

  /** Current reader states, or `null` while no pcscd serves. */
  readerStates(): PcscReaderState[] | null {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (!this.ctx?.isValid) this.ctx = new sc.Context();
        return this.ctx.listReaders().map((r) => ({ name: r.name, state: r.state, atr: r.atr }));
      } catch {
        this.close();
      }
    }
    return null;
  }

  readerNames(): string[] | null {
    return this.readerStates()?.map((r) => r.name) ?? null;
  }

  presence(readerName: string): { presence: CardPresence; atr: Buffer | null } | null {
    const states = this.readerStates();
    if (!states) return null;
    const r = states.find((x) => x.name === readerName);
    if (!r) return { presence: "missing-reader", atr: null };
    return { presence: presenceOf(r.state), atr: r.atr };
  }

  close(): void {
    try {
      this.ctx?.close();
    } catch {}
    this.ctx = undefined;
  }
}

export function presenceOf(state: number): CardPresence {
  if ((state & sc.SCARD_STATE_MUTE) !== 0) return "mute";
  if ((state & sc.SCARD_STATE_PRESENT) !== 0) return "present";
  return "empty";
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ───────────────────────────── process identity ─────────────────────────────

function readCmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // state is the field after "(comm)"
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** The pid of the pcscd serving now, from its pid file (NUL-padded in 1.9.9, feasibility.md §2). */
export function servingPcscdPid(): number | undefined {
  try {
    const m = /\d+/.exec(readFileSync(PCSCD_PID_FILE, "latin1"));
    if (!m) return undefined;
    const pid = Number(m[0]);
    const cmd = readCmdline(pid);
    return cmd && /(^|\/)pcscd$/.test(cmd[0] ?? "") ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a pcscd started with `-c configDir` (i.e. by the test bench with this state directory). */
export function isOurPcscd(pid: number, configDir: string): boolean {
  const cmd = readCmdline(pid);
  if (!cmd || !/(^|\/)pcscd$/.test(cmd[0] ?? "")) return false;
  const i = cmd.findIndex((a) => a === "-c" || a === "--config");
  return i >= 0 && cmd[i + 1] === configDir;
}

// ───────────────────────────── pcscd controller ─────────────────────────────

export interface EnsurePcscdOptions {
  /** Where the rendered reader.conf.d, the driver copy, pcscd.log and pcscd.json go (created 0700). */
  stateDir: string;
  /** Accept a serving pcscd with only Debian's "Virtual PCD" readers (default true). */
  allowDebianVpcd?: boolean;
  /**
   * Take over a pcscd that this state directory's test bench started in a process that has since exited
   * (a crashed run): it is then stopped by {@link PcscdController.stop} like one we started. Default false.
   */
  adoptOrphan?: boolean;
  /** Debug logging (`pcscd -d`). Never `-a`: APDU logging would write PINs in clear. Default false. */
  debug?: boolean;
  /** How long pcscd may take to serve with our readers. Default 10 s. */
  readyTimeoutMs?: number;
}

interface PcscdRecord {
  pid: number;
  ownerPid: number;
  configDir: string;
  logPath: string;
  startedAt: string;
}

/**
 * The pcscd the test bench uses. `owned` says whether it may be stopped, killed or restarted: true for a pcscd this
 * controller started (`startedByUs`) and for one started by the test bench with the same state directory.
 */
export class PcscdController {
  readonly readers: readonly ReaderSlot[];
  readonly readerSet: ReaderSet;
  readonly configDir: string;
  readonly logPath: string;
  private readonly recordPath: string;
  private child: ChildProcess | undefined;
  private _pid: number | undefined;
  private _startedByUs: boolean;
  private _owned: boolean;
  private exitHook: (() => void) | undefined;
  private readonly opts: Required<Omit<EnsurePcscdOptions, "stateDir">> & { stateDir: string };

  /** @internal use {@link ensurePcscd} */
  constructor(
    opts: EnsurePcscdOptions,
    init: { readers: readonly ReaderSlot[]; readerSet: ReaderSet; pid: number | undefined; startedByUs: boolean },
  ) {
    this.opts = {
      stateDir: opts.stateDir,
      allowDebianVpcd: opts.allowDebianVpcd ?? true,
      adoptOrphan: opts.adoptOrphan ?? false,
      debug: opts.debug ?? false,
      readyTimeoutMs: opts.readyTimeoutMs ?? 10_000,
    };
    const dir = pcscdDir(opts.stateDir);
    this.configDir = join(dir, "reader.conf.d");
    this.logPath = join(dir, "pcscd.log");
    this.recordPath = join(dir, "pcscd.json");
    this.readers = init.readers;
    this.readerSet = init.readerSet;
    this._pid = init.pid;
    this._startedByUs = init.startedByUs;
    this._owned = init.startedByUs || (init.pid !== undefined && isOurPcscd(init.pid, this.configDir));
  }

  /** pid of the pcscd in use (the serving one when we did not start it); undefined when unknown or stopped. */
  get pid(): number | undefined {
    if (this._pid !== undefined && processAlive(this._pid)) return this._pid;
    // Another process sharing this state directory may have restarted it: follow the serving one.
    const serving = servingPcscdPid();
    if (serving !== undefined && (!this._owned || isOurPcscd(serving, this.configDir))) {
      this._pid = serving;
      return serving;
    }
    return undefined;
  }

  /** True when this controller (or {@link adoptOrphan}) started the pcscd: {@link stop} will stop it. */
  get startedByUs(): boolean {
    return this._startedByUs;
  }

  /** True when the test bench started this pcscd with our configuration: kill/restart are allowed. */
  get owned(): boolean {
    return this._owned;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  private assertOwned(what: string): void {
    if (!this.owned) {
      throw new TestbedError(
        "ERR_TESTBED_NOT_OWNER",
        `Refusing to ${what} pcscd${this._pid ? ` (pid ${this._pid})` : ""}: the test bench did not start it.`,
        "Stop the serving pcscd yourself (e.g. `systemctl stop pcscd.socket pcscd`), then let the test bench start its own.",
      );
    }
  }

  /**
   * Kills our pcscd (SIGKILL by default: a crash, leaving its socket file behind; SIGTERM: a clean stop) and waits
   * until it is gone. For the agent's recovery tests. Cards stay inserted: their links reconnect when pcscd is back.
   */
  async kill(signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
    this.assertOwned("kill");
    const pid = this.pid;
    if (pid === undefined) return;
    process.kill(pid, signal);
    await this.waitGone(pid, 5_000);
  }

  /** Starts our pcscd again after {@link kill} (same configuration, same readers); waits until it serves. */
  async start(): Promise<void> {
    this.assertOwned("start");
    if (this.pid !== undefined && (await pcscdServing())) return;
    await this.spawnPcscd();
  }

  /** Stops (SIGTERM) and starts our pcscd; waits until it serves our readers again. */
  async restart(): Promise<void> {
    this.assertOwned("restart");
    await this.kill("SIGTERM");
    await this.spawnPcscd();
  }

  /** Stops pcscd only if we started it (SIGTERM, then SIGKILL after 3 s). Returns the pid stopped, if any. */
  async stop(): Promise<number | undefined> {
    if (!this._startedByUs) return undefined;
    if (this.exitHook) process.off("exit", this.exitHook);
    this.exitHook = undefined;
    const pid = this.pid;
    if (pid === undefined || !isOurPcscd(pid, this.configDir)) return undefined;
    process.kill(pid, "SIGTERM");
    try {
      await this.waitGone(pid, 3_000);
    } catch {
      process.kill(pid, "SIGKILL");
      await this.waitGone(pid, 3_000);
    }
    return pid;
  }

  private async waitGone(pid: number, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (processAlive(pid)) {
      if (Date.now() > end) throw new TestbedError("ERR_TESTBED_TIMEOUT", `pcscd (pid ${pid}) did not exit.`);
      await sleep(20);
    }
    // Dead, but maybe not reaped yet (a zombie child of this process is reaped on a later event-loop turn). A new
    // pcscd takes a zombie named in the old pid file for a running pcscd (kill(pid, 0) succeeds) and refuses to
    // start: wait a little for the reaping; spawnPcscd() also clears such a stale pid file.
    const reapEnd = Date.now() + 1_000;
    while (existsSync(`/proc/${pid}`) && Date.now() < reapEnd) await sleep(10);
  }

  /** @internal spawns `pcscd -f -c <configDir>` detached, logging to {@link logPath}, and waits until ready. */
  async spawnPcscd(): Promise<void> {
    if (this.readerSet !== "cps-testbed") {
      throw new TestbedError(
        "ERR_TESTBED_NOT_OWNER",
        "The serving pcscd uses Debian's readers; the test bench did not start it.",
      );
    }
    const bin = pcscdBinary();
    checkVpcdDriver();
    if (typeof process.getuid === "function" && process.getuid() !== 0) {
      throw new TestbedError(
        "ERR_TESTBED_PCSCD_FAILED",
        "Starting pcscd needs root (it creates /run/pcscd).",
        "Run the test bench as root (e.g. `sudo npx cps-testbed up`), or start a pcscd with Debian's vpcd readers.",
      );
    }
    await checkPortsFree(this.readers.map((r) => r.port));
    await clearStalePidFile();
    renderConfig(this.opts.stateDir, this.configDir);
    const logFd = openSync(this.logPath, "a", 0o600);
    const args = ["-f", "-c", this.configDir, ...(this.opts.debug ? ["-d"] : [])];
    let child: ChildProcess;
    try {
      // Not detached: pcscd stays in our process group, so a Ctrl-C that ends a test run or the daemon ends it too
      // (the daemon itself is detached from the shell by `cps-testbed up`). stop() ends it explicitly.
      child = spawn(bin, args, { stdio: ["ignore", logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    child.unref();
    this.child = child;
    this._pid = child.pid;
    // A restart keeps the original owner: a pcscd started by the vitest global setup and restarted by a test file
    // is still stopped by the global setup, not by the test file's Testbed.
    if (!this._owned) this._startedByUs = true;
    this._owned = true;
    if (this._startedByUs && !this.exitHook) {
      // Last resort if the owner process ends without stop() (uncaught exception): do not leave pcscd behind.
      this.exitHook = () => {
        const pid = this._pid;
        if (pid !== undefined && processAlive(pid) && isOurPcscd(pid, this.configDir)) process.kill(pid, "SIGTERM");
      };
      process.once("exit", this.exitHook);
    }
    let exited: string | undefined;
    child.once("exit", (code, sig) => {
      exited = `exit ${code ?? sig}`;
    });
    child.once("error", (e) => {
      exited = e.message;
    });
    writeFileSync(
      this.recordPath,
      JSON.stringify({
        pid: child.pid ?? -1,
        ownerPid: process.pid,
        configDir: this.configDir,
        logPath: this.logPath,
        startedAt: new Date().toISOString(),
      } satisfies PcscdRecord),
      { mode: 0o600 },
    );
    const probe = new PcscProbe();
    const end = Date.now() + this.opts.readyTimeoutMs;
    try {
      for (;;) {
        if (exited !== undefined) {
          throw new TestbedError(
            "ERR_TESTBED_PCSCD_FAILED",
            `pcscd stopped at start (${exited}). Its log (${this.logPath}) ends with:\n${tail(this.logPath)}`,
            "Read the log; another pcscd may be running (`systemctl stop pcscd.socket pcscd`).",
          );
        }
        if (await pcscdServing()) {
          const names = probe.readerNames();
          if (names && this.readers.every((r) => names.includes(r.name))) return;
        }
        if (Date.now() > end) {
          throw new TestbedError(
            "ERR_TESTBED_PCSCD_FAILED",
            `pcscd (pid ${child.pid}) did not serve the test bench readers within ${this.opts.readyTimeoutMs} ms. Log:\n${tail(this.logPath)}`,
          );
        }
        await sleep(25);
      }
    } finally {
      probe.close();
    }
  }

  /** @internal */
  get childProcess(): ChildProcess | undefined {
    return this.child;
  }
}

/**
 * pcscd 1.9.9 refuses to start while its pid file names a pid that `kill(pid, 0)` accepts — a zombie too (a killed
 * pcscd not yet reaped by its parent). When nothing serves the socket and that pid is dead or a zombie, the file
 * is stale: remove it (pcscd then cleans the rest itself).
 */
async function clearStalePidFile(): Promise<void> {
  if (await pcscdServing()) return;
  let pid: number | undefined;
  try {
    const m = /\d+/.exec(readFileSync(PCSCD_PID_FILE, "latin1"));
    pid = m ? Number(m[0]) : undefined;
  } catch {
    return;
  }
  if (pid !== undefined && !processAlive(pid)) rmSync(PCSCD_PID_FILE, { force: true });
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function pcscdDir(stateDir: string): string {
  return join(stateDir, "pcscd");
}

/**
 * Writes <state dir>/pcscd/reader.conf.d/cps-testbed and the driver copy its second entry loads. The directory is
 * created 0700 and checked to be ours: root's pcscd dlopens the copy, so nobody else may be able to replace it.
 */
function renderConfig(stateDir: string, configDir: string): void {
  const dir = pcscdDir(stateDir);
  for (const d of [stateDir, dir, configDir]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
  }
  const st = statSync(dir);
  if ((typeof process.getuid === "function" && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) {
    throw new TestbedError(
      "ERR_TESTBED_BAD_OPTION",
      `${dir} must belong to you and not be writable by others (pcscd loads a driver copy from it).`,
      `chmod 700 ${dir}`,
    );
  }
  chmodSync(dir, 0o700);
  const copy = join(dir, "libifdvpcd-cps-testbed-2.so");
  copyFileSync(vpcdDriverPath(), copy);
  chmodSync(copy, 0o755);
  const text = readFileSync(READER_CONF_TEMPLATE, "utf8")
    .replaceAll("/usr/lib/pcsc/drivers/serial/libifdvpcd.so", vpcdDriverPath())
    .replaceAll(DRIVER_COPY_TOKEN, copy);
  writeFileSync(join(configDir, "cps-testbed"), text, { mode: 0o644 });
}

function readRecord(stateDir: string): PcscdRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(pcscdDir(stateDir), "pcscd.json"), "utf8")) as PcscdRecord;
  } catch {
    return undefined;
  }
}

/**
 * Finds the serving pcscd or starts ours, and returns its controller once it serves the readers the test bench will
 * use. Errors (all {@link TestbedError}): ERR_TESTBED_PACKAGE_MISSING (with the apt command),
 * ERR_TESTBED_PORT_IN_USE, ERR_TESTBED_PCSCD_CONFLICT (a pcscd serves without our readers),
 * ERR_TESTBED_PCSCD_FAILED.
 */
export async function ensurePcscd(opts: EnsurePcscdOptions): Promise<PcscdController> {
  pcscdBinary();
  checkVpcdDriver();
  const ours = testbedReaderSlots();
  const configDir = join(pcscdDir(opts.stateDir), "reader.conf.d");
  if (await pcscdServing()) {
    const probe = new PcscProbe();
    // A pcscd that has just started may not have loaded its readers yet: give it a moment.
    let names: string[] = [];
    for (let i = 0; i < 20; i++) {
      names = probe.readerNames() ?? [];
      if (ours.every((r) => names.includes(r.name)) || names.length > 0) break;
      await sleep(25);
    }
    probe.close();
    const pid = servingPcscdPid();
    if (ours.every((r) => names.includes(r.name))) {
      let startedByUs = false;
      if (opts.adoptOrphan && pid !== undefined && isOurPcscd(pid, configDir)) {
        const rec = readRecord(opts.stateDir);
        startedByUs = rec?.pid === pid && !processAlive(rec.ownerPid);
        if (rec && startedByUs) {
          // We own it now: `cps-testbed down` and the next adopter recognise the new owner.
          writeFileSync(
            join(pcscdDir(opts.stateDir), "pcscd.json"),
            JSON.stringify({ ...rec, ownerPid: process.pid }),
            {
              mode: 0o600,
            },
          );
        }
      }
      return new PcscdController(opts, { readers: ours, readerSet: "cps-testbed", pid, startedByUs });
    }
    if ((opts.allowDebianVpcd ?? true) && DEBIAN_VPCD_READERS.every((r) => names.includes(r.name))) {
      return new PcscdController(opts, {
        readers: DEBIAN_VPCD_READERS,
        readerSet: "debian-vpcd",
        pid,
        startedByUs: false,
      });
    }
    throw new TestbedError(
      "ERR_TESTBED_PCSCD_CONFLICT",
      `A pcscd${pid ? ` (pid ${pid})` : ""} already serves ${PCSCD_SOCKET} without the test bench readers` +
        ` (it lists: ${names.length ? names.map((n) => `"${n}"`).join(", ") : "no reader"}).`,
      "Stop it (e.g. `systemctl stop pcscd.socket pcscd`, or kill the pcscd you started) and retry, " +
        'or run it with Debian\'s vpcd readers (/etc/reader.conf.d/vpcd: "Virtual PCD 00 00/00 01").',
    );
  }
  const ctl = new PcscdController(opts, {
    readers: ours,
    readerSet: "cps-testbed",
    pid: undefined,
    startedByUs: false,
  });
  await ctl.spawnPcscd();
  return ctl;
}
