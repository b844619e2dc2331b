/**
 * The extension's ONE connection to the agent (anchors.md §(a) topology: only the background talks to the agent).
 *
 *   connect ─► WebSocket open ─► hello (version check) ─► paired? ─no─► "unpaired" (socket kept for the pairing page)
 *                                                          └yes─► auth.challenge: verify the agent's proof with the
 *                                                                 pinned key ─► auth.prove with our key ─► "connected"
 *                                                                 ─► readers.list; then events keep the store live.
 *   any close ─► "unavailable" (or "error" / "unpaired" by close code) ─► retry after Backoff (1 s max while a UI
 *   is open; 30 s for failures that retrying cannot fix).
 *
 * The MV3 worker may be stopped at any moment; everything needed to come back is in IndexedDB (the pairing) and
 * storage.local (the port): `start()` at worker start-up is the whole restoration. While connected, the
 * heartbeat every 20 s keeps the worker alive (limits.ts HEARTBEAT_INTERVAL_MS).
 */

import { parsePairingEntry } from "@cps-bridge/protocol/agent-ports";
import {
  authTranscript,
  exportAuthPublicKey,
  generateAuthKeyPair,
  importAuthPublicKey,
  newAuthNonce,
  signTranscript,
  verifyTranscript,
} from "@cps-bridge/protocol/auth-transcript";
import { base64ToBytes, bufferSource, bytesToBase64 } from "@cps-bridge/protocol/base64";
import { CLOSE_CODES } from "@cps-bridge/protocol/envelope";
import { BridgeError, type ErrorCode, isBridgeError } from "@cps-bridge/protocol/errors";
import type { TypedEvent } from "@cps-bridge/protocol/events";
import { authChallenge } from "@cps-bridge/protocol/methods/auth-challenge";
import { authProve } from "@cps-bridge/protocol/methods/auth-prove";
import { hello } from "@cps-bridge/protocol/methods/hello";
import { pairComplete } from "@cps-bridge/protocol/methods/pair-complete";
import { readersList } from "@cps-bridge/protocol/methods/readers-list";
import { checkCompatibility, PROTOCOL_MAJOR, PROTOCOL_VERSION } from "@cps-bridge/protocol/version";
import type { AgentStatus, UiLanguage } from "../../shared/state";
import { type StateStore, waitForState } from "../state/store";
import { applyAgentEvent } from "./agent-events";
import { Backoff } from "./backoff";
import { type AnyMethod, Connection, type ParamsOf, type ResultOf, realTimers, type Timers } from "./connection";
import type { Pairing, PairingStore } from "./pairing-store";
import { agentUrl, type SocketFactory } from "./socket";

export const CLIENT_NAME = "cps-bridge-extension";

export interface AgentClientOptions {
  store: StateStore;
  pairings: PairingStore;
  createSocket: SocketFactory;
  /** The configured agent port (options page). */
  port(): number;
  /** This extension's origin as the agent sees it in the handshake (`chrome-extension://<id>`), signed in auth. */
  ownOrigin: string;
  /** The extension's release (manifest version). */
  clientVersion: string;
  language(): UiLanguage;
  timers?: Timers;
  backoff?: Backoff;
  now?(): number;
  /**
   * Ports tried after the configured one when it does not lead to this extension's agent: AGENT_PORT_RANGE in the
   * extension (the agent takes the first free one of them when no port is configured, docs/agent.md §12). With
   * it, a 6-digit pairing code for a port of this list is refused (its code has 7 digits, agent-ports.ts).
   */
  fallbackPorts?: readonly number[];
}

/** Automatic retries scan the whole range at most this often (connect(); a UI asking scans at once). */
export const FULL_SCAN_INTERVAL_MS = 30_000;

/** How long a probe of one port waits for the WebSocket to open while scanning (loopback answers in ~1 ms). */
export const SCAN_OPEN_TIMEOUT_MS = 1_500;

/** What a scan of the candidate ports saw, when none led to our agent. */
interface ScanRecord {
  answered: number;
  /** An agent named another key in `hello`: another user's (or profile's) agent. */
  foreign?: boolean;
  /** An agent knew our client id but its proof did not verify with the pinned key. */
  untrusted?: boolean;
  /** The first other refusal (e.g. ERR_VERSION_MISMATCH), reported when nothing better was found. */
  failure?: unknown;
}

