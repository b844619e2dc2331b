/**
 * PC/SC failures → BridgeError codes (protocol/src/errors.ts, "pcsc" group), the way Web eID's libpcsc-cpp maps
 * SCARD codes to typed exceptions (shared/research/anchors.md §1.6).
 *
 * `smartcard` 3.7.0 rejects with `new Error(GetPCSCErrorString(code))`: the numeric code is lost, only the
 * message is left (its src/pcsc_errors.h). SCARD_MESSAGES inverts that table so `details.pcscCode` still carries
 * the real SCARD code (hex) whenever the message is one of them.
 */
import { BridgeError, type ErrorCode, isBridgeError } from "@cps-bridge/protocol/errors";

export const SCARD = {
  E_CANCELLED: 0x80100002,
  E_CANT_DISPOSE: 0x8010000e,
  E_INSUFFICIENT_BUFFER: 0x80100008,
  E_INVALID_ATR: 0x80100015,
  E_INVALID_HANDLE: 0x80100003,
  E_INVALID_PARAMETER: 0x80100004,
  E_INVALID_TARGET: 0x80100005,
  E_INVALID_VALUE: 0x80100011,
  E_NO_MEMORY: 0x80100006,
  E_NO_SERVICE: 0x8010001d,
  E_NO_SMARTCARD: 0x8010000c,
  E_NOT_READY: 0x80100010,
  E_NOT_TRANSACTED: 0x80100016,
  E_PCI_TOO_SMALL: 0x80100019,
  E_PROTO_MISMATCH: 0x8010000f,
  E_READER_UNAVAILABLE: 0x80100017,
  E_SERVICE_STOPPED: 0x8010001e,
  E_SHARING_VIOLATION: 0x8010000b,
  E_SYSTEM_CANCELLED: 0x80100012,
  E_TIMEOUT: 0x8010000a,
  E_UNKNOWN_CARD: 0x8010000d,
  E_UNKNOWN_READER: 0x80100009,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  F_COMM_ERROR: 0x80100013,
  F_INTERNAL_ERROR: 0x80100001,
  W_REMOVED_CARD: 0x80100069,
  W_RESET_CARD: 0x80100068,
  W_UNPOWERED_CARD: 0x80100067,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNSUPPORTED_CARD: 0x80100065,
} as const;

/** smartcard 3.7.0 src/pcsc_errors.h, message → code. */
const SCARD_MESSAGES: Record<string, number> = {
  "Operation cancelled": SCARD.E_CANCELLED,
  "Cannot dispose handle": SCARD.E_CANT_DISPOSE,
  "Insufficient buffer": SCARD.E_INSUFFICIENT_BUFFER,
  "Invalid ATR": SCARD.E_INVALID_ATR,
  "Invalid handle": SCARD.E_INVALID_HANDLE,
  "Invalid parameter": SCARD.E_INVALID_PARAMETER,
  "Invalid target": SCARD.E_INVALID_TARGET,
  "Invalid value": SCARD.E_INVALID_VALUE,
  "Not enough memory": SCARD.E_NO_MEMORY,
  "PC/SC service not running": SCARD.E_NO_SERVICE,
  "No smart card present": SCARD.E_NO_SMARTCARD,
  "Reader not ready": SCARD.E_NOT_READY,
  "Transaction failed": SCARD.E_NOT_TRANSACTED,
  "PCI struct too small": SCARD.E_PCI_TOO_SMALL,
  "Protocol mismatch": SCARD.E_PROTO_MISMATCH,
  "Reader unavailable": SCARD.E_READER_UNAVAILABLE,
  "PC/SC service stopped": SCARD.E_SERVICE_STOPPED,
  "Sharing violation": SCARD.E_SHARING_VIOLATION,
  "System cancelled operation": SCARD.E_SYSTEM_CANCELLED,
  "Operation timed out": SCARD.E_TIMEOUT,
  "Unknown card type": SCARD.E_UNKNOWN_CARD,
  "Unknown reader": SCARD.E_UNKNOWN_READER,
  "No readers available": SCARD.E_NO_READERS_AVAILABLE,
  "Communication error": SCARD.F_COMM_ERROR,
  "Internal error": SCARD.F_INTERNAL_ERROR,
  "Card was removed": SCARD.W_REMOVED_CARD,
  "Card was reset": SCARD.W_RESET_CARD,
  "Card is unpowered": SCARD.W_UNPOWERED_CARD,
  "Card is unresponsive": SCARD.W_UNRESPONSIVE_CARD,
  "Card is not supported": SCARD.W_UNSUPPORTED_CARD,
};

