/**
 * The envelope of every WebSocket text frame between the extension background and the agent (docs/protocol.md §2,
 * shared/research/anchors.md §(a) "Message schema"):
 *   request   {v:1, id, type:"req", method, params}
 *   response  {v:1, id, type:"res", ok:true, result} | {v:1, id, type:"res", ok:false, error:{code, message, retriable, details?}}
 *   event     {v:1, type:"evt", event, data, seq}
 * `parseFrame` never throws: hostile input becomes a typed failure carrying the right ERR_ code, and the request id
 * when one could be read, so the agent can answer it and keep the connection. Pure: bundled by the extension too.
 */
import * as v from "valibot";
import { BridgeError, ERRORS, type ErrorCode, type ErrorDetails, isErrorCode } from "./errors";
import { MAX_FRAME_BYTES, MAX_ID_LENGTH, MAX_NAME_LENGTH } from "./limits";
import type { Side } from "./version";

/** Version of the envelope format itself. The protocol version is negotiated by `hello` (version.ts). */
export const ENVELOPE_VERSION = 1;

/** WebSocket close codes the agent uses (docs/protocol.md §2.5). */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  /** Refused by a gate (Origin, Host) or a frame that is not text. */
  policyViolation: 1008,
  /** A frame over MAX_FRAME_BYTES (ERR_FRAME_TOO_LARGE). */
  tooLarge: 1009,
  /** No `hello` in time, or no frame for IDLE_TIMEOUT_MS. */
  idleTimeout: 4000,
  /** `hello` answered ERR_VERSION_MISMATCH; the connection is useless. */
  versionMismatch: 4001,
  /** Authentication failed (ERR_AUTH_FAILED / ERR_NOT_PAIRED); a new connection is needed. */
  authFailed: 4003,
  /** The pairing the connection authenticated with was revoked (`cps-bridge unpair`). */
  unpaired: 4004,
} as const;

