/**
 * Routes runtime messages to one small handler per message type (background/handlers/*.ts, registered in
 * handlers/index.ts), Refined-GitHub style (anchors.md §4.1): adding `diagnostics.run` or `otp.fill` later is one
 * new file plus one line in the registry.
 *
 * Each handler declares who may call it. Extension pages (popup, pairing, PIN window, options) are recognised by
 * their URL under our own origin; content scripts by having a tab and a web URL. Messages from other extensions
 * or web pages (externally_connectable is not declared, so they cannot even reach us) are refused anyway.
 */
import { type ErrorCode, isBridgeError } from "@cps-bridge/protocol/errors";
import type { AnswerOf, Failure, MessageType, RequestOf } from "../shared/messages";
import type { SenderLike } from "./pin/sender-origin";
import type { Services } from "./services";

export type CallerKind = "extension-page" | "content-script";

export interface HandlerContext {
  sender: SenderLike;
  caller: CallerKind;
  services: Services;
}

export interface Handler<T extends MessageType> {
  type: T;
  /** Who may send this message. */
  from: readonly CallerKind[];
  handle(request: RequestOf<T>, ctx: HandlerContext): Promise<AnswerOf<T>>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds handlers of every message type.
export type AnyHandler = Handler<any>;

export function defineHandler<T extends MessageType>(h: Handler<T>): Handler<T> {
  return h;
}

export function fail(code: ErrorCode, details?: Record<string, unknown>): Failure {
  return { ok: false, code, ...(details ? { details } : {}) };
}

/** Turns anything thrown by a handler into an answer the UI can show. */
export function failureOf(e: unknown): Failure {
  if (isBridgeError(e)) return fail(e.code, e.details as Record<string, unknown> | undefined);
  console.warn("cps-bridge: handler failed", e);
  return fail("ERR_INTERNAL");
}

export function callerKind(sender: SenderLike, ownId: string, ownBaseUrl: string): CallerKind | undefined {
  if (sender.id !== ownId) return undefined;
  if (sender.url?.startsWith(ownBaseUrl)) return "extension-page";
  if (sender.tab !== undefined && sender.url !== undefined && /^https?:/.test(sender.url)) return "content-script";
  return undefined;
}

export class Router {
  private readonly handlers = new Map<string, AnyHandler>();

  constructor(
    handlers: readonly AnyHandler[],
    private readonly services: Services,
    private readonly own: { id: string; baseUrl: string },
  ) {
    for (const h of handlers) {
      if (this.handlers.has(h.type)) throw new Error(`Two handlers for ${h.type}`);
      this.handlers.set(h.type, h);
    }
  }

  get types(): string[] {
    return [...this.handlers.keys()];
  }

  /** Is this a message one of our handlers answers? (Synchronous: decides whether the listener responds.) */
  accepts(message: unknown): boolean {
    if (typeof message !== "object" || message === null) return false;
    const type = (message as { type?: unknown }).type;
    return typeof type === "string" && this.handlers.has(type);
  }

  /**
   * Answers one message. Returns undefined for messages that are not ours (no `type`, unknown type), so another
   * listener may answer them; otherwise always an answer, never a rejection.
   */
  dispatch(message: unknown, sender: SenderLike): Promise<unknown> | undefined {
    if (typeof message !== "object" || message === null) return undefined;
    const type = (message as { type?: unknown }).type;
    if (typeof type !== "string") return undefined;
    const handler = this.handlers.get(type);
    if (handler === undefined) return undefined;
    const caller = callerKind(sender, this.own.id, this.own.baseUrl);
    if (caller === undefined || !handler.from.includes(caller)) {
      return Promise.resolve(fail("ERR_ORIGIN_NOT_ALLOWED"));
    }
    const { type: _t, ...request } = message as Record<string, unknown>;
    return handler.handle(request, { sender, caller, services: this.services }).catch(failureOf);
  }
}
