/**
 * One WebSocket connection's state: which gate let it in, whether `hello` and authentication happened, its pending
 * auth challenge, its in-flight requests, its event sequence and its clocks (for hello/idle/auth deadlines and the
 * heartbeat). The server owns the socket; this class only sends and closes through it.
 */
import { type EventFrame, encodeFrame, eventFrame, type ResponseFrame } from "@cps-bridge/protocol/envelope";
import type { EventData, EventName } from "@cps-bridge/protocol/events";
import type { WebSocket } from "ws";

export type ConnectionMode =
  /** Firefox origin not paired yet: hello, pair.complete and heartbeat only. */
  | "pairing-only"
  /** Allowed origin: hello, pair.*, auth.*, heartbeat until authenticated, then everything. */
  | "normal";

export interface PendingChallenge {
  clientId: string;
  clientNonce: Uint8Array;
  agentNonce: Uint8Array;
  expiresAt: number;
}

let nextId = 1;

export class Connection {
  readonly id = nextId++;
  readonly openedAt: number;
  lastReceived: number;
  lastSent: number;
  helloDone = false;
  lang: "fr" | "en" = "fr";
  authenticated = false;
  pairingId: string | undefined;
  pendingChallenge: PendingChallenge | undefined;
  inFlight = 0;
  private seq = 0;
  closed = false;
  /** Called by the server once the socket is gone (shutdown waits for it). */
  onGone: (() => void) | undefined;
  /** Aborted when the connection closes: running handlers stop waiting for the card. */
  readonly lifetime = new AbortController();

  constructor(
    private readonly ws: WebSocket,
    readonly origin: string,
    public mode: ConnectionMode,
    readonly remoteAddress: string,
    private readonly maxBufferedBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    this.openedAt = now();
    this.lastReceived = this.openedAt;
    this.lastSent = this.openedAt;
  }

  /** Sends a response frame; a frame that cannot be encoded (too large) is answered ERR_FRAME_TOO_LARGE instead. */
  sendText(text: string): void {
    if (this.closed) return;
    // A client that stops reading must not make the agent buffer without bound.
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(1008, "slow consumer");
      return;
    }
    this.lastSent = this.now();
    this.ws.send(text);
  }

  sendResponse(frame: ResponseFrame): void {
    this.sendText(encodeFrame(frame));
  }

  sendEvent<E extends EventName>(event: E, data: EventData<E>): void {
    if (this.closed) return;
    this.seq++;
    const frame: EventFrame = eventFrame(event, data, this.seq);
    this.sendText(encodeFrame(frame));
  }

  /** Events other than agent.state / heartbeat go only to authenticated connections. */
  receivesCardEvents(): boolean {
    return this.authenticated && !this.closed;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pendingChallenge = undefined;
    this.lifetime.abort();
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    // A peer that ignores the close handshake is cut after 2 s.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  /** The socket went away (closed by the peer or by us). */
  markClosed(): void {
    this.closed = true;
    this.pendingChallenge = undefined;
    this.lifetime.abort();
  }
}
