/**
 * ISO/IEC 7816-4 plumbing shared by the virtual cards: command APDU parsing (short cases 1–4; extended length is
 * refused with 6700 because CPx cards do not use it, cps-card.md §2.4), the class byte, status words, the
 * transmission-protocol behaviour of responses (T=0: 61xx / GET RESPONSE and 6Cxx; T=1: data with Le), and a
 * lenient BER-TLV reader/writer for APDU data fields (MSE control reference templates, GET DATA header lists, FCP).
 * Those data fields are ISO 7816 BER-TLV, sometimes not even TLV (header lists), so they are handled here; PKCS#15
 * and X.509 content is made with the ASN.1 libraries (pkcs15-image.ts).
 */

/** Status words used by the cards (ISO 7816-4 §5.6, CPx meanings in cps-card.md §2.5). */
export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282, // fewer than Ne bytes: end of file reached
  WRONG_LENGTH: 0x6700,
  CHANNEL_NOT_SUPPORTED: 0x6881,
  SM_NOT_SUPPORTED: 0x6882,
  CHAINING_NOT_SUPPORTED: 0x6884,
  COMMAND_INCOMPATIBLE: 0x6981,
  SECURITY_NOT_SATISFIED: 0x6982, // PIN not verified
  AUTH_METHOD_BLOCKED: 0x6983, // PIN blocked
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  LC_INCONSISTENT_WITH_P1P2: 0x6a87,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  WRONG_OFFSET: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** `63 Cx`: PIN status / wrong PIN with x tries left (cps-card.md §2.4–2.5). */
export const swTriesLeft = (n: number): number => 0x63c0 | Math.max(0, Math.min(15, n));

export type TransmissionProtocol = "T0" | "T1";

export interface Command {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (empty for cases 1 and 2). */
  data: Uint8Array;
  /** Ne, the expected response length, 1..256; undefined for cases 1 and 3. */
  ne: number | undefined;
  /** The raw Le byte (00 means 256). */
  leByte: number | undefined;
  isoCase: 1 | 2 | 3 | 4;
  /** From the class byte; undefined for a proprietary class (b8 = 1). */
  channel: number | undefined;
  /** Command chaining bit (b5 of an interindustry class): more parts follow. */
  chained: boolean;
  secureMessaging: boolean;
  /** b8 of CLA set: proprietary class (e.g. CPS2ter's A0). */
  proprietary: boolean;
}

/**
 * Parses a short command APDU. Returns a status word instead for what no ISO card could accept: fewer than 4
 * bytes, an Lc that does not match the length, extended length (Lc byte 00 followed by 2 length bytes), the
 * invalid class FF.
 */
export function parseCommand(apdu: Uint8Array): Command | number {
  if (apdu.length < 4) return SW.WRONG_LENGTH;
  const [cla, ins, p1, p2] = apdu as unknown as [number, number, number, number];
  if (cla === 0xff) return SW.CLA_NOT_SUPPORTED; // reserved for PPS (ISO 7816-3)
  const classInfo = decodeClass(cla);
  let data = new Uint8Array(0);
  let leByte: number | undefined;
  let isoCase: 1 | 2 | 3 | 4;
  if (apdu.length === 4) {
    isoCase = 1;
  } else if (apdu.length === 5) {
    isoCase = 2;
    leByte = apdu[4]!;
  } else {
    const lc = apdu[4]!;
    // Lc = 00 followed by more bytes is the extended-length form (ISO 7816-4 §5.1): not supported by CPx cards.
    if (lc === 0) return SW.WRONG_LENGTH;
    if (apdu.length === 5 + lc) {
      isoCase = 3;
    } else if (apdu.length === 6 + lc) {
      isoCase = 4;
      leByte = apdu[5 + lc]!;
    } else {
      return SW.WRONG_LENGTH;
    }
    data = apdu.slice(5, 5 + lc);
  }
  const ne = leByte === undefined ? undefined : leByte === 0 ? 256 : leByte;
  return { cla, ins, p1, p2, data, ne, leByte, isoCase, ...classInfo };
}

/**
 * Class byte (ISO 7816-4 §5.4.1): first interindustry `000x xxxx` (b5 chaining, b4-b3 SM, b2-b1 channel 0–3);
 * further interindustry `01xx xxxx` (b6 SM, b5 chaining, b4-b1 channel 4–19); `001x xxxx` reserved; `1xxx xxxx`
 * proprietary.
 */
export function decodeClass(cla: number): Pick<Command, "channel" | "chained" | "secureMessaging" | "proprietary"> {
  if (cla & 0x80) return { channel: undefined, chained: false, secureMessaging: false, proprietary: true };
  if ((cla & 0xe0) === 0x00) {
    return {
      channel: cla & 0x03,
      chained: (cla & 0x10) !== 0,
      secureMessaging: (cla & 0x0c) !== 0,
      proprietary: false,
    };
  }
  if ((cla & 0xc0) === 0x40) {
    return {
      channel: 4 + (cla & 0x0f),
      chained: (cla & 0x10) !== 0,
      secureMessaging: (cla & 0x20) !== 0,
      proprietary: false,
    };
  }
  return { channel: undefined, chained: false, secureMessaging: false, proprietary: true }; // 001x xxxx: RFU
}

/** What a command handler answers: response data (possibly empty) and the status word. */
export interface Reply {
  data?: Uint8Array;
  sw: number;
}

export const reply = (sw: number, data?: Uint8Array): Reply => (data && data.length > 0 ? { sw, data } : { sw });