/** `hello`'s agentKeyId of a pinned key: first 16 hex digits of SHA-256 of its SPKI (agent pairing-store.ts). */
export async function agentKeyIdOf(agentPublicKeyB64: string): Promise<string | undefined> {
  const spki = base64ToBytes(agentPublicKeyB64);
  if (spki === undefined) return undefined;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bufferSource(spki)));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Epoch-ms marks of the current worker's first connection, read by scripts/bench/extension.ts. */
export interface ConnectionTimings {
  clientStart?: number;
  socketOpen?: number;
  hello?: number;
  authenticated?: number;
  readersKnown?: number;
}

export interface HelloInfo {
  agentVersion: string;
  capabilities: string[];
  testMode: boolean;
  pairingOpen: boolean;
  /** Which agent key this agent claims (hello.agentKeyId; absent from older agents). */
  agentKeyId?: string;
}

export class AgentClient {
  private conn: Connection | undefined;
  private generation = 0;
  private retryTimer: unknown;
  private running = false;
  private watchers = 0;
  /** Why the current connection is being closed, decided before the close event arrives. */
  private closingWith: { status: AgentStatus; code: ErrorCode } | undefined;
  private info: HelloInfo | undefined;
  private readonly eventListeners = new Set<(e: TypedEvent) => void>();
  /** What the last `hello` answered, even when its protocol was incompatible (the diagnostics' agent.version). */
  lastAgentProtocol: { protocolVersion: string; agentVersion: string } | undefined;
  readonly timings: ConnectionTimings = {};
  private readonly timers: Timers;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  /** Where the agent was last found (proven, or answering while unpaired); tried first next time. */
  private foundPort: number | undefined;
  /** When the whole range was last scanned (epoch ms); see discover(). */
  private lastFullScan = Number.NEGATIVE_INFINITY;
  /** The options page's port at the last connect(): a change resets `foundPort`. */
  private configuredPort: number | undefined;

  constructor(private readonly opts: AgentClientOptions) {
    this.timers = opts.timers ?? realTimers;
    this.backoff = opts.backoff ?? new Backoff();
    this.now = opts.now ?? Date.now;
  }

  get hello(): HelloInfo | undefined {
    return this.info;
  }

