/**
 * One incoming frame → one response, through the gates in this order (docs/agent.md "What each gate stops"):
 *
 *  1. text frames only (binary → close 1008);
 *  2. the envelope (protocol parseFrame): not JSON, not an object, bad `v`/`id`/`type` → ERR_PROTOCOL (with the id
 *     when it could be read); a response or event sent by a client → ERR_PROTOCOL;
 *  3. `hello` first: any other request before it → ERR_PROTOCOL;
 *  4. in-flight cap per connection → ERR_TOO_MANY_REQUESTS;
 *  5. method known → else ERR_UNKNOWN_METHOD;
 *  6. authentication: a "pairing only" (unpaired Firefox) connection may call hello, pair.complete, heartbeat
 *     (auth.* → ERR_NOT_PAIRED); any other connection may call only the methods marked `requiresAuth: false`
 *     until `auth.prove` succeeded → ERR_NOT_AUTHENTICATED. Params are not even looked at before this gate;
 *  7. params against the method's schema → ERR_INVALID_PARAMS or the method's own code (ERR_PIN_FORMAT...), whose
 *     details list paths and expectations, never values (a malformed PIN is never echoed);
 *  8. the handler, under a deadline (ERR_TIMEOUT) and an AbortSignal the card service honours.
 *
 * Secrets: the frame text is never logged, only method, id, duration and error code. The raw frame buffer is wiped
 * once decoded, and a `pin.verify` PIN string is dropped from the parsed frame as soon as the handler has copied it
 * into a byte buffer (a JS string cannot be wiped; it becomes unreachable instead).
 */
import { CLOSE_CODES, errorResponse, okResponse, parseFrame } from "@cps-bridge/protocol/envelope";
import { BridgeError, isBridgeError } from "@cps-bridge/protocol/errors";
import { isMethodName, METHODS, type MethodName, validateRequest } from "@cps-bridge/protocol/methods/index";
import type { Connection } from "./connection";
import type { BridgeServices, Handler, HandlerContext, HandlerTable } from "./context";

/** What an unpaired Firefox origin may call (gates.ts). Heartbeat keeps its pairing page's connection open. */
const PAIRING_ONLY: ReadonlySet<MethodName> = new Set(["hello", "pair.complete", "heartbeat"]);
/** The agent answers before the client's own deadline for the method runs out. */
const DEADLINE_MARGIN_MS = 500;

export function requestDeadlineMs(method: MethodName, capMs: number): number {
  return Math.max(50, Math.min(METHODS[method].timeoutMs - DEADLINE_MARGIN_MS, capMs));
}

export async function dispatchFrame(
  conn: Connection,
  data: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
  services: BridgeServices,
  handlers: HandlerTable,
): Promise<void> {
  conn.lastReceived = Date.now();
  if (isBinary) {
    conn.close(CLOSE_CODES.policyViolation, "binary frames are not accepted");
    return;
  }
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  const text = buf.toString("utf8");
  buf.fill(0);

  const parsed = parseFrame(text, { localSide: "agent" });
  if (!parsed.ok) return reply(conn, errorResponse(parsed.id, parsed.error));
  const frame = parsed.frame;
  if (frame.type !== "req") {
    return reply(
      conn,
      errorResponse(
        null,
        new BridgeError("ERR_PROTOCOL", "Only requests may be sent to the agent", { reason: "not a request" }),
      ),
    );
  }
  const { id, method } = frame;
  if (method !== "hello" && !conn.helloDone) {
    return reply(
      conn,
      errorResponse(id, new BridgeError("ERR_PROTOCOL", "hello must be the first request", { reason: "hello first" })),
    );
  }
  const limits = services.config.limits;
  if (conn.inFlight >= limits.maxInFlightPerConnection) {
    return reply(
      conn,
      errorResponse(
        id,
        new BridgeError("ERR_TOO_MANY_REQUESTS", undefined, { maxInFlight: limits.maxInFlightPerConnection }),
      ),
    );
  }
  if (!isMethodName(method)) {
    const r = validateRequest(frame); // the registry's ERR_UNKNOWN_METHOD, with details.reserved
    return reply(conn, errorResponse(id, r.ok ? new BridgeError("ERR_UNKNOWN_METHOD") : r.error));
  }
  if (conn.mode === "pairing-only" && !PAIRING_ONLY.has(method)) {
    const code = method.startsWith("auth.") ? "ERR_NOT_PAIRED" : "ERR_NOT_AUTHENTICATED";
    return reply(conn, errorResponse(id, new BridgeError(code, "This origin is not paired yet")));
  }
  if (METHODS[method].requiresAuth && !conn.authenticated) {
    return reply(conn, errorResponse(id, new BridgeError("ERR_NOT_AUTHENTICATED")));
  }
  const validated = validateRequest(frame);
  if (method === "pin.verify" && frame.params && typeof frame.params === "object") {
    delete (frame.params as Record<string, unknown>).pin;
  }
  if (!validated.ok) return reply(conn, errorResponse(id, validated.error));

  const request = validated.request;
  const started = Date.now();
  conn.inFlight++;
  const ctx = new RequestContext(conn, services);
  let outcome: string;
  try {
    const handler = handlers[method] as Handler<MethodName>;
    const r = handler(request.params as never, ctx);
    // A synchronous answer (hello, heartbeat, readers.list) has nothing to time out: no timer, no extra promise.
    const result = r instanceof Promise ? await withDeadline(r, method, limits.maxRequestTimeoutMs, ctx) : r;
    reply(conn, okResponse(id, result));
    outcome = "ok";
  } catch (e) {
    if (!isBridgeError(e)) {
      // Never the params: they may hold a PIN. The error itself comes from our code or the card layer.
      services.log.error({ err: e, conn: conn.id, method, reqId: id }, "request failed unexpectedly");
    }
    reply(conn, errorResponse(id, e));
    outcome = isBridgeError(e) ? e.code : "ERR_INTERNAL";
  } finally {
    ctx.release();
    conn.inFlight--;
  }
  if (services.log.isLevelEnabled("debug")) {
    services.log.debug({ conn: conn.id, method, reqId: id, ms: Date.now() - started, outcome }, "request");
  }
  if (ctx.afters) {
    for (const fn of ctx.afters) {
      try {
        fn();
      } catch (e) {
        services.log.error({ err: e, conn: conn.id, method }, "after-response hook failed");
      }
    }
  }
  if (ctx.closing) conn.close(ctx.closing.code, ctx.closing.reason);
}

