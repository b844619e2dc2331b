/**
 * An in-process stand-in for the cps-bridge agent, speaking the real wire contract of @cps-bridge/protocol
 * (envelope, method schemas, the auth transcript with real ECDSA P-256 keys), for the unit tests of the agent
 * client. The real agent is exercised by the end-to-end tests (extension/e2e/). `FakeLoopback` puts several of them
 * on ports of 127.0.0.1 (a terminal server's users), nothing listening elsewhere.
 */
import {
  authTranscript,
  exportAuthPublicKey,
  generateAuthKeyPair,
  importAuthPublicKey,
  signTranscript,
  verifyTranscript,
} from "@cps-bridge/protocol/auth-transcript";
import { base64ToBytes, bytesToBase64 } from "@cps-bridge/protocol/base64";
import {
  CLOSE_CODES,
  errorResponse,
  eventFrame,
  okResponse,
  parseFrame,
  type RequestFrame,
} from "@cps-bridge/protocol/envelope";
import { BridgeError } from "@cps-bridge/protocol/errors";
import type { PcscState, ReaderStatus } from "@cps-bridge/protocol/model";
import { PROTOCOL_MAJOR } from "@cps-bridge/protocol/version";
import type { SocketFactory, SocketLike } from "../background/agent/socket";

export const TEST_ORIGIN = "chrome-extension://test-extension-id";

type Handler = (params: Record<string, unknown>, socket: FakeSocket) => unknown | Promise<unknown>;

