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
import {
  authTranscript,
  exportAuthPublicKey,
  generateAuthKeyPair,
  importAuthPublicKey,
  newAuthNonce,
  signTranscript,
  verifyTranscript,
} from "@cps-bridge/protocol/auth-transcript";
import { base64ToBytes, bytesToBase64 } from "@cps-bridge/protocol/base64";
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
    this.connect();
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
    this.connect();
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
   * the main one, e.g. after the agent's key changed). Then reconnects and resolves once authenticated with the new
   * key. Rejects with the agent's code (ERR_PAIRING_CODE_WRONG, ERR_PAIRING_WINDOW_CLOSED, ERR_PAIRING_LOCKED,
   * ERR_RATE_LIMITED) or ERR_AGENT_UNAVAILABLE.
   */
  async pair(code: string, label: string): Promise<void> {
    const port = this.opts.port();
    const conn = new Connection(
      this.opts.createSocket(agentUrl(port)),
      { onEvent: () => {}, onClose: () => {} },
      this.timers,
    );
    try {
      await conn.waitOpen();
      await this.sayHello(conn);
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

  private connect(): void {
    const gen = ++this.generation;
    this.timers.clearTimeout(this.retryTimer);
    this.closingWith = undefined;
    this.conn?.close(CLOSE_CODES.normal, "reconnecting");
    const port = this.opts.port();
    this.opts.store.setAgent({ status: "connecting", port });
    let socket: ReturnType<SocketFactory>;
    try {
      socket = this.opts.createSocket(agentUrl(port));
    } catch {
      // e.g. a port the browser refuses to connect to: same as nobody listening.
      this.opts.store.setAgent({ status: "unavailable", errorCode: "ERR_AGENT_UNAVAILABLE" });
      this.scheduleRetry(false);
      return;
    }
    const conn = new Connection(
      socket,
      {
        onEvent: (frame) => {
          if (gen !== this.generation) return;
          const e = applyAgentEvent(this.opts.store, frame);
          if (e) for (const l of this.eventListeners) l(e);
        },
        onClose: (code) => {
          if (gen === this.generation) this.onClosed(code);
        },
      },
      this.timers,
    );
    this.conn = conn;
    void this.handshake(conn, gen, port);
  }

  private async handshake(conn: Connection, gen: number, port: number): Promise<void> {
    const stale = () => gen !== this.generation;
    try {
      await conn.waitOpen();
      this.timings.socketOpen ??= this.now();
      const info = await this.sayHello(conn);
      if (stale()) return;
      this.info = info;
      this.timings.hello ??= this.now();
      const pairing = await this.opts.pairings.load();
      if (stale()) return;
      if (pairing === undefined) {
        this.opts.store.setPaired(false);
        this.opts.store.setAgent({ status: "unpaired", errorCode: "ERR_NOT_PAIRED", agentVersion: info.agentVersion });
        this.backoff.reset();
        return;
      }
      this.opts.store.setPaired(true);
      this.opts.store.setAgent({ status: "authenticating", agentVersion: info.agentVersion });
      await this.authenticate(conn, pairing, port);
      if (stale()) return;
      this.timings.authenticated ??= this.now();
      this.backoff.reset();
      this.opts.store.setAgent({ status: "connected", agentVersion: info.agentVersion });
      const list = await conn.call(readersList, {});
      if (stale()) return;
      this.opts.store.setPcsc(list.pcsc);
      this.opts.store.setReaders(list.readers);
      this.timings.readersKnown ??= this.now();
    } catch (e) {
      if (stale()) return;
      this.handshakeFailed(conn, e);
    }
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
