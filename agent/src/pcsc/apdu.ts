/**
 * Command/response APDUs (ISO 7816-4 short form only: CPx cards use no extended length, cps-card.md §2.4) and
 * the ONE place where transport status words are handled:
 *  - `61 xx` (and CPS2ter's `9F xx`, cps-card.md §2.5): response bytes waiting → GET RESPONSE, repeated;
 *  - `6C xx`: wrong Le → the same command is sent again once with Le = xx.
 * Drivers never see 61xx/6Cxx. A card that answers garbage (no status word, endless 61xx) gets a typed
 * ERR_CARD_COMMUNICATION, never a hang.
 */
import { BridgeError } from "@cps-bridge/protocol/errors";

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length 1..256 (256 is encoded 00); absent = no Le (case 1/3). */
  le?: number;
  /**
   * The data is a secret (PIN): the encoded buffer is wiped after sending and never traced or recorded.
   * Set by the drivers for VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER.
   */
  sensitive?: boolean;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1SW2 as a number, e.g. 0x9000. */
  sw: number;
}

/** What one raw exchange needs (a connected card, or a fake in tests). */
export interface RawTransport {
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/** One raw exchange as seen on the wire, for traces, APDU counts and the benchmark's raw replay. */
export interface ExchangeRecord {
  /** CLA INS P1 P2 hex, e.g. "00A4040C". */
  header: string;
  /** Command bytes (copy); `undefined` for sensitive commands. */
  command?: Uint8Array;
  lc: number;
  sw: number;
  responseLength: number;
  ms: number;
}

export type ExchangeObserver = (record: ExchangeRecord) => void;

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").toUpperCase();
export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, "0");

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new TypeError(`not hex: ${text}`);
  return new Uint8Array(Buffer.from(clean, "hex"));
}

export function encodeApdu(apdu: CommandApdu): Uint8Array {
  const data = apdu.data ?? new Uint8Array(0);
  if (data.length > 255) throw new RangeError("short APDU: Lc > 255 (use command chaining)");
  if (apdu.le !== undefined && (apdu.le < 1 || apdu.le > 256)) throw new RangeError(`bad Le ${apdu.le}`);
  const out = new Uint8Array(4 + (data.length ? 1 + data.length : 0) + (apdu.le !== undefined ? 1 : 0));
  out.set([apdu.cla, apdu.ins, apdu.p1, apdu.p2]);
  let i = 4;
  if (data.length) {
    out[i++] = data.length;
    out.set(data, i);
    i += data.length;
  }
  if (apdu.le !== undefined) out[i] = apdu.le & 0xff;
  return out;
}

/** Bound on GET RESPONSE rounds and on total response size: a looping card cannot hang the agent. */
const MAX_GET_RESPONSE = 64;
const MAX_RESPONSE_BYTES = 65536;

function parseResponse(raw: Uint8Array, header: string): ResponseApdu {
  if (raw.length < 2) {
    throw new BridgeError("ERR_CARD_COMMUNICATION", `response to ${header} has no status word`, {
      responseLength: raw.length,
    });
  }
  return { data: raw.subarray(0, raw.length - 2), sw: (raw[raw.length - 2]! << 8) | raw[raw.length - 1]! };
}

/** GET RESPONSE on the command's logical channel (CLA b1-b2; chaining and SM bits cleared). */
function getResponse(cla: number, sw2: number): CommandApdu {
  const proprietary = cla === 0xa0; // CPS2ter volet, CLA A0 (cps-card.md §1.2)
  return { cla: proprietary ? 0xa0 : cla & 0x03, ins: 0xc0, p1: 0, p2: 0, le: sw2 === 0 ? 256 : sw2 };
}

async function once(
  transport: RawTransport,
  apdu: CommandApdu,
  observe: ExchangeObserver | undefined,
): Promise<ResponseApdu> {
  const bytes = encodeApdu(apdu);
  const header = hex(bytes.subarray(0, 4));
  const record = observe && !apdu.sensitive ? bytes.slice() : undefined;
  const t0 = performance.now();
  let raw: Uint8Array;
  try {
    raw = await transport.transmit(bytes);
  } finally {
    if (apdu.sensitive) bytes.fill(0);
  }
  const r = parseResponse(raw, header);
  observe?.({
    header,
    command: record,
    lc: apdu.data?.length ?? 0,
    sw: r.sw,
    responseLength: r.data.length,
    ms: performance.now() - t0,
  });
  return r;
}

/** Sends one command and returns the complete response, with 61xx / 9Fxx / 6Cxx handled. */
export async function exchange(
  transport: RawTransport,
  apdu: CommandApdu,
  observe?: ExchangeObserver,
): Promise<ResponseApdu> {
  let r = await once(transport, apdu, observe);
  if (r.sw >> 8 === 0x6c && !apdu.sensitive) {
    r = await once(transport, { ...apdu, le: (r.sw & 0xff) === 0 ? 256 : r.sw & 0xff }, observe);
  }
  const chunks: Uint8Array[] = [];
  let total = r.data.length;
  let rounds = 0;
  while (r.sw >> 8 === 0x61 || (r.sw >> 8 === 0x9f && apdu.cla === 0xa0)) {
    if (++rounds > MAX_GET_RESPONSE || total > MAX_RESPONSE_BYTES) {
      throw new BridgeError("ERR_CARD_COMMUNICATION", "card keeps announcing response bytes (61xx loop)", {
        rounds,
      });
    }
    chunks.push(r.data);
    r = await once(transport, getResponse(apdu.cla, r.sw & 0xff), observe);
    total += r.data.length;
  }
  if (chunks.length === 0) return r;
  chunks.push(r.data);
  return { data: new Uint8Array(Buffer.concat(chunks)), sw: r.sw };
}

/**
 * ISO 7816-4 command chaining (CLA b5 = 0x10 on every block but the last), for data longer than one short APDU.
 * Only the last block carries Le; intermediate blocks must answer 9000.
 */
export async function exchangeChained(
  transport: RawTransport,
  apdu: CommandApdu,
  blockSize: number,
  observe?: ExchangeObserver,
): Promise<ResponseApdu> {
  const data = apdu.data ?? new Uint8Array(0);
  if (data.length <= blockSize) return exchange(transport, apdu, observe);
  for (let off = 0; ; off += blockSize) {
    const last = off + blockSize >= data.length;
    const block = data.subarray(off, Math.min(off + blockSize, data.length));
    if (last) return exchange(transport, { ...apdu, data: block }, observe);
    const r = await exchange(transport, { ...apdu, cla: apdu.cla | 0x10, data: block, le: undefined }, observe);
    if (r.sw !== 0x9000) return r;
  }
}
