/**
 * PIN rules shared by the drivers: the format check done before any APDU, the encoding the AODF asks for
 * (ISO 7816-15 PinType; cps-card.md §2.4: CPS3 "ASCII digits, no padding" is [U], so honour the AODF), and the
 * meaning of VERIFY's status words. Buffers holding the PIN are the caller's to wipe (`wipe`).
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import type { PinStatus } from "@cps-bridge/protocol/model";
import { swHex } from "../pcsc/apdu";
import type { PinInfo } from "./driver";
import { PinType } from "./pkcs15-schema";

export const PIN_MIN = 4;
export const PIN_MAX = 8;
/** CPx cards allow 3 tries (cps-card.md §2.4); used when the card does not say. */
export const DEFAULT_MAX_TRIES = 3;

export const wipe = (...buffers: (Uint8Array | undefined)[]) => {
  for (const b of buffers) b?.fill(0);
};

/** 4–8 ASCII digits (and within the AODF's bounds when known). Throws ERR_PIN_FORMAT; sends nothing. */
export function checkPinFormat(pin: Uint8Array, info?: PinInfo): void {
  const min = Math.max(PIN_MIN, info?.minLength ?? PIN_MIN);
  const max = Math.min(PIN_MAX, info?.maxLength ?? PIN_MAX);
  const digitsOnly = pin.every((b) => b >= 0x30 && b <= 0x39);
  if (!(pin instanceof Uint8Array) || !digitsOnly || pin.length < min || pin.length > max) {
    // The PIN itself never goes into the error: only its length.
    throw new BridgeError("ERR_PIN_FORMAT", undefined, { length: pin?.length ?? 0, min, max });
  }
}

/** The VERIFY data for `pin` as the AODF describes it. A new buffer: wipe it after sending. */
export function encodePin(pin: Uint8Array, info: PinInfo): Uint8Array {
  const digits = pin; // ASCII '0'..'9', checked by checkPinFormat
  let out: Uint8Array;
  switch (info.type) {
    case PinType.bcd: {
      out = new Uint8Array(Math.ceil(digits.length / 2)).fill(0xff);
      digits.forEach((d, i) => {
        const nibble = d - 0x30;
        out[i >> 1] = i % 2 === 0 ? (nibble << 4) | 0x0f : (out[i >> 1]! & 0xf0) | nibble;
      });
      break;
    }
    case PinType.halfNibbleBcd:
      out = digits.map((d) => 0xf0 | (d - 0x30));
      break;
    case PinType.iso9564_1: {
      // ISO 9564 format 2 PIN block: 2L, digits, F padding, 8 bytes.
      out = new Uint8Array(8).fill(0xff);
      out[0] = 0x20 | digits.length;
      digits.forEach((d, i) => {
        const pos = 2 + i;
        const nibble = d - 0x30;
        out[pos >> 1] = pos % 2 === 0 ? (nibble << 4) | (out[pos >> 1]! & 0x0f) : (out[pos >> 1]! & 0xf0) | nibble;
      });
      return out;
    }
    default:
      // ascii-numeric, utf8 (digits are the same bytes)
      out = digits.slice();
  }
  if (info.needsPadding && info.storedLength > out.length) {
    const padded = new Uint8Array(info.storedLength).fill(info.padChar);
    padded.set(out);
    wipe(out);
    out = padded;
  }
  return out;
}

/** PinStatus from a `63Cx` / `6983` / `9000` answer to VERIFY without data; undefined for other SWs. */
export function statusFromEmptyVerify(sw: number, maxTries: number): PinStatus | undefined {
  if ((sw & 0xfff0) === 0x63c0) {
    const left = sw & 0x0f;
    return { triesLeft: left, maxTries, blocked: left === 0, verified: false };
  }
  if (sw === 0x6983 || sw === 0x6984) return { triesLeft: 0, maxTries, blocked: true, verified: false };
  if (sw === 0x9000) return { triesLeft: maxTries, maxTries, blocked: false, verified: true };
  return undefined;
}

/** Throws the right BridgeError for a VERIFY with data that did not answer 9000. */
export function throwVerifyFailure(sw: number): never {
  if ((sw & 0xfff0) === 0x63c0) {
    const left = sw & 0x0f;
    if (left === 0) throw new BridgeError("ERR_PIN_BLOCKED", undefined, { triesLeft: 0 });
    throw new BridgeError("ERR_PIN_INCORRECT", undefined, { triesLeft: left });
  }
  // 6983 authentication method blocked; 6984 reference data not usable (IAS-ECC: blocked PIN) [I]
  if (sw === 0x6983 || sw === 0x6984) throw new BridgeError("ERR_PIN_BLOCKED", undefined, { triesLeft: 0 });
  throw new BridgeError("ERR_CARD_OPERATION_FAILED", `VERIFY refused (${swHex(sw)})`, { sw: swHex(sw) });
}