/** The response APDU bytes: data ‖ SW1 SW2. */
export function responseBytes(data: Uint8Array | undefined, sw: number): Uint8Array {
  const length = data?.length ?? 0;
  const out = new Uint8Array(length + 2);
  if (data) out.set(data, 0);
  out[length] = (sw >> 8) & 0xff;
  out[length + 1] = sw & 0xff;
  return out;
}

/**
 * How a card answers on its transmission protocol (ISO 7816-3 / 7816-4 §5.3).
 * - T=0: a command that carried data (case 3/4 — the reader sends a case-4 APDU as a case-3 TPDU) and produced
 *   data answers `61 xx`; the host fetches the data with GET RESPONSE `00 C0 00 00 xx`. A case-2 command whose Le
 *   does not match the length of the data answers `6C xx` (xx = the exact length) and the host repeats it with
 *   Le = xx (cps-card.md §2.4: CPS3 is T=0 only; CPS4 `3B DC…` is T=0 only).
 * - T=1: the data comes back at once, cut to Ne (the rest with `61 xx` / GET RESPONSE); a command without Le that
 *   produced data also answers `61 xx`.
 */
export class ResponseShaper {
  private pending: Uint8Array | undefined;
  private pendingSw: number = SW.OK;

  constructor(readonly protocol: TransmissionProtocol) {}

  reset(): void {
    this.pending = undefined;
  }

  /** A command other than GET RESPONSE was answered: drops any data still pending. */
  shape(command: Command, answer: Reply): Uint8Array {
    this.pending = undefined;
    const data = answer.data;
    if (!data || data.length === 0) return responseBytes(undefined, answer.sw);
    if (this.protocol === "T0") {
      if (command.isoCase === 2) {
        if (data.length !== command.ne) return responseBytes(undefined, 0x6c00 | (data.length & 0xff));
        return responseBytes(data, answer.sw);
      }
      return this.keep(data, answer.sw);
    }
    if (command.ne === undefined) return this.keep(data, answer.sw);
    if (data.length > command.ne) return this.keep(data, answer.sw, command.ne);
    return responseBytes(data, answer.sw);
  }

  /** GET RESPONSE `xx C0 00 00 Le` (ISO 7816-4 §11.4.2). */
  getResponse(command: Command): Uint8Array {
    if (command.p1 !== 0 || command.p2 !== 0) return responseBytes(undefined, SW.WRONG_P1P2);
    if (command.isoCase !== 1 && command.isoCase !== 2) return responseBytes(undefined, SW.WRONG_LENGTH);
    const pending = this.pending;
    // Nothing to get: "referenced data not found" (not 6985, which a CPS4 driver reads as "re-select ChipDoc").
    if (!pending) return responseBytes(undefined, SW.REFERENCED_DATA_NOT_FOUND);
    const available = Math.min(pending.length, 256);
    const ne = command.ne ?? 256;
    if (this.protocol === "T0" && ne > available) {
      return responseBytes(undefined, 0x6c00 | (available & 0xff)); // Le too long: the card says how many
    }
    this.pending = undefined;
    return this.keep(pending, this.pendingSw, Math.min(ne, available));
  }

  /** Returns `first` bytes now (0: none) and keeps the rest for GET RESPONSE, announced by `61 xx`. */
  private keep(data: Uint8Array, sw: number, first = 0): Uint8Array {
    const now = data.subarray(0, first);
    const rest = data.subarray(first);
    if (rest.length === 0) return responseBytes(now, sw);
    this.pending = rest.slice();
    this.pendingSw = sw;
    return responseBytes(now, 0x6100 | (Math.min(rest.length, 256) & 0xff));
  }
}

/** Hex helpers for card definitions and tests. */
export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex.replace(/[\s:]/g, ""), "hex"));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").toUpperCase();

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// BER-TLV of APDU data fields (ISO 7816-4 §6.3)

export interface Tlv {
  /** The tag bytes as a number, e.g. 0x84, 0x9f7f, 0xbf8101. */
  tag: number;
  value: Uint8Array;
}

/**
 * Reads consecutive BER-TLVs; `undefined` if the bytes are not well-formed (a length running past the end, an
 * indefinite or over-long length). Padding bytes 00 / FF between objects are skipped as ISO 7816-4 allows.
 */
export function readTlvs(bytes: Uint8Array): Tlv[] | undefined {
  const out: Tlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0x00 || bytes[i] === 0xff) {
      i++;
      continue;
    }
    let tag = bytes[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      for (let n = 0; ; n++) {
        if (i >= bytes.length || n > 2) return undefined;
        const next = bytes[i++]!;
        tag = tag * 256 + next;
        if (!(next & 0x80)) break;
      }
    }
    if (i >= bytes.length) return undefined;
    let length = bytes[i++]!;
    if (length === 0x80 || length > 0x83) return undefined;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (i + count > bytes.length) return undefined;
      length = 0;
      for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
    }
    if (i + length > bytes.length) return undefined;
    out.push({ tag, value: bytes.slice(i, i + length) });
    i += length;
  }
  return out;
}

/** Encodes one BER-TLV (definite length); `value` parts are concatenated. */
export function tlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const body = concatBytes(...value);
  const tagBytes: number[] = [];
  for (let t = tag; t > 0; t = Math.floor(t / 256)) tagBytes.unshift(t & 0xff);
  if (tagBytes.length === 0) tagBytes.push(0);
  const n = body.length;
  const lengthBytes = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concatBytes(new Uint8Array([...tagBytes, ...lengthBytes]), body);
}

export const byte = (...values: number[]): Uint8Array => new Uint8Array(values);
