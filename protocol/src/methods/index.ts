/**
 * The registry of methods (one file each) and the typed request/result validation both ends use.
 * The agent: `decodeRequest(text)` → a typed request or the exact error to answer. The client: `decodeResult`.
 */
import * as v from "valibot";
import { FEATURES, isReservedName } from "../capabilities";
import { type ParseFrameOptions, parseFrame, type RequestFrame, wireIssues } from "../envelope";
import { BridgeError, type ErrorCode } from "../errors";
import { EVENT_NAMES } from "../events";
import { authChallenge } from "./auth-challenge";
import { authProve } from "./auth-prove";
import { cardStatus } from "./card-status";
import type { MethodDefinition } from "./define";
import { diagnosticsFix } from "./diagnostics-fix";
import { diagnosticsRun } from "./diagnostics-run";
import { heartbeat } from "./heartbeat";
import { hello } from "./hello";
import { loginSign } from "./login-sign";
import { mailboxConfigure } from "./mailbox-configure";
import { mailboxStatus } from "./mailbox-status";
import { mailboxTest } from "./mailbox-test";
import { otpCancel } from "./otp-cancel";
import { otpWait } from "./otp-wait";
import { pairComplete } from "./pair-complete";
import { pinStatus } from "./pin-status";
import { pinVerify } from "./pin-verify";
import { readersList } from "./readers-list";

export const METHODS = {
  hello,
  "pair.complete": pairComplete,
  "auth.challenge": authChallenge,
  "auth.prove": authProve,
  heartbeat,
  "readers.list": readersList,
  "card.status": cardStatus,
  "pin.status": pinStatus,
  "pin.verify": pinVerify,
  "login.sign": loginSign,
  "diagnostics.run": diagnosticsRun,
  "diagnostics.fix": diagnosticsFix,
  "mailbox.configure": mailboxConfigure,
  "mailbox.test": mailboxTest,
  "mailbox.status": mailboxStatus,
  "otp.wait": otpWait,
  "otp.cancel": otpCancel,
} as const;

export type MethodName = keyof typeof METHODS;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
/** What the client sends (before schema defaults/transforms). */
export type ParamsOf<M extends MethodName> = v.InferInput<(typeof METHODS)[M]["params"]>;
/** What the agent's handler receives after validation. */
export type ValidParamsOf<M extends MethodName> = v.InferOutput<(typeof METHODS)[M]["params"]>;
export type ResultOf<M extends MethodName> = v.InferOutput<(typeof METHODS)[M]["result"]>;

export function isMethodName(x: unknown): x is MethodName {
  return typeof x === "string" && Object.hasOwn(METHODS, x);
}

/** Methods callable before `auth.prove` succeeded (gate 3 of anchors.md §(a)). */
export const PRE_AUTH_METHODS: readonly MethodName[] = METHOD_NAMES.filter((m) => !METHODS[m].requiresAuth);

/** The capabilities a 1.0 agent announces in `hello` when it implements everything in this registry. */
export function agentCapabilities(): string[] {
  return [...new Set<string>([...METHOD_NAMES, ...EVENT_NAMES, ...Object.values(FEATURES)])];
}

export type TypedRequest = {
  [M in MethodName]: { id: string; method: M; params: ValidParamsOf<M>; definition: (typeof METHODS)[M] };
}[MethodName];

export type RequestDecodeResult =
  | { ok: true; request: TypedRequest }
  /** `id` is null when the frame's id could not be read; the answer then carries `id: null`. */
  | { ok: false; error: BridgeError; id: string | null };

/**
 * Validates a request frame's method and params. Unknown method → ERR_UNKNOWN_METHOD (`details.method`,
 * `details.reserved` for a roadmap namespace); params failing the schema → ERR_INVALID_PARAMS or the method's
 * specific code (`paramErrorCodes`), always with `details.issues` (paths and expectations, never the values).
 */
export function validateRequest(frame: RequestFrame): RequestDecodeResult {
  const { id, method } = frame;
  if (!isMethodName(method)) {
    return {
      ok: false,
      id,
      error: new BridgeError("ERR_UNKNOWN_METHOD", `Unknown method ${method}`, {
        method,
        ...(isReservedName(method) ? { reserved: true } : {}),
      }),
    };
  }
  const definition = METHODS[method] as MethodDefinition;
  const parsed = v.safeParse(definition.params, frame.params ?? {});
  if (!parsed.success) {
    const issues = wireIssues(parsed.issues);
    let code: ErrorCode = "ERR_INVALID_PARAMS";
    for (const issue of issues) {
      const top = issue.path.split(".")[0] ?? "";
      const specific = definition.paramErrorCodes?.[top];
      if (specific) {
        code = specific;
        break;
      }
    }
    return { ok: false, id, error: new BridgeError(code, `Invalid params for ${method}`, { method, issues }) };
  }
  return { ok: true, request: { id, method, params: parsed.output, definition } as TypedRequest };
}

/**
 * The agent's entry point for one text frame: envelope, then method and params. Responses and events sent by a
 * client are ERR_PROTOCOL (clients only send requests). Never throws.
 */
export function decodeRequest(data: unknown, options: ParseFrameOptions = { localSide: "agent" }): RequestDecodeResult {
  const parsed = parseFrame(data, options);
  if (!parsed.ok) return parsed;
  if (parsed.frame.type !== "req") {
    return {
      ok: false,
      id: null,
      error: new BridgeError("ERR_PROTOCOL", "Only requests may be sent to the agent", { reason: "not a request" }),
    };
  }
  return validateRequest(parsed.frame);
}

/**
 * The client's check of a success response's result for the method it called. Throws ERR_PROTOCOL with
 * `details.issues` when the agent's answer does not match the contract.
 */
export function decodeResult<M extends MethodName>(method: M, result: unknown): ResultOf<M> {
  const parsed = v.safeParse(METHODS[method].result as v.GenericSchema, result);
  if (!parsed.success) {
    throw new BridgeError("ERR_PROTOCOL", `Invalid result for ${method}`, {
      reason: "invalid result",
      method,
      issues: wireIssues(parsed.issues),
    });
  }
  return parsed.output as ResultOf<M>;
}

export * from "./auth-challenge";
export * from "./auth-prove";
export * from "./card-status";
export * from "./define";
export * from "./heartbeat";
export * from "./hello";
export * from "./login-sign";
export * from "./mailbox-configure";
export * from "./mailbox-status";
export * from "./mailbox-test";
export * from "./otp-cancel";
export * from "./otp-wait";
export * from "./pair-complete";
export * from "./pin-status";
export * from "./pin-verify";
export * from "./readers-list";
