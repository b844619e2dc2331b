/**
 * A minimal protocol client in Node for the bridge's tests and benchmark: connects with chosen Origin/Host headers,
 * sends requests, matches responses by id, collects events, and runs the pairing and the mutual authentication
 * exactly as docs/protocol.md describes (the extension's own client lives in extension/). Not used by the agent.
 */
import { authTranscript, generateAuthKeyPair, signTranscript } from "@cps-bridge/protocol/auth-transcript";
import { base64ToBytes, bytesToBase64 } from "@cps-bridge/protocol/base64";
import { type EventFrame, fromWireError, parseFrame, type ResponseFrame } from "@cps-bridge/protocol/envelope";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { CHROME_EXTENSION_ID } from "@cps-bridge/protocol/extension-ids";
import { AUTH_NONCE_BYTES } from "@cps-bridge/protocol/limits";
import type { MethodName, ParamsOf, ResultOf } from "@cps-bridge/protocol/methods/index";
import { PROTOCOL_MAJOR, PROTOCOL_VERSION } from "@cps-bridge/protocol/version";
import { WebSocket } from "ws";

export const CHROME_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;

export interface ConnectOptions {
  /** Origin header; `null` sends none. Default: the Chrome extension origin. */
  origin?: string | null;
  /** Host header override (DNS-rebinding tests). */
  host?: string;
  timeoutMs?: number;
}

export interface ClientIdentity {
  clientId: string;
  keyPair: CryptoKeyPair;
  /** base64 SPKI the agent returned at pairing. */
  agentPublicKey: string;
}

/** Resolves the HTTP status of a refused handshake, or "open" if the upgrade succeeded (then closes). */
export function handshakeStatus(port: number, options: ConnectOptions = {}): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.host) headers.Host = options.host;
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, {
      headers,
      ...(options.origin === null ? {} : { origin: options.origin ?? CHROME_ORIGIN }),
      handshakeTimeout: options.timeoutMs ?? 5000,
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on("open", () => {
      resolve("open");
      ws.close();
    });
    ws.on("error", (e) => reject(e));
  });
}

export class BridgeTestClient {
  private nextId = 1;
  private readonly pending = new Map<string, { resolve: (f: ResponseFrame) => void }>();
  readonly events: EventFrame[] = [];
  readonly responses: ResponseFrame[] = [];
  private eventWaiters: Array<{ match: (e: EventFrame) => boolean; resolve: (e: EventFrame) => void }> = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => this.onMessage(String(data)));
    this.closed = new Promise((resolve) =>
      ws.on("close", (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    ws.on("error", () => undefined);
  }

  static connect(port: number, options: ConnectOptions = {}): Promise<BridgeTestClient> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (options.host) headers.Host = options.host;
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, {
        headers,
        ...(options.origin === null ? {} : { origin: options.origin ?? CHROME_ORIGIN }),
        handshakeTimeout: options.timeoutMs ?? 5000,
        maxPayload: 1024 * 1024,
      });
      ws.once("open", () => resolve(new BridgeTestClient(ws)));
      ws.once("unexpected-response", (_req, res) => {
        res.resume();
        reject(new Error(`handshake refused: HTTP ${res.statusCode}`));
      });
      ws.once("error", reject);
    });
  }

  private onMessage(text: string): void {
    const parsed = parseFrame(text, { localSide: "extension" });
    if (!parsed.ok) throw new Error(`agent sent an invalid frame: ${parsed.error.message}`);
    const f = parsed.frame;
    if (f.type === "evt") {
      this.events.push(f);
      const w = this.eventWaiters.find((x) => x.match(f));
      if (w) {
        this.eventWaiters = this.eventWaiters.filter((x) => x !== w);
        w.resolve(f);
      }
      return;
    }
    if (f.type === "res") {
      this.responses.push(f);
      if (f.id !== null) {
        const p = this.pending.get(f.id);
        if (p) {
          this.pending.delete(f.id);
          p.resolve(f);
        }
      }
    }
  }

  /** Sends raw text (fuzzing) and returns nothing; read `responses`. */
  sendRaw(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }

  /** Sends one request and resolves its response frame (ok or not). */
  call(method: string, params: unknown = {}, id = `r${this.nextId++}`): Promise<ResponseFrame> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve });
      this.ws.send(JSON.stringify({ v: 1, id, type: "req", method, params }), (err) => err && reject(err));
    });
  }

  /** Typed request: resolves the result or throws the BridgeError the agent answered. */
  async request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const f = await this.call(method, params);
    if (f.ok) return f.result as ResultOf<M>;
    throw fromWireError(f.error);
  }

  waitForEvent(match: (e: EventFrame) => boolean, timeoutMs = 5000): Promise<EventFrame> {
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("event not received in time")), timeoutMs);
      this.eventWaiters.push({
        match,
        resolve: (e) => {
          clearTimeout(t);
          resolve(e);
        },
      });
    });
  }

  hello(protocolVersion = PROTOCOL_VERSION) {
    return this.request("hello", { protocolVersion, client: { name: "cps-bridge-test", version: "0.0.0" } });
  }

  /** pair.complete with a fresh non-extractable P-256 key. */
  async pair(code: string, label = "test client"): Promise<ClientIdentity> {
    const keyPair = await generateAuthKeyPair(false);
    const spki = bytesToBase64(await crypto.subtle.exportKey("spki", keyPair.publicKey));
    const r = await this.request("pair.complete", { code, clientPublicKey: spki, label });
    return { clientId: r.clientId, keyPair, agentPublicKey: r.agentPublicKey };
  }

  /**
   * auth.challenge + auth.prove. Verifies the agent's proof against the pinned key first (throws ERR_AGENT_UNTRUSTED
   * if it fails, as the extension does). Returns the proof frame params too, for replay tests.
   */
  async authenticate(id: ClientIdentity, port: number, origin = CHROME_ORIGIN) {
    const clientNonce = crypto.getRandomValues(new Uint8Array(AUTH_NONCE_BYTES));
    const ch = await this.request("auth.challenge", { clientId: id.clientId, clientNonce: bytesToBase64(clientNonce) });
    const agentNonce = base64ToBytes(ch.agentNonce)!;
    const base = { protocolMajor: PROTOCOL_MAJOR, port, origin, clientId: id.clientId, clientNonce, agentNonce };
    const agentKey = await crypto.subtle.importKey(
      "spki",
      new Uint8Array(base64ToBytes(id.agentPublicKey)!),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    const agentOk = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      agentKey,
      new Uint8Array(base64ToBytes(ch.agentSignature)!),
      new Uint8Array(authTranscript({ role: "agent", ...base })),
    );
    if (!agentOk) throw new BridgeError("ERR_AGENT_UNTRUSTED");
    const signature = await signTranscript(id.keyPair.privateKey, authTranscript({ role: "client", ...base }));
    const proveParams = { clientId: id.clientId, agentNonce: ch.agentNonce, signature };
    const result = await this.request("auth.prove", proveParams);
    return { result, proveParams };
  }

  close(): Promise<number> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}