  /** Every valid agent event of the current connection, after the state store applied it (e.g. diagnostics.progress). */
  onEvent(listener: (e: TypedEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timings.clientStart ??= this.now();
    this.connect({ fullScan: true });
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.timers.clearTimeout(this.retryTimer);
    this.conn?.close(CLOSE_CODES.normal, "stopped");
    this.conn = undefined;
  }

  /**
   * Connect now instead of waiting for the backoff (popup opened, "Réessayer" clicked, port changed).
   * Without `force`, a connection that is up or under way is left alone.
   */
  reconnectNow({ force = false }: { force?: boolean } = {}): void {
    if (!this.running) return;
    const s = this.opts.store.get().agent.status;
    if (!force && (s === "connected" || s === "connecting" || s === "authenticating" || s === "unpaired")) return;
    this.backoff.reset();
    this.connect({ fullScan: true });
  }

  /** A UI opened (true) or closed (false). While any is open, retries are at most 1 s apart. */
  setWatched(watching: boolean): void {
    this.watchers = Math.max(0, this.watchers + (watching ? 1 : -1));
    if (watching) this.reconnectNow();
  }

  get watched(): boolean {
    return this.watchers > 0;
  }

  /** Calls an agent method on the authenticated connection. */
  call<M extends AnyMethod>(method: M, params: ParamsOf<M>, timeoutMs?: number): Promise<ResultOf<M>> {
    const { status } = this.opts.store.get().agent;
    if (status !== "connected" || this.conn === undefined) {
      const code: ErrorCode = status === "unpaired" ? "ERR_NOT_PAIRED" : "ERR_AGENT_UNAVAILABLE";
      return Promise.reject(new BridgeError(code, `Agent is ${status}`));
    }
    return this.conn.call(method, params, timeoutMs);
  }

  /** Does the connected agent implement `name` (method, event or feature flag)? */
  supports(name: string): boolean {
    return this.info?.capabilities.includes(name) ?? false;
  }

  /**
   * Pairs with the code shown by `cps-bridge pair`, on a connection of its own (so it works whatever the state of
   * the main one, e.g. after the agent's key changed). The code says which agent: 7 digits = the index of its port in
   * the range, then the window's 6-digit secret; 6 digits = the configured port (agent-ports.ts). The secret goes to
   * that port only, and only when its agent says its pairing window is open. Then reconnects and resolves once
   * authenticated with the new key. Rejects with the agent's code (ERR_PAIRING_CODE_WRONG, ERR_PAIRING_WINDOW_CLOSED,
   * ERR_PAIRING_LOCKED, ERR_RATE_LIMITED), ERR_PAIRING_CODE_WRONG `{reason: "format"}`, or ERR_AGENT_UNAVAILABLE.
   */
  async pair(typed: string, label: string): Promise<void> {
    const entry = parsePairingEntry(typed);
    const configured = this.opts.port();
    // A port of the range always gets a 7-digit code: 6 digits there are a digit left out, not sent anywhere.
    if (!entry.ok || (entry.port === undefined && this.opts.fallbackPorts?.includes(configured))) {
      throw new BridgeError("ERR_PAIRING_CODE_WRONG", "Pairing code format", { reason: "format" });
    }
    const port = entry.port ?? configured;
    const code = entry.code;
    const conn = new Connection(
      this.opts.createSocket(agentUrl(port)),
      { onEvent: () => {}, onClose: () => {} },
      this.timers,
    );
    try {
      await conn.waitOpen();
      const info = await this.sayHello(conn);
      if (!info.pairingOpen) throw new BridgeError("ERR_PAIRING_WINDOW_CLOSED", "No pairing window on this port");
      // Non-extractable: the private key can sign, but its bytes can never be read back (anchors.md §(a) step 1).
      const keys = await generateAuthKeyPair(false);
      const publicKey = await exportAuthPublicKey(keys.publicKey);
      const res = await conn.call(pairComplete, { code, clientPublicKey: publicKey, label });
      await importAuthPublicKey(res.agentPublicKey).catch(() => {
        throw new BridgeError("ERR_PROTOCOL", "The agent's public key does not import");
      });
      const pairing: Pairing = {
        clientId: res.clientId,
        privateKey: keys.privateKey,
        publicKey,
        agentPublicKey: res.agentPublicKey,
        port,
        label,
        createdAt: this.now(),
      };
      await this.opts.pairings.save(pairing);
      this.foundPort = port;
    } finally {
      conn.close(CLOSE_CODES.normal, "pairing done");
    }
    this.opts.store.setPaired(true);
    this.opts.store.setLastError(undefined);
    this.backoff.reset();
    this.connect();
    const s = await waitForState(
      this.opts.store,
      (st) => st.agent.status === "connected" || st.agent.status === "error" || st.agent.status === "unavailable",
      10_000,
      () => new BridgeError("ERR_TIMEOUT", "No authenticated connection after pairing"),
    );
    if (s.agent.status !== "connected") throw new BridgeError(s.agent.errorCode ?? "ERR_AGENT_UNAVAILABLE");
  }

  /** Forgets the pairing on this side (the agent keeps its record until `cps-bridge unpair`). */
  async forgetPairing(): Promise<void> {
    await this.opts.pairings.clear();
    this.opts.store.setPaired(false);
    if (this.running) this.connect();
  }

  // ─────────────────────────────── connection lifecycle ───────────────────────────────

  private connect({ fullScan = false }: { fullScan?: boolean } = {}): void {
    if (fullScan) this.lastFullScan = Number.NEGATIVE_INFINITY;
    const gen = ++this.generation;
    this.timers.clearTimeout(this.retryTimer);
    this.closingWith = undefined;
    const old = this.conn;
    this.conn = undefined;
    old?.close(CLOSE_CODES.normal, "reconnecting");
    const configured = this.opts.port();
    if (configured !== this.configuredPort) {
      // The options page changed the port: try it first, before the port we last found the agent on.
      this.configuredPort = configured;
      this.foundPort = undefined;
    }
    const first = this.foundPort ?? configured;
    this.opts.store.setAgent({ status: "connecting", port: first });
    // The first socket opens synchronously (a UI that just opened sees the attempt at once); the rest of the scan
    // waits for the pairing, which says which agent to look for.
    const probe = this.openProbe(gen, first);
    void this.discover(gen, first, probe);
  }

  /**
   * Ports to try, in order: where this extension last found its agent, where it paired, the configured port (options
   * page), then the fallback range (docs/protocol.md §13).
   */
  private candidatePorts(pairing: Pairing | undefined): number[] {
    const ports = [this.foundPort, pairing?.port, this.opts.port(), ...(this.opts.fallbackPorts ?? [])];
    return [...new Set(ports.filter((p): p is number => typeof p === "number" && p >= 1 && p <= 65_535))];
  }

  private openProbe(gen: number, port: number): Connection | undefined {
    let socket: ReturnType<SocketFactory>;
    try {
      socket = this.opts.createSocket(agentUrl(port));
    } catch {
      return undefined; // e.g. a port the browser refuses to connect to: same as nobody listening.
    }
    const conn: Connection = new Connection(
      socket,
      {
        onEvent: (frame) => {
          if (gen !== this.generation || this.conn !== conn) return;
          const e = applyAgentEvent(this.opts.store, frame);
          if (e) for (const l of this.eventListeners) l(e);
        },
        onClose: (code) => {
          if (gen === this.generation && this.conn === conn) this.onClosed(code);
        },
      },
      this.timers,
      (this.opts.fallbackPorts?.length ?? 0) > 0 ? SCAN_OPEN_TIMEOUT_MS : undefined,
    );
    return conn;
  }

  /**
   * Finds this extension's agent: on each candidate port, `hello`; an agent naming another key (`agentKeyId`) is
   * skipped at once; otherwise `auth.challenge`, and only an agent whose proof verifies with the pinned key gets
   * our proof and becomes the connection. Nothing secret is ever sent before that proof: `hello` and
   * `auth.challenge` carry our public client id and a fresh nonce only. Without a pairing, the first agent answering
   * `hello` is kept (status `unpaired`) for the pairing page's sake; pairing itself goes to the port in the code.
   */
  private async discover(gen: number, first: number, firstProbe: Connection | undefined): Promise<void> {
    const stale = () => gen !== this.generation;
    const seen: ScanRecord = { answered: 0 };
    let pairing: Pairing | undefined;
    try {
      pairing = await this.opts.pairings.load();
    } catch (e) {
      firstProbe?.close(CLOSE_CODES.normal, "pairing store");
      if (stale()) return;
      this.noAgentFound({ answered: 0, failure: e });
      return;
    }
    if (stale()) {
      firstProbe?.close(CLOSE_CODES.normal, "stale");
      return;
    }
    let ports = this.candidatePorts(pairing).filter((p) => p !== first);
    // The range beyond the known ports only on a full scan: at start, when a UI asks (popup opened, "Réessayer",
    // port changed), else at most every FULL_SCAN_INTERVAL_MS. Chromium delays every new WebSocket of the extension
    // more and more as refused ones pile up (its per-process WebSocket throttler): ten refusals a second would
    // soon slow even the connection to the agent that came back.
    const known = new Set([this.foundPort, pairing?.port, this.opts.port()]);
    if (this.now() - this.lastFullScan < FULL_SCAN_INTERVAL_MS) ports = ports.filter((p) => known.has(p));
    const tries: Array<{ port: number; conn: Connection | undefined }> = [{ port: first, conn: firstProbe }];
    for (const port of ports) tries.push({ port, conn: undefined });
    let scanStarted: number | undefined;
    for (let i = 0; i < tries.length; i++) {
      const t = tries[i]!;
      if (!known.has(t.port) && this.lastFullScan !== scanStarted) {
        scanStarted = this.now();
        this.lastFullScan = scanStarted;
      }
      const conn = i === 0 ? t.conn : this.openProbe(gen, t.port);
      if (conn === undefined) continue;
      const outcome = await this.probe(conn, gen, t.port, pairing, seen);
      if (stale()) {
        if (outcome !== "adopted") conn.close(CLOSE_CODES.normal, "stale");
        return;
      }
      if (outcome === "adopted") return;
      conn.close(CLOSE_CODES.normal, outcome);
    }
    this.noAgentFound(seen);
  }

  private async probe(
    conn: Connection,
    gen: number,
    port: number,
    pairing: Pairing | undefined,
    seen: ScanRecord,
  ): Promise<"adopted" | "absent" | "foreign" | "failed"> {
    const stale = () => gen !== this.generation;
    try {
      await conn.waitOpen();
      this.timings.socketOpen ??= this.now();
      const info = await this.sayHello(conn);
      if (stale()) return "failed";
      seen.answered++;
      this.timings.hello ??= this.now();
      if (pairing === undefined) {
        this.adopt(conn, port, info);
        this.opts.store.setPaired(false);
        this.opts.store.setAgent({
          status: "unpaired",
          errorCode: "ERR_NOT_PAIRED",
          agentVersion: info.agentVersion,
          port,
        });
        this.backoff.reset();
        return "adopted";
      }
      const pinnedId = await agentKeyIdOf(pairing.agentPublicKey);
      if (stale()) return "failed";
      if (info.agentKeyId !== undefined && info.agentKeyId !== pinnedId) {
        seen.foreign = true; // another user's agent (or another profile's): not a word more to it
        return "foreign";
      }
      this.opts.store.setPaired(true);
      this.opts.store.setAgent({ status: "authenticating", agentVersion: info.agentVersion, port });
      try {
        await this.authenticate(conn, pairing, port);
      } catch (e) {
        if (!isBridgeError(e) || e.code !== "ERR_NOT_PAIRED") throw e;
        if (stale()) return "failed";
        // The agent that names our pinned key (or an agent too old to name any) no longer knows our client id
        // (`cps-bridge unpair`, its pairings file reset): the key is useless now. Drop it and keep the socket
        // for the pairing page.
        void this.opts.pairings.clear();
        this.adopt(conn, port, info);
        this.opts.store.setPaired(false);
        this.opts.store.setAgent({ status: "unpaired", errorCode: "ERR_NOT_PAIRED", port });
        return "adopted";
      }
      if (stale()) return "failed";
      this.adopt(conn, port, info);
      this.timings.authenticated ??= this.now();
      this.backoff.reset();
      if (pairing.port !== port) {
        // Found on another port (the agent restarted while another user's agent held its old one): remember it.
        void this.opts.pairings.save({ ...pairing, port }).catch(() => {});
      }
      this.opts.store.setAgent({ status: "connected", agentVersion: info.agentVersion, port });
      const list = await conn.call(readersList, {});
      if (stale() || this.conn !== conn) return "adopted";
      this.opts.store.setPcsc(list.pcsc);
      this.opts.store.setReaders(list.readers);
      this.timings.readersKnown ??= this.now();
      return "adopted";
    } catch (e) {
      if (this.conn === conn) {
        // Adopted, then a later step (readers.list) failed: as before, the connection is closed and retried.
        if (!stale()) this.handshakeFailed(conn, e);
        return "adopted";
      }
      if (stale()) return "failed";
      const code: ErrorCode = isBridgeError(e) ? e.code : "ERR_INTERNAL";
      if (!isBridgeError(e)) console.warn("cps-bridge: agent handshake failed", e);
      if (code === "ERR_AGENT_UNAVAILABLE" || code === "ERR_TIMEOUT") return "absent";
      if (code === "ERR_AGENT_UNTRUSTED") seen.untrusted = true;
      else seen.failure ??= e;
      return "failed";
    }
  }

  private adopt(conn: Connection, port: number, info: HelloInfo): void {
    this.conn = conn;
    this.info = info;
    this.foundPort = port;
  }

  /** No candidate port led to our agent: say why, from the most telling thing the scan saw. */
  private noAgentFound(seen: ScanRecord): void {
    let status: AgentStatus = "unavailable";
    let code: ErrorCode = "ERR_AGENT_UNAVAILABLE";
    let details: Record<string, unknown> | undefined;
    if (seen.untrusted) {
      // Something on a port knows our client id but cannot prove the pinned key.
      status = "error";
      code = "ERR_AGENT_UNTRUSTED";
    } else if (seen.failure !== undefined) {
      status = "error";
      code = isBridgeError(seen.failure) ? seen.failure.code : "ERR_INTERNAL";
      const d = isBridgeError(seen.failure) ? seen.failure.details : undefined;
      if (d) details = d as Record<string, unknown>;
    }
    // Only other users' agents answered (`seen.foreign`): ours is not running, which is ERR_AGENT_UNAVAILABLE.
    this.opts.store.setAgent({ status, errorCode: code, ...(details ? { errorDetails: details } : {}) });
    if (this.running) this.scheduleRetry(status === "error");
  }

  private async sayHello(conn: Connection): Promise<HelloInfo> {
    const res = await conn.call(hello, {
      protocolVersion: PROTOCOL_VERSION,
      client: { name: CLIENT_NAME, version: this.opts.clientVersion },
      lang: this.opts.language(),
    });
    // The agent's release too: one older than MIN_AGENT_RELEASE is refused like another major (protocol/version.ts).
    const compat = checkCompatibility(res.protocolVersion, PROTOCOL_VERSION, { agent: res.agentVersion });
    this.lastAgentProtocol = { protocolVersion: res.protocolVersion, agentVersion: res.agentVersion };
    if (!compat.compatible) {
      throw new BridgeError("ERR_VERSION_MISMATCH", "Agent protocol major or release too old", {
        requiresUpdate: compat.requiresUpdate,
        agentProtocol: res.protocolVersion,
        clientProtocol: PROTOCOL_VERSION,
        agentRelease: String(res.agentVersion).slice(0, 32),
      });
    }
    return {
      agentVersion: res.agentVersion,
      capabilities: res.capabilities,
      testMode: res.testMode,
      pairingOpen: res.pairing.open,
      ...(res.agentKeyId !== undefined ? { agentKeyId: res.agentKeyId } : {}),
    };
  }

  /** Mutual challenge-response (protocol/src/auth-transcript.ts): the agent proves its pinned key first. */
  private async authenticate(conn: Connection, pairing: Pairing, port: number): Promise<void> {
    const clientNonce = newAuthNonce();
    const ch = await conn.call(authChallenge, { clientId: pairing.clientId, clientNonce: bytesToBase64(clientNonce) });
    const agentNonce = base64ToBytes(ch.agentNonce);
    if (agentNonce === undefined) throw new BridgeError("ERR_PROTOCOL", "agentNonce is not base64");
    const common = {
      protocolMajor: PROTOCOL_MAJOR,
      port,
      origin: this.opts.ownOrigin,
      clientId: pairing.clientId,
      clientNonce,
      agentNonce,
    };
    const agentKey = await importAuthPublicKey(pairing.agentPublicKey);
    if (!(await verifyTranscript(agentKey, authTranscript({ role: "agent", ...common }), ch.agentSignature))) {
      // Something answers on the port, but not the agent we paired with: say nothing more to it.
      throw new BridgeError("ERR_AGENT_UNTRUSTED", "The agent's proof does not verify with the pinned key");
    }
    const signature = await signTranscript(pairing.privateKey, authTranscript({ role: "client", ...common }));
    await conn.call(authProve, { clientId: pairing.clientId, agentNonce: ch.agentNonce, signature });
  }

  private handshakeFailed(conn: Connection, e: unknown): void {
    const code: ErrorCode = isBridgeError(e) ? e.code : "ERR_INTERNAL";
    if (!isBridgeError(e)) console.warn("cps-bridge: agent handshake failed", e);
    if (code === "ERR_NOT_PAIRED") {
      // The agent no longer knows our clientId (`cps-bridge unpair`, or its pairings file was reset): the key is
      // useless now. Drop it and keep the socket open for the pairing page.
      void this.opts.pairings.clear();
      this.opts.store.setPaired(false);
      this.opts.store.setAgent({ status: "unpaired", errorCode: "ERR_NOT_PAIRED" });
      return;
    }
    const details = isBridgeError(e) && e.details ? (e.details as Record<string, unknown>) : undefined;
    if (code === "ERR_AGENT_UNAVAILABLE" || code === "ERR_TIMEOUT") {
      this.closingWith = { status: "unavailable", code: "ERR_AGENT_UNAVAILABLE" };
    } else {
      this.closingWith = { status: "error", code };
      this.opts.store.setAgent({ status: "error", errorCode: code, ...(details ? { errorDetails: details } : {}) });
    }
    conn.close(CLOSE_CODES.normal, code);
  }

  private onClosed(closeCode: number): void {
    if (this.conn === undefined) return;
    this.conn = undefined;
    let next = this.closingWith;
    this.closingWith = undefined;
    if (next === undefined) {
      // Closed by the agent (or the network): its close code says why (envelope.ts CLOSE_CODES).
      if (closeCode === CLOSE_CODES.versionMismatch) next = { status: "error", code: "ERR_VERSION_MISMATCH" };
      else if (closeCode === CLOSE_CODES.authFailed) next = { status: "error", code: "ERR_AUTH_FAILED" };
      else if (closeCode === CLOSE_CODES.unpaired) {
        void this.opts.pairings.clear();
        this.opts.store.setPaired(false);
        next = { status: "unavailable", code: "ERR_NOT_PAIRED" };
      } else next = { status: "unavailable", code: "ERR_AGENT_UNAVAILABLE" };
    }
    const cur = this.opts.store.get().agent;
    if (!(cur.status === next.status && cur.errorCode === next.code)) {
      this.opts.store.setAgent({ status: next.status, errorCode: next.code });
    }
    if (this.running) this.scheduleRetry(next.status === "error");
  }

  private scheduleRetry(permanent: boolean): void {
    this.timers.clearTimeout(this.retryTimer);
    const delay = this.backoff.next({ watched: this.watched, permanent });
    this.retryTimer = this.timers.setTimeout(() => {
      if (this.running) this.connect();
    }, delay);
  }
}