/** Printable ASCII without space: a uuid or a decimal counter fits; log-injection characters do not. */
const ID_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${MAX_ID_LENGTH}}$`);
/** Dotted lower-camel names: `hello`, `card.status`, `diagnostics.run`. */
const NAME_PATTERN = /^[a-z][a-zA-Z0-9]*(?:\.[a-z][a-zA-Z0-9]*)*$/;

export const RequestIdSchema = v.pipe(v.string(), v.regex(ID_PATTERN, "id: 1-64 printable ASCII characters"));
export const NameSchema = v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH), v.regex(NAME_PATTERN, "dotted name"));

/**
 * The error object of a failed response. `code` is any upper-case `AREA_…` string (`ERR_…` since 1.0, `OTP_…` since
 * 1.2): a newer agent may send codes a client lacks. Only a client that called a 1.2 method can receive an OTP_ code.
 */
export const WireErrorSchema = v.object({
  code: v.pipe(v.string(), v.regex(/^(ERR|OTP)_[A-Z0-9_]{1,60}$/)),
  message: v.pipe(v.string(), v.maxLength(1024)),
  retriable: v.boolean(),
  details: v.optional(v.record(v.string(), v.unknown())),
});
export type WireError = v.InferOutput<typeof WireErrorSchema>;

// Envelopes are loose objects: receivers ignore members they do not know (a later minor may add some).
const V = v.literal(ENVELOPE_VERSION);

export const RequestFrameSchema = v.object({
  v: V,
  id: RequestIdSchema,
  type: v.literal("req"),
  method: NameSchema,
  /** Validated against the method's own schema (methods/index.ts); an absent params counts as `{}`. */
  params: v.optional(v.unknown()),
});
export type RequestFrame = v.InferOutput<typeof RequestFrameSchema>;

export const OkResponseFrameSchema = v.object({
  v: V,
  id: RequestIdSchema,
  type: v.literal("res"),
  ok: v.literal(true),
  result: v.unknown(),
});
export const ErrorResponseFrameSchema = v.object({
  v: V,
  /** `null` only when the request's id could not be read (malformed frame). */
  id: v.nullable(RequestIdSchema),
  type: v.literal("res"),
  ok: v.literal(false),
  error: WireErrorSchema,
});
export const ResponseFrameSchema = v.variant("ok", [OkResponseFrameSchema, ErrorResponseFrameSchema]);
export type OkResponseFrame = v.InferOutput<typeof OkResponseFrameSchema>;
export type ErrorResponseFrame = v.InferOutput<typeof ErrorResponseFrameSchema>;
export type ResponseFrame = OkResponseFrame | ErrorResponseFrame;

export const EventFrameSchema = v.object({
  v: V,
  type: v.literal("evt"),
  event: NameSchema,
  data: v.unknown(),
  /** Per connection, from 1, +1 for each event the agent sends on it. */
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});
export type EventFrame = v.InferOutput<typeof EventFrameSchema>;

export type Frame = RequestFrame | ResponseFrame | EventFrame;

/** One schema problem, as sent in `details.issues`. Never carries the received value (it could be a PIN). */
export interface WireIssue {
  /** Dotted path inside the checked object (`pin`, `client.name`); "" for the object itself. */
  path: string;
  /** What was expected, from the schema (never from the input). */
  expected: string | null;
  /** Kind of check that failed, e.g. `schema:string`, `validation:regex`, `schema:strict_object`. */
  check: string;
}

const MAX_ISSUES = 10;

export function wireIssues(issues: readonly v.BaseIssue<unknown>[]): WireIssue[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: (v.getDotPath(issue) ?? "").slice(0, 128),
    expected: issue.expected === null ? null : issue.expected.slice(0, 128),
    check: `${issue.kind}:${issue.type}`,
  }));
}

export type FrameParseResult =
  | { ok: true; frame: Frame }
  /** `id`: the request id when the frame was a request whose id could be read, so the answer can carry it. */
  | { ok: false; error: BridgeError; id: string | null };

export interface ParseFrameOptions {
  /** Which side is parsing: names the side to update when the envelope version is newer than ours. */
  localSide?: Side;
}

const encoder = new TextEncoder();

/** UTF-8 length of `s`, computed only when it could exceed `limit`. */
function exceedsBytes(s: string, limit: number): boolean {
  if (s.length * 3 <= limit) return false;
  if (s.length > limit) return true;
  return encoder.encode(s).length > limit;
}

function fail(code: ErrorCode, reason: string, id: string | null = null, extra?: ErrorDetails): FrameParseResult {
  return { ok: false, error: new BridgeError(code, `Bad frame: ${reason}`, { reason, ...extra }), id };
}

/**
 * Reads one WebSocket frame. `data` should be the text of a text frame; anything else (a Buffer of a binary frame,
 * undefined) is refused with ERR_PROTOCOL. Never throws.
 */
export function parseFrame(data: unknown, options: ParseFrameOptions = {}): FrameParseResult {
  if (typeof data !== "string") return fail("ERR_PROTOCOL", "not a text frame");
  if (exceedsBytes(data, MAX_FRAME_BYTES)) return fail("ERR_FRAME_TOO_LARGE", "frame too large");
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return fail("ERR_PROTOCOL", "not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("ERR_PROTOCOL", "not a JSON object");
  const obj = raw as Record<string, unknown>;
  const id = obj.type === "req" && typeof obj.id === "string" && ID_PATTERN.test(obj.id) ? obj.id : null;

  if (obj.v !== ENVELOPE_VERSION) {
    const ver = obj.v;
    if (typeof ver === "number" && Number.isSafeInteger(ver) && ver > 0) {
      // A well-formed envelope of another version: that is a version problem, not garbage.
      const newer = ver > ENVELOPE_VERSION;
      const other: Side | undefined = options.localSide === "agent" ? "extension" : options.localSide && "agent";
      const requiresUpdate = newer ? options.localSide : other;
      return fail("ERR_VERSION_MISMATCH", "envelope version", id, {
        envelopeVersion: ver,
        ...(requiresUpdate ? { requiresUpdate } : {}),
      });
    }
    return fail("ERR_PROTOCOL", "missing or invalid v", id);
  }

  const schema =
    obj.type === "req"
      ? RequestFrameSchema
      : obj.type === "res"
        ? ResponseFrameSchema
        : obj.type === "evt"
          ? EventFrameSchema
          : undefined;
  if (!schema) return fail("ERR_PROTOCOL", "unknown type", id);
  const parsed = v.safeParse(schema, obj);
  if (!parsed.success)
    return fail("ERR_PROTOCOL", `invalid ${String(obj.type)}`, id, { issues: wireIssues(parsed.issues) });
  return { ok: true, frame: parsed.output as Frame };
}

/** JSON-safe copy of details, bounded in size; never throws (cycles, BigInt and oversize collapse to a marker). */
function wireDetails(details: ErrorDetails | undefined): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  try {
    const json = JSON.stringify(details);
    if (json === undefined || json === "{}") return undefined;
    if (json.length > 4096) return { truncated: true };
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { truncated: true };
  }
}

/**
 * Turns anything thrown into the error object of a response. Only BridgeErrors keep their message and details;
 * any other exception becomes ERR_INTERNAL with a fixed message (its text may hold paths or data: it is logged
 * by the agent, not sent).
 */
export function toWireError(e: unknown): WireError {
  if (e instanceof BridgeError) {
    const details = wireDetails(e.details);
    return {
      code: e.code,
      message: e.message.slice(0, 1024),
      retriable: ERRORS[e.code].retriable,
      ...(details ? { details } : {}),
    };
  }
  return { code: "ERR_INTERNAL", message: ERRORS.ERR_INTERNAL.en, retriable: ERRORS.ERR_INTERNAL.retriable };
}

/** The BridgeError a client throws for a failed response. A code this client does not know becomes ERR_INTERNAL. */
export function fromWireError(w: WireError): BridgeError {
  const details = (w.details ?? undefined) as ErrorDetails | undefined;
  if (isErrorCode(w.code)) return new BridgeError(w.code, w.message, details);
  return new BridgeError("ERR_INTERNAL", w.message, { ...details, remoteCode: w.code });
}

export function requestFrame(id: string, method: string, params: unknown = {}): RequestFrame {
  return { v: ENVELOPE_VERSION, id, type: "req", method, params };
}

export function okResponse(id: string, result: unknown): OkResponseFrame {
  return { v: ENVELOPE_VERSION, id, type: "res", ok: true, result };
}

export function errorResponse(id: string | null, error: unknown): ErrorResponseFrame {
  return { v: ENVELOPE_VERSION, id, type: "res", ok: false, error: toWireError(error) };
}

export function eventFrame(event: string, data: unknown, seq: number): EventFrame {
  return { v: ENVELOPE_VERSION, type: "evt", event, data, seq };
}

/** JSON text of values registered by {@link markImmutable}, computed at their first encoding. */
const immutableJson = new WeakMap<object, string | undefined>();

/**
 * Registers a deeply frozen value (the card service's status copy, shared by every `card.status` answer until the
 * state changes) so that its JSON text is computed once instead of at every answer. The caller guarantees that
 * nothing in it can change: register only what was deep-frozen.
 */
export function markImmutable<T extends object>(value: T): T {
  immutableJson.set(value, undefined);
  return value;
}

function isImmutable(value: unknown): value is object {
  return typeof value === "object" && value !== null && immutableJson.has(value);
}

function jsonOfImmutable(value: object): string {
  let json = immutableJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    immutableJson.set(value, json);
  }
  return json;
}

/**
 * Serialises a frame to the text sent on the socket. Throws ERR_FRAME_TOO_LARGE when the text exceeds
 * MAX_FRAME_BYTES (the sender's bug: the agent answers the request with that error instead).
 */
export function encodeFrame(frame: Frame): string {
  const text =
    frame.type === "res" && frame.ok && isImmutable(frame.result)
      ? // Same text as JSON.stringify(okResponse(id, result)): keys in okResponse's order (envelope.test.ts).
        `{"v":${frame.v},"id":${JSON.stringify(frame.id)},"type":"res","ok":true,"result":${jsonOfImmutable(frame.result)}}`
      : JSON.stringify(frame);
  if (exceedsBytes(text, MAX_FRAME_BYTES)) {
    throw new BridgeError("ERR_FRAME_TOO_LARGE", `Outgoing frame over ${MAX_FRAME_BYTES} bytes`);
  }
  return text;
}
