/**
 * The agent's configuration: defaults, then the per-user `config.json` (paths.ts), then command-line flags.
 * Every limit of the bridge lives here so docs/agent.md can list them and tests can tighten them.
 *
 * The listen address is not configurable beyond `127.0.0.1`: a config naming another host is refused at startup
 * (anchors.md §(a) "Listener": bind 127.0.0.1 only, never 0.0.0.0; reject at startup if misconfigured).
 * Test mode (test PKI anchors, http://localhost login origins) is a command-line flag only, never a file setting,
 * so a stale config cannot leave a doctor's agent trusting test cards.
 */
import { DEFAULT_AGENT_PORT, DEFAULT_ALLOWED_ORIGINS } from "@cps-bridge/protocol/extension-ids";
import {
  HEARTBEAT_INTERVAL_MS,
  HELLO_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  MAX_CONNECTIONS,
  MAX_IN_FLIGHT_PER_CONNECTION,
  PAIRING_MAX_ATTEMPTS,
  PAIRING_WINDOW_MS,
  MAX_FRAME_BYTES as PROTOCOL_MAX_FRAME_BYTES,
} from "@cps-bridge/protocol/limits";
import * as v from "valibot";
import type { WindowLimit } from "./bridge/rate-limit";
import { readFileIfExists } from "./bridge/secure-file";

export const LISTEN_HOST = "127.0.0.1";
/** 64 KiB (protocol/src/limits.ts; Web eID's native limit is 8 KiB, anchors.md §1.2). Not configurable. */
export const MAX_FRAME_BYTES = PROTOCOL_MAX_FRAME_BYTES;

export interface RateRules {
  perPeer: WindowLimit;
  global: WindowLimit;
}

export interface AgentConfig {
  host: string;
  /** 0 = any free port (tests). Without `portExplicit`, the first free port of AGENT_PORT_RANGE instead. */
  port: number;
  /**
   * The port came from `--port` or `config.json`: only that one is tried (ERR_PORT_IN_USE if taken). Otherwise the
   * agent takes the first free port of AGENT_PORT_RANGE (protocol/src/extension-ids.ts; docs/agent.md §12).
   */
  portExplicit: boolean;
  /** Exact extension origins accepted without pairing-time registration (Chrome/Edge ids). */
  allowedOrigins: string[];
  testMode: boolean;
  /** PEM file of extra trust anchors, test mode only (the test bench PKI). */
  testAnchorsFile?: string;
  logLevel: string;
  limits: {
    maxConnections: number;
    /** Of which not yet authenticated (Firefox pairing pages, clients mid-handshake). */
    maxUnauthenticated: number;
    maxInFlightPerConnection: number;
    /** `hello` must come this soon after the upgrade (protocol HELLO_TIMEOUT_MS), else close 4000. */
    helloTimeoutMs: number;
    /** A connection silent this long is closed 4000 (protocol IDLE_TIMEOUT_MS); clients heartbeat every 20 s. */
    idleTimeoutMs: number;
    /** A connection that has not authenticated by then is closed (1008), so idle strangers cannot hold slots. */
    authDeadlineMs: number;
    /**
     * Each request's deadline (ERR_TIMEOUT) is its method's `timeoutMs` (protocol/src/methods) minus a margin, so
     * the agent answers before the client gives up; this caps it (tests shorten it).
     */
    maxRequestTimeoutMs: number;
    heartbeatMs: number;
    /** A client that does not read its events past this many buffered bytes is disconnected. */
    maxBufferedBytes: number;
    /** Refused-handshake log lines per reason per minute. */
    refusalLogsPerMinute: number;
  };
  rates: { pairing: RateRules; auth: RateRules; pin: RateRules };
  pairing: {
    windowMs: number;
    maxWrongCodes: number;
    /** After a window is locked by wrong codes, no new window opens for this long. */
    lockoutMs: number;
  };
}

export function defaultConfig(): AgentConfig {
  return {
    host: LISTEN_HOST,
    port: DEFAULT_AGENT_PORT,
    portExplicit: false,
    allowedOrigins: [...DEFAULT_ALLOWED_ORIGINS],
    testMode: false,
    logLevel: "info",
    limits: {
      maxConnections: MAX_CONNECTIONS,
      maxUnauthenticated: 8,
      maxInFlightPerConnection: MAX_IN_FLIGHT_PER_CONNECTION,
      helloTimeoutMs: HELLO_TIMEOUT_MS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      authDeadlineMs: 150_000, // a Firefox pairing page may sit there while the user runs `cps-bridge pair`
      maxRequestTimeoutMs: 600_000,
      heartbeatMs: HEARTBEAT_INTERVAL_MS, // MV3 service workers die after 30 s of silence (feasibility.md §5)
      maxBufferedBytes: 1024 * 1024,
      refusalLogsPerMinute: 10,
    },
    rates: {
      // A human types a code at most a few times a minute; a guessing program is stopped long before 10^6.
      pairing: { perPeer: { limit: 10, windowMs: 60_000 }, global: { limit: 20, windowMs: 60_000 } },
      // One authentication per (re)connection; generous for reconnect storms, tight enough against key grinding.
      auth: { perPeer: { limit: 60, windowMs: 60_000 }, global: { limit: 120, windowMs: 60_000 } },
      // The card blocks after 3 wrong PINs anyway; this stops a client from burning tries in a loop.
      pin: { perPeer: { limit: 5, windowMs: 60_000 }, global: { limit: 10, windowMs: 60_000 } },
    },
    pairing: { windowMs: PAIRING_WINDOW_MS, maxWrongCodes: PAIRING_MAX_ATTEMPTS, lockoutMs: 60_000 },
  };
}

