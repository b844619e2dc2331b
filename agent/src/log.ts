/**
 * The agent's logger: pino JSON lines, written synchronously to a destination stream we choose — a size- and
 * day-rotated file in the per-user log directory by default (rotating-file-stream), or any writable stream
 * (tests capture output this way). No pino `transport` (those run in worker threads that esbuild cannot bundle).
 *
 * Secrets and health identifiers never reach a log line (HELPERS.md, "Secrets and health data"):
 *  1. callers never pass them (a PIN is a Uint8Array wiped after use; APDU traces never include command data
 *     of VERIFY / CHANGE / RESET RETRY COUNTER, see pcsc/apdu.ts);
 *  2. pino's `redact` censors the keys in REDACTED_KEYS at every depth its path syntax can express
 *     (REDACT_DEPTH levels, arrays included);
 *  3. a last-resort scrub in `formatters.log` censors those keys at any depth pino's paths cannot reach.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { createStream } from "rotating-file-stream";

export type { Logger } from "pino";

/** Keys whose values are censored wherever they appear. Compared case-insensitively by the deep scrub. */
export const REDACTED_KEYS = ["pin", "puk", "otp", "nationalId", "newPin", "pairingCode", "password"] as const;
export const CENSOR = "[redacted]";
const REDACT_DEPTH = 5;

/** `pin`, `*.pin`, `*.*.pin`, … and the array forms `*[*].pin`, for every redacted key. */
export function redactPaths(keys: readonly string[] = REDACTED_KEYS, depth = REDACT_DEPTH): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    for (let d = 0; d <= depth; d++) {
      const prefix = "*.".repeat(d);
      paths.push(`${prefix}${key}`);
      if (d > 0) paths.push(`${"*.".repeat(d - 1)}*[*].${key}`);
    }
  }
  return paths;
}

const redactedLower = new Set(REDACTED_KEYS.map((k) => k.toLowerCase()));

/** Deep copy of `value` with every redacted key censored; cycles and depth are bounded. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > 32 || seen.has(value)) return "[…]";
  seen.add(value);
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value instanceof Error) return value; // pino's err serializer handles errors; BridgeError details hold no secrets
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = redactedLower.has(k.toLowerCase()) ? CENSOR : scrub(v, depth + 1, seen);
  }
  return out;
}

/** Per-user log directory: $XDG_STATE_HOME/cps-bridge (Linux), ~/Library/Logs/cps-bridge, %LOCALAPPDATA%. */
export function defaultLogDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CPS_BRIDGE_LOG_DIR) return env.CPS_BRIDGE_LOG_DIR;
  if (platform === "win32") {
    return join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "cps-bridge", "logs");
  }
  if (platform === "darwin") return join(homedir(), "Library", "Logs", "cps-bridge");
  return join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "cps-bridge", "logs");
}

export interface LogFileOptions {
  dir?: string;
  /** File name inside `dir`; rotated copies get a numeric suffix. Default "agent.log". */
  name?: string;
  /** Rotate when the file reaches this size. Default "5M". */
  size?: `${number}${"B" | "K" | "M" | "G"}`;
  /** Rotated files kept. Default 5. */
  maxFiles?: number;
}

/** A rotated, per-user (mode 0600) log file as a pino destination. */
export function rotatingFileDestination(options: LogFileOptions = {}): DestinationStream & NodeJS.WritableStream {
  const dir = options.dir ?? defaultLogDir();
  const name = options.name ?? "agent.log";
  const stream = createStream((time, index) => (time ? `${name}.${index ?? 1}` : name), {
    path: dir,
    size: options.size ?? "5M",
    interval: "1d",
    maxFiles: options.maxFiles ?? 5,
    mode: 0o600,
  });
  // A log file that cannot be written (disk full, read-only home) must not crash the agent: say it once on stderr.
  let warned = false;
  stream.on("error", (err: Error) => {
    if (!warned) process.stderr.write(`cps-bridge: log file unavailable (${err.message})\n`);
    warned = true;
  });
  return stream;
}

export interface CreateLoggerOptions {
  /** Default: $CPS_BRIDGE_LOG_LEVEL or "info". */
  level?: LoggerOptions["level"];
  /** Where JSON lines go. Default: the rotated per-user file. Tests pass an in-memory stream. */
  destination?: DestinationStream;
  file?: LogFileOptions;
  /** Static fields on every line (e.g. `{ component: "bridge" }`). */
  base?: Record<string, unknown>;
}

/** The one way the agent creates a logger (bridge and card core alike); children via `logger.child({...})`. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const destination = options.destination ?? rotatingFileDestination(options.file);
  return pino(
    {
      level: options.level ?? process.env.CPS_BRIDGE_LOG_LEVEL ?? "info",
      base: { pid: process.pid, ...options.base },
      redact: { paths: redactPaths(), censor: CENSOR },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      serializers: { err: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that writes nothing (library defaults, tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