/** Messages the JS side of the binding produces without a SCARD code. */
const NOT_CONNECTED = /card is not connected/i;
const CONTEXT_INVALID = /context is not valid/i;

/** SCARD code of an error thrown by the binding, if it can be known. */
export function scardCode(err: unknown): number | undefined {
  if (err && typeof err === "object") {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "number") return code >>> 0; // smartcard's PCSCError subclasses carry a numeric code
    const message = (err as { message?: unknown }).message;
    if (typeof message === "string" && Object.hasOwn(SCARD_MESSAGES, message)) return SCARD_MESSAGES[message];
  }
  return undefined;
}

export const hex32 = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;

const BY_CODE = new Map<number, ErrorCode>([
  [SCARD.E_NO_SERVICE, "ERR_PCSC_SERVICE_DOWN"],
  [SCARD.E_SERVICE_STOPPED, "ERR_PCSC_SERVICE_DOWN"],
  [SCARD.E_NO_READERS_AVAILABLE, "ERR_NO_READERS"],
  [SCARD.E_UNKNOWN_READER, "ERR_READER_NOT_FOUND"],
  [SCARD.E_READER_UNAVAILABLE, "ERR_READER_NOT_FOUND"],
  [SCARD.W_REMOVED_CARD, "ERR_CARD_REMOVED"],
  [SCARD.E_NO_SMARTCARD, "ERR_CARD_REMOVED"],
  [SCARD.W_UNRESPONSIVE_CARD, "ERR_CARD_MUTE"],
  [SCARD.W_UNPOWERED_CARD, "ERR_CARD_MUTE"],
  [SCARD.E_INVALID_ATR, "ERR_CARD_MUTE"],
  [SCARD.E_SHARING_VIOLATION, "ERR_READER_BUSY"],
  [SCARD.F_COMM_ERROR, "ERR_CARD_COMMUNICATION"],
  [SCARD.E_NOT_TRANSACTED, "ERR_CARD_COMMUNICATION"],
  [SCARD.E_PROTO_MISMATCH, "ERR_CARD_COMMUNICATION"],
  [SCARD.E_TIMEOUT, "ERR_CARD_COMMUNICATION"],
  [SCARD.W_RESET_CARD, "ERR_CARD_COMMUNICATION"],
]);

export interface MapContext {
  /** What was being done, for the developer message ("transmit", "connect", "listReaders"…). */
  operation?: string;
  reader?: string;
  /** The supervisor knows the service is down: any failure is reported as such. */
  serviceDown?: boolean;
}

/** Any error of the PC/SC layer → a BridgeError (BridgeErrors pass through unchanged). */
export function toBridgeError(err: unknown, ctx: MapContext = {}): BridgeError {
  if (isBridgeError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const where = ctx.operation ? `${ctx.operation}: ` : "";
  const details = { reader: ctx.reader, operation: ctx.operation };
  if (ctx.serviceDown) return new BridgeError("ERR_PCSC_SERVICE_DOWN", `${where}${message}`, details, { cause: err });
  const code = scardCode(err);
  if (code !== undefined) {
    const mapped = BY_CODE.get(code) ?? "ERR_PCSC_FAILURE";
    return new BridgeError(mapped, `${where}${message}`, { ...details, pcscCode: hex32(code) }, { cause: err });
  }
  // The binding's own "Card is not connected": our handle was dropped because the card left the reader.
  if (NOT_CONNECTED.test(message)) return new BridgeError("ERR_CARD_REMOVED", `${where}${message}`, details);
  if (CONTEXT_INVALID.test(message)) return new BridgeError("ERR_PCSC_SERVICE_DOWN", `${where}${message}`, details);
  return new BridgeError("ERR_PCSC_FAILURE", `${where}${message}`, { ...details, pcscCode: null }, { cause: err });
}

/** Errors after which the monitor/context must be rebuilt (the service died or restarted under us). */
export function isServiceLoss(err: unknown): boolean {
  const code = scardCode(err);
  return (
    code === SCARD.E_NO_SERVICE ||
    code === SCARD.E_SERVICE_STOPPED ||
    code === SCARD.F_COMM_ERROR ||
    code === SCARD.E_INVALID_HANDLE ||
    (err instanceof Error && CONTEXT_INVALID.test(err.message))
  );
}