const Int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const WindowSchema = v.strictObject({ limit: Int(1, 100_000), windowMs: Int(1, 86_400_000) });
const RateSchema = v.strictObject({ perPeer: WindowSchema, global: WindowSchema });

/**
 * Extension origins only, exact strings: a web origin here would reopen the door this agent exists to close
 * (anchors.md §3, cross-site WebSocket hijacking). `extension://` is how Edge may present its origin [U].
 */
const ExtensionOrigin = v.pipe(
  v.string(),
  v.regex(/^(chrome-extension:\/\/[a-p]{32}|extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f-]{36})$/),
);

/** What `config.json` may hold. Unknown keys are refused so a typo is not silently ignored. */
export const ConfigFileSchema = v.strictObject({
  host: v.optional(v.string()),
  port: v.optional(Int(0, 65_535)),
  allowedOrigins: v.optional(v.array(ExtensionOrigin)),
  logLevel: v.optional(v.picklist(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
  limits: v.optional(
    v.partial(
      v.strictObject({
        maxConnections: Int(1, 1024),
        maxUnauthenticated: Int(1, 1024),
        maxInFlightPerConnection: Int(1, 256),
        helloTimeoutMs: Int(100, 600_000),
        idleTimeoutMs: Int(1_000, 3_600_000),
        authDeadlineMs: Int(100, 3_600_000),
        maxRequestTimeoutMs: Int(50, 600_000),
        heartbeatMs: Int(50, 29_000),
        maxBufferedBytes: Int(65_536, 256 * 1024 * 1024),
        refusalLogsPerMinute: Int(0, 10_000),
      }),
    ),
  ),
  rates: v.optional(v.partial(v.strictObject({ pairing: RateSchema, auth: RateSchema, pin: RateSchema }))),
  pairing: v.optional(
    v.partial(
      v.strictObject({
        windowMs: Int(10_000, 600_000),
        maxWrongCodes: Int(1, 20),
        lockoutMs: Int(0, 3_600_000),
      }),
    ),
  ),
});
export type ConfigFile = v.InferOutput<typeof ConfigFileSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface CliOverrides {
  port?: number;
  testMode?: boolean;
  testAnchorsFile?: string;
  host?: string;
}

/** Merges defaults, the file (if present) and flags; throws ConfigError with a French message when invalid. */
export function loadConfig(configFile: string | undefined, cli: CliOverrides = {}): AgentConfig {
  const c = defaultConfig();
  const text = configFile ? readFileIfExists(configFile) : undefined;
  if (text !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ConfigError(`Le fichier de configuration ${configFile} n'est pas du JSON valide.`);
    }
    const r = v.safeParse(ConfigFileSchema, raw);
    if (!r.success) {
      const where = r.issues.map((i) => v.getDotPath(i) ?? "(racine)").join(", ");
      throw new ConfigError(`Le fichier de configuration ${configFile} est invalide (${where}).`);
    }
    applyFile(c, r.output);
  }
  if (cli.host !== undefined) c.host = cli.host;
  if (cli.port !== undefined) {
    c.port = cli.port;
    c.portExplicit = true;
  }
  if (cli.testMode) c.testMode = true;
  if (cli.testAnchorsFile !== undefined) c.testAnchorsFile = cli.testAnchorsFile;
  validateConfig(c);
  return c;
}

function applyFile(c: AgentConfig, f: ConfigFile): void {
  if (f.host !== undefined) c.host = f.host;
  if (f.port !== undefined) {
    c.port = f.port;
    c.portExplicit = true;
  }
  if (f.allowedOrigins) c.allowedOrigins = [...new Set([...c.allowedOrigins, ...f.allowedOrigins])];
  if (f.logLevel) c.logLevel = f.logLevel;
  if (f.limits) Object.assign(c.limits, f.limits);
  if (f.rates) Object.assign(c.rates, f.rates);
  if (f.pairing) Object.assign(c.pairing, f.pairing);
}

export function validateConfig(c: AgentConfig): void {
  if (c.host !== LISTEN_HOST) {
    throw new ConfigError(
      `Adresse d'écoute refusée : ${c.host}. cps-bridge n'écoute que sur ${LISTEN_HOST} (boucle locale).`,
    );
  }
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65_535) {
    throw new ConfigError(`Port invalide : ${c.port}.`);
  }
  if (c.testAnchorsFile && !c.testMode) {
    throw new ConfigError("--test-anchors n'est accepté qu'avec --test-mode.");
  }
  if (c.limits.maxUnauthenticated > c.limits.maxConnections) c.limits.maxUnauthenticated = c.limits.maxConnections;
}
