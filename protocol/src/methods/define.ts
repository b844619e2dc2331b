/**
 * The shape of one method of the wire contract, and the small schemas several methods share. One file per method
 * (`methods/<name>.ts`) exports its definition; methods/index.ts is the registry.
 */
import * as v from "valibot";
import { base64ToBytes, isBase64 } from "../base64";
import type { ErrorCode } from "../errors";

export type AnySchema = v.GenericSchema<unknown, unknown>;

export interface MethodDefinition<
  N extends string = string,
  P extends AnySchema = AnySchema,
  R extends AnySchema = AnySchema,
> {
  name: N;
  /** One line for docs/protocol.md and for logs. */
  summary: string;
  /** Checked by the agent before the handler runs. Strict objects: unknown members are refused, not ignored. */
  params: P;
  /** Checked by the client on every success response. Loose objects: members added by a later minor are ignored. */
  result: R;
  /** False only for `hello`, `pair.*`, `auth.*` and `heartbeat` (anchors.md §(a), handshake gate 3). */
  requiresAuth: boolean;
  /** Talks to a card: serialised per reader by the agent (queued, or ERR_ACTION_PENDING with `wait: false`). */
  cardOperation: boolean;
  /** How long a client waits for the response before ERR_TIMEOUT (includes queueing behind other card work). */
  timeoutMs: number;
  /** Codes this method may answer besides the generic ones (docs/protocol.md lists both). */
  errors: readonly ErrorCode[];
  /**
   * When the params fail their schema on one of these top-level members, the answer is this code instead of
   * ERR_INVALID_PARAMS (e.g. a malformed `pin` is ERR_PIN_FORMAT), still with `details.issues`.
   */
  paramErrorCodes?: Readonly<Record<string, ErrorCode>>;
  /** Protocol version that introduced the method. */
  since: string;
}

export function defineMethod<const N extends string, P extends AnySchema, R extends AnySchema>(
  def: MethodDefinition<N, P, R>,
): MethodDefinition<N, P, R> {
  return def;
}

/** Codes any method may answer (envelope, gates, caps, internal failures). */
export const GENERIC_ERRORS: readonly ErrorCode[] = [
  "ERR_PROTOCOL",
  "ERR_FRAME_TOO_LARGE",
  "ERR_UNKNOWN_METHOD",
  "ERR_INVALID_PARAMS",
  "ERR_NOT_AUTHENTICATED",
  "ERR_TOO_MANY_REQUESTS",
  "ERR_RATE_LIMITED",
  "ERR_TIMEOUT",
  "ERR_INTERNAL",
];

/** Errors every card operation may answer (PC/SC and card presence). */
export const CARD_ERRORS: readonly ErrorCode[] = [
  "ERR_PCSC_SERVICE_DOWN",
  "ERR_NO_READERS",
  "ERR_READER_NOT_FOUND",
  "ERR_NO_CARD",
  "ERR_CARD_REMOVED",
  "ERR_CARD_MUTE",
  "ERR_READER_BUSY",
  "ERR_CARD_COMMUNICATION",
  "ERR_PCSC_FAILURE",
  "ERR_NOT_A_CPS",
  "ERR_UNSUPPORTED_CARD",
  "ERR_CARD_DATA_INVALID",
  "ERR_CARD_OPERATION_FAILED",
  "ERR_ACTION_PENDING",
];

/** A PC/SC reader name as the agent reports it (readers.list); bounded, printable. */
export const ReaderNameSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(256),
  v.regex(/^\P{Cc}+$/u, "printable text"),
);

/** Members every card operation accepts. */
export const cardTarget = {
  /** Reader to use; default: the only reader holding a CPS card (else ERR_NO_CARD / ERR_NOT_A_CPS). */
  reader: v.optional(ReaderNameSchema),
  /** `false`: answer ERR_ACTION_PENDING instead of queuing behind a running card operation. Default true. */
  wait: v.optional(v.boolean()),
};

/** Standard base64 of exactly `bytes` bytes. */
export function base64Bytes(bytes: number, message: string) {
  const length = 4 * Math.ceil(bytes / 3);
  return v.pipe(
    v.string(),
    v.length(length, message),
    v.check((s: string) => base64ToBytes(s)?.length === bytes, message),
  );
}

/** Standard base64 of at most `maxChars` characters. */
export function base64Text(maxChars: number, message: string) {
  return v.pipe(
    v.string(),
    v.minLength(4, message),
    v.maxLength(maxChars, message),
    v.check((s: string) => isBase64(s), message),
  );
}

/** Short human text (labels, client names): printable, no control characters. */
export function label(max: number) {
  return v.pipe(v.string(), v.minLength(1), v.maxLength(max), v.regex(/^\P{Cc}+$/u, "printable text"));
}
