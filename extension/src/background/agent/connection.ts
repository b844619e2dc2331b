/**
 * One WebSocket connection to the agent: request/response correlation by id, per-method timeouts, result
 * validation, the client heartbeat and dead-socket detection (docs/protocol.md; protocol/src/limits.ts).
 * A Connection never reconnects: the agent client (agent-client.ts) makes a new one.
 */
import { type EventFrame, encodeFrame, fromWireError, parseFrame, requestFrame } from "@cps-bridge/protocol/envelope";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { CLIENT_DEAD_AFTER_MS, HEARTBEAT_INTERVAL_MS, MAX_IN_FLIGHT_PER_CONNECTION } from "@cps-bridge/protocol/limits";
import type { AnySchema, MethodDefinition } from "@cps-bridge/protocol/methods/define";
import { heartbeat } from "@cps-bridge/protocol/methods/heartbeat";
import * as v from "valibot";
import { SOCKET_OPEN, type SocketLike } from "./socket";

export type AnyMethod = MethodDefinition<string, AnySchema, AnySchema>;
export type ParamsOf<M extends AnyMethod> = v.InferInput<M["params"]>;
export type ResultOf<M extends AnyMethod> = v.InferOutput<M["result"]>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: unknown;
  method: AnyMethod;
}

export interface ConnectionHandlers {
  onEvent(frame: EventFrame): void;
  /** The socket closed (by either side, or declared dead). Called once. */
  onClose(code: number, reason: string): void;
}

export class Connection {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private heartbeatTimer: unknown;
  private deadTimer: unknown;
  private closed = false;
  private readonly opened: Promise<void>;
  private rejectOpen: ((e: unknown) => void) | undefined;

  constructor(
    private readonly socket: SocketLike,
    private readonly handlers: ConnectionHandlers,
    private readonly timers: Timers = realTimers,
    openTimeoutMs = 5_000,
  ) {
    this.opened = new Promise<void>((resolve, reject) => {
      this.rejectOpen = reject;
      const t = timers.setTimeout(() => {
        reject(new BridgeError("ERR_AGENT_UNAVAILABLE", "WebSocket open timed out"));
        this.close(1000, "open timeout");
      }, openTimeoutMs);
      socket.onopen = () => {
        timers.clearTimeout(t);
        this.armHeartbeat();
        this.armDead();
        resolve();
      };
      socket.onerror = () => {
        // The browser gives no reason (by design); onclose follows.
      };
      socket.onclose = (ev) => {
        timers.clearTimeout(t);
        reject(new BridgeError("ERR_AGENT_UNAVAILABLE", `WebSocket closed (${ev.code})`, { closeCode: ev.code }));
        this.finish(ev.code, ev.reason);
      };
    });
    // A rejection nobody awaits yet must not surface as an unhandled rejection.
    this.opened.catch(() => {});
    socket.onmessage = (ev) => this.receive(ev.data);
  }

  /** Resolves when the socket is open; rejects with ERR_AGENT_UNAVAILABLE otherwise. */
  waitOpen(): Promise<void> {
    return this.opened;
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === SOCKET_OPEN;
  }

  call<M extends AnyMethod>(method: M, params: ParamsOf<M>, timeoutMs = method.timeoutMs): Promise<ResultOf<M>> {
    if (!this.isOpen) return Promise.reject(new BridgeError("ERR_AGENT_UNAVAILABLE", "Connection is closed"));
    if (this.pending.size >= MAX_IN_FLIGHT_PER_CONNECTION) {
      return Promise.reject(new BridgeError("ERR_TOO_MANY_REQUESTS", "Too many requests in flight (client cap)"));
    }
    const id = String(this.nextId++);
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(
          new BridgeError("ERR_TIMEOUT", `${method.name} got no answer in ${timeoutMs} ms`, { method: method.name }),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, method });
      try {
        this.send(encodeFrame(requestFrame(id, method.name, params)));
      } catch (e) {
        this.timers.clearTimeout(timer);
        this.pending.delete(id);
        reject(e);
      }
    });
  }

  close(code = 1000, reason = ""): void {
    if (this.closed) return;
    try {
      this.socket.close(code, reason);
    } catch {
      /* already closing */
    }
    // Do not wait for the browser's close event: the client must be able to reconnect at once.
    this.finish(code, reason);
  }

  private send(text: string): void {
    this.socket.send(text);
    this.armHeartbeat();
  }

  private receive(data: unknown): void {
    if (this.closed) return;
    this.armDead();
    const parsed = parseFrame(data, { localSide: "extension" });
    if (!parsed.ok) {
      // A malformed frame from the agent: drop it; a response we never match times out with ERR_TIMEOUT.
      console.warn("cps-bridge: malformed frame from the agent", parsed.error.code);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === "evt") {
      this.handlers.onEvent(frame);
      return;
    }
    if (frame.type === "req") return; // the agent sends no requests in protocol 1.x
    if (frame.id === null) return;
    const p = this.pending.get(frame.id);
    if (p === undefined) return;
    this.pending.delete(frame.id);
    this.timers.clearTimeout(p.timer);
    if (!frame.ok) {
      p.reject(fromWireError(frame.error));
      return;
    }
    const result = v.safeParse(p.method.result, frame.result);
    if (!result.success) {
      p.reject(new BridgeError("ERR_PROTOCOL", `Invalid ${p.method.name} result`, { method: p.method.name }));
      return;
    }
    p.resolve(result.output);
  }

  /** Our keepalive: a `heartbeat` request whenever we have sent nothing for HEARTBEAT_INTERVAL_MS (limits.ts). */
  private armHeartbeat(): void {
    if (this.closed) return;
    this.timers.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = this.timers.setTimeout(() => {
      this.call(heartbeat, {}).catch(() => {
        /* a dead agent is detected by the dead timer or the close event */
      });
    }, HEARTBEAT_INTERVAL_MS);
  }

  /** No frame at all for CLIENT_DEAD_AFTER_MS: the agent or the network path is gone; close and let the client retry. */
  private armDead(): void {
    if (this.closed) return;
    this.timers.clearTimeout(this.deadTimer);
    this.deadTimer = this.timers.setTimeout(() => this.close(4000, "agent silent"), CLIENT_DEAD_AFTER_MS);
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.rejectOpen?.(new BridgeError("ERR_AGENT_UNAVAILABLE", `WebSocket closed (${code})`, { closeCode: code }));
    this.timers.clearTimeout(this.heartbeatTimer);
    this.timers.clearTimeout(this.deadTimer);
    for (const [id, p] of this.pending) {
      this.timers.clearTimeout(p.timer);
      p.reject(
        new BridgeError("ERR_AGENT_UNAVAILABLE", `Connection closed during ${p.method.name}`, { closeCode: code }),
      );
      this.pending.delete(id);
    }
    this.socket.onmessage = null;
    this.socket.onopen = null;
    this.socket.onclose = null;
    this.handlers.onClose(code, reason);
  }
}