export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: SocketLike["onopen"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  onmessage: SocketLike["onmessage"] = null;
  authenticated = false;
  clientId: string | undefined;
  pendingChallenge: { clientNonce: Uint8Array; agentNonce: Uint8Array; clientId: string } | undefined;
  seq = 0;

  constructor(
    readonly agent: FakeAgent,
    readonly url: string,
  ) {}

  send(text: string): void {
    if (this.readyState !== 1) throw new Error("not open");
    this.agent.sent.push(text);
    void this.agent.handle(this, text);
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  deliver(frame: object): void {
    if (this.readyState !== 1) return;
    const text = JSON.stringify(frame);
    queueMicrotask(() => this.onmessage?.({ data: text }));
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }
}

export class FakeAgent {
  /** When false, sockets close before opening (nothing listens on the port). */
  listening = true;
  protocolVersion = "1.1";
  agentVersion = "9.9.9-fake";
  testMode = true;
  pcsc: PcscState = "up";
  readers: ReaderStatus[] = [];
  pairingCode: string | undefined;
  readonly pairings = new Map<string, CryptoKey>();
  readonly sockets: FakeSocket[] = [];
  /** Every text frame the client sent, in order. */
  readonly sent: string[] = [];
  readonly handlers: Record<string, Handler> = {};
  private keys: CryptoKeyPair | undefined;
  /** Sign auth challenges with another key than the one given at pairing (a foreign program on the port). */
  impostor = false;
  /** Name its key in `hello` (`agentKeyId`), as agents of the per-user port range do; older agents do not. */
  announceKeyId = false;

  readonly factory: SocketFactory = (url) => {
    const s = new FakeSocket(this, url);
    this.sockets.push(s);
    queueMicrotask(() => {
      if (!this.listening) {
        s.readyState = 3;
        s.onclose?.({ code: 1006, reason: "" });
        return;
      }
      s.readyState = 1;
      s.onopen?.({});
    });
    return s;
  };

  async init(): Promise<this> {
    this.keys = await generateAuthKeyPair(true);
    return this;
  }

  get openSockets(): FakeSocket[] {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  methodsCalled(): string[] {
    return this.sent.map((t) => (JSON.parse(t) as RequestFrame).method);
  }

  emit(event: string, data: unknown, { preAuth = false } = {}): void {
    for (const s of this.openSockets) if (s.authenticated || preAuth) s.deliver(eventFrame(event, data, ++s.seq));
  }

  /** Closes every open connection from the agent side (agent stopped: 1001; or a protocol close code). */
  closeAll(code: number = CLOSE_CODES.goingAway): void {
    for (const s of this.openSockets) s.close(code);
  }

  async handle(socket: FakeSocket, text: string): Promise<void> {
    const parsed = parseFrame(text, { localSide: "agent" });
    if (!parsed.ok || parsed.frame.type !== "req") return;
    const req = parsed.frame;
    const params = (req.params ?? {}) as Record<string, unknown>;
    try {
      const result = await this.answer(req.method, params, socket);
      socket.deliver(okResponse(req.id, result));
    } catch (e) {
      socket.deliver(errorResponse(req.id, e));
      if (e instanceof BridgeError && e.code === "ERR_AUTH_FAILED") socket.close(CLOSE_CODES.authFailed);
    }
  }

  private async answer(method: string, params: Record<string, unknown>, socket: FakeSocket): Promise<unknown> {
    const custom = this.handlers[method];
    if (custom) return custom(params, socket);
    switch (method) {
      case "hello":
        return {
          agentVersion: this.agentVersion,
          protocolVersion: this.protocolVersion,
          capabilities: ["hello", "heartbeat", "readers.list", "card.status", "pin.verify", "login.sign", "events"],
          testMode: this.testMode,
          pairing: { open: this.pairingCode !== undefined },
          ...(this.announceKeyId ? { agentKeyId: await this.keyId() } : {}),
        };
      case "heartbeat":
        return { time: new Date().toISOString() };
      case "pair.complete": {
        if (this.pairingCode === undefined) throw new BridgeError("ERR_PAIRING_WINDOW_CLOSED");
        if (params.code !== this.pairingCode) throw new BridgeError("ERR_PAIRING_CODE_WRONG");
        this.pairingCode = undefined;
        const clientId = `client-${this.pairings.size + 1}-abcdef`;
        this.pairings.set(clientId, await importAuthPublicKey(params.clientPublicKey as string));
        return { clientId, agentPublicKey: await exportAuthPublicKey(this.keys!.publicKey) };
      }
      case "auth.challenge": {
        const clientId = params.clientId as string;
        if (!this.pairings.has(clientId)) throw new BridgeError("ERR_NOT_PAIRED");
        const clientNonce = base64ToBytes(params.clientNonce as string)!;
        const agentNonce = crypto.getRandomValues(new Uint8Array(32));
        socket.pendingChallenge = { clientNonce, agentNonce, clientId };
        const signer = this.impostor ? (await generateAuthKeyPair(false)).privateKey : this.keys!.privateKey;
        const agentSignature = await signTranscript(
          signer,
          authTranscript({ role: "agent", ...this.common(socket, clientId, clientNonce, agentNonce) }),
        );
        return { agentNonce: bytesToBase64(agentNonce), agentSignature };
      }
      case "auth.prove": {
        const ch = socket.pendingChallenge;
        socket.pendingChallenge = undefined;
        const key = this.pairings.get(params.clientId as string);
        if (ch === undefined || key === undefined || ch.clientId !== params.clientId)
          throw new BridgeError("ERR_AUTH_FAILED");
        const ok = await verifyTranscript(
          key,
          authTranscript({ role: "client", ...this.common(socket, ch.clientId, ch.clientNonce, ch.agentNonce) }),
          params.signature as string,
        );
        if (!ok) throw new BridgeError("ERR_AUTH_FAILED");
        socket.authenticated = true;
        socket.clientId = ch.clientId;
        return { authenticated: true, clientId: ch.clientId };
      }
      case "readers.list":
        this.requireAuth(socket);
        return { pcsc: this.pcsc, readers: this.readers };
      case "card.status": {
        this.requireAuth(socket);
        const r = this.readers.find((x) => x.name === params.reader) ?? this.readers[0];
        if (!r) throw new BridgeError("ERR_NO_READERS");
        return r;
      }
      default:
        this.requireAuth(socket);
        throw new BridgeError("ERR_UNKNOWN_METHOD");
    }
  }

  /** hello's agentKeyId: the first 16 hex digits of SHA-256 of the agent's SPKI. */
  async keyId(): Promise<string> {
    const spki = base64ToBytes(await exportAuthPublicKey(this.keys!.publicKey))!;
    const d = new Uint8Array(await crypto.subtle.digest("SHA-256", spki as Uint8Array<ArrayBuffer>));
    return Array.from(d.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  private requireAuth(socket: FakeSocket): void {
    if (!socket.authenticated) throw new BridgeError("ERR_NOT_AUTHENTICATED");
  }

  private common(socket: FakeSocket, clientId: string, clientNonce: Uint8Array, agentNonce: Uint8Array) {
    return { protocolMajor: PROTOCOL_MAJOR, port: socket.port, origin: TEST_ORIGIN, clientId, clientNonce, agentNonce };
  }
}

/** A CPS3 reader as the agent reports it once the identity is read. */
export function cps3Reader(overrides: Partial<ReaderStatus> = {}): ReaderStatus {
  return {
    name: "Virtual PCD 00 00",
    state: "present",
    atr: "3BDF18FFC080B1FE751F033078",
    cardType: "cps3",
    serial: "80250000012345678901",
    holder: {
      nationalId: "810001234567",
      idType: "RPPS",
      surname: "MARTIN",
      givenName: "Claire",
      profession: "Médecin",
      kind: "CPS",
    },
    certificate: {
      subject: "CN=810001234567+SN=MARTIN+GN=Claire, T=Médecin, C=FR",
      issuer: "CN=TEST AC IGC-SANTE FORT PERSONNES",
      serialNumber: "01",
      notBefore: "2025-01-01T00:00:00.000Z",
      notAfter: "2028-01-01T00:00:00.000Z",
      validity: "valid",
      daysLeft: 700,
      chain: "test",
      fingerprint: "00".repeat(32),
    },
    pin: { triesLeft: 3, maxTries: 3, blocked: false, verified: false },
    ...overrides,
  };
}

/** Several fake agents on ports of 127.0.0.1: a socket to a port nobody holds closes before opening (1006). */
export class FakeLoopback {
  readonly agents = new Map<number, FakeAgent>();
  /** Ports asked for, in order. */
  readonly dialed: number[] = [];
  private readonly nobody = Object.assign(new FakeAgent(), { listening: false });

  readonly factory: SocketFactory = (url) => {
    const port = Number(new URL(url).port);
    this.dialed.push(port);
    return (this.agents.get(port) ?? this.nobody).factory(url);
  };

  /** Puts `agent` on `port` (removing it from any other port). */
  place(port: number, agent: FakeAgent): void {
    for (const [p, a] of this.agents) if (a === agent) this.agents.delete(p);
    this.agents.set(port, agent);
  }

  /** Stops whatever listens on `port`: its connections close 1001. */
  vacate(port: number): void {
    this.agents.get(port)?.closeAll();
    this.agents.delete(port);
  }
}
