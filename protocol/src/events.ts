/**
 * Events the agent pushes (`{v:1, type:"evt", event, data, seq}`, envelope.ts). Sent only on authenticated
 * connections, except `heartbeat` and `agent.state`, which any connection past `hello` receives (the pairing page
 * shows whether PC/SC is up). Data objects are loose: a later minor may add members, and a client ignores events it
 * does not know (`diagnostics.*`, `otp.*`, `dossiers.*` are reserved for them, capabilities.ts).
 */
import * as v from "valibot";
import { CheckResultSchema } from "./diagnostics/model";
import { ReaderNameSchema } from "./methods/define";
import { PcscStateSchema, ReaderStatusSchema } from "./model";

export const EVENTS = {
  /** A reader appeared. */
  "reader.attached": v.object({ reader: ReaderNameSchema }),
  /** A reader disappeared; a client treats it as the removal of its card too (a card.removed may or may not precede). */
  "reader.detached": v.object({ reader: ReaderNameSchema }),
  /** A card was inserted; `reader` holds what is known at once (ATR, type); identity follows in card.updated. */
  "card.inserted": v.object({ reader: ReaderStatusSchema }),
  /** The card left the reader. */
  "card.removed": v.object({ reader: ReaderNameSchema }),
  /** What is known of a card changed: identity read, PIN tries changed, an error reading it. */
  "card.updated": v.object({ reader: ReaderStatusSchema }),
  /** Agent-wide state: PC/SC supervisor state, pairing window. Sent after `hello` and on every change. */
  "agent.state": v.object({
    pcsc: PcscStateSchema,
    pairing: v.object({ open: v.boolean() }),
  }),
  /**
   * Sent by the agent when it has sent nothing on a connection for HEARTBEAT_INTERVAL_MS, so a client can tell a
   * quiet agent from a dead socket (CLIENT_DEAD_AFTER_MS). Clients need not answer: their own `heartbeat`
   * requests keep the connection open.
   */
  heartbeat: v.object({ time: v.pipe(v.string(), v.isoTimestamp()) }),
  /** Since 1.1: one check of a running `diagnostics.run` finished (sent to the requesting connection only). */
  "diagnostics.progress": v.object({ result: CheckResultSchema }),
  /**
   * Since 1.2: during an `otp.wait`, a mail from an allowed sender was refused because the receiving server recorded
   * a DKIM/SPF/DMARC failure (OTP_AUTH_FAILED, a warning: the wait goes on). Carries no code and no mail content.
   */
  "otp.refused": v.object({
    reason: v.literal("auth-failed"),
    code: v.literal("OTP_AUTH_FAILED"),
    mailDate: v.number(),
  }),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventData<E extends EventName> = v.InferOutput<(typeof EVENTS)[E]>;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** Events a connection receives before authentication. */
export const PRE_AUTH_EVENTS: readonly EventName[] = ["agent.state", "heartbeat"];

export function isEventName(x: unknown): x is EventName {
  return typeof x === "string" && Object.hasOwn(EVENTS, x);
}

export type TypedEvent = { [E in EventName]: { event: E; data: EventData<E>; seq: number } }[EventName];

export type EventParseResult =
  | { ok: true; event: TypedEvent }
  /** `unknown`: an event this client does not know (newer agent): ignore it. `invalid`: a known event, bad data. */
  | { ok: false; reason: "unknown" | "invalid" };

/** Validates the data of a received event frame against its schema. Never throws. */
export function parseEvent(frame: { event: string; data: unknown; seq: number }): EventParseResult {
  if (!isEventName(frame.event)) return { ok: false, reason: "unknown" };
  const parsed = v.safeParse(EVENTS[frame.event], frame.data);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  return { ok: true, event: { event: frame.event, data: parsed.output, seq: frame.seq } as TypedEvent };
}