/**
 * One request's HandlerContext: a class, so a request costs one object rather than an object literal and its
 * closures. The AbortSignal is made only when something reads `signal` (a card operation that waits for the card):
 * the cached answers (card.status from the cache, readers.list, heartbeat) then cost no AbortController and no
 * listener on the connection. A signal first asked for after the deadline passed or the connection closed is
 * returned already aborted.
 */
class RequestContext implements HandlerContext {
  private controller: AbortController | undefined;
  private abortedWith: unknown;
  afters: Array<() => void> | undefined;
  closing: { code: number; reason: string } | undefined;

  constructor(
    readonly conn: Connection,
    readonly services: BridgeServices,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      const lifetime = this.conn.lifetime.signal;
      if (this.abortedWith !== undefined) this.controller.abort(this.abortedWith);
      else if (lifetime.aborted) this.controller.abort(connectionClosed());
      else lifetime.addEventListener("abort", this, { once: true });
    }
    return this.controller.signal;
  }

  /** The connection closed (EventListener object: no closure per request). */
  handleEvent(): void {
    this.controller?.abort(connectionClosed());
  }

  abort(reason: unknown): void {
    if (this.controller) this.controller.abort(reason);
    else this.abortedWith = reason;
  }

  after(fn: () => void): void {
    if (this.afters) this.afters.push(fn);
    else this.afters = [fn];
  }

  closeAfter(code: number, reason: string): void {
    this.closing = { code, reason };
  }

  release(): void {
    if (this.controller) this.conn.lifetime.signal.removeEventListener("abort", this);
  }
}

function connectionClosed(): BridgeError {
  return new BridgeError("ERR_CARD_OPERATION_FAILED", "connection closed");
}

/** Settles with `work`, or rejects ERR_TIMEOUT (and aborts the request's signal) once the method's deadline passed. */
function withDeadline(
  work: Promise<unknown>,
  method: MethodName,
  capMs: number,
  ctx: RequestContext,
): Promise<unknown> {
  const ms = requestDeadlineMs(method, capMs);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new BridgeError("ERR_TIMEOUT", `${method} took longer than ${ms} ms`, { timeoutMs: ms });
      ctx.abort(err);
      reject(err);
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function reply(conn: Connection, frame: Parameters<Connection["sendResponse"]>[0]): void {
  try {
    conn.sendResponse(frame);
  } catch (e) {
    // encodeFrame refused an oversize answer: say so instead of sending it.
    if (frame.ok && isBridgeError(e, "ERR_FRAME_TOO_LARGE")) conn.sendResponse(errorResponse(frame.id, e));
    else throw e;
  }
}
