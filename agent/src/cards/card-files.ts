/**
 * SELECT and READ BINARY over one transaction, with the tolerance real CPx cards need:
 *
 *  - how a path is selected differs between drivers and is [U] for our purpose (cps-card.md §2.1): the ANS CPS3
 *    driver sends P1=09 with the full path *including* 3F00, its CPS4 driver strips the MF, ISO's "path from MF" is
 *    P1=08 without 3F00. Each driver lists the forms in its preferred order; the first form the card accepts is
 *    remembered for the rest of the card session (`PathMemo`), so the fallbacks cost APDUs only once;
 *  - SELECT by DF name / path always with P2=0C (no FCI): CPx refuse P2=00 with 6A86 (cps-card.md §2.1);
 *  - READ BINARY in chunks of the driver's size (CPS3 0xE7, cps-card.md §2.4) until the card says end of file
 *    (fewer bytes, 6282, 6B00), the Path's `length`, or — for certificates — the outer DER length;
 *  - every status word other than success becomes a typed error: a missing file ERR_CARD_DATA_INVALID, anything
 *    else ERR_CARD_OPERATION_FAILED with `details.sw`.
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { type ResponseApdu, swHex } from "../pcsc/apdu";
import type { Transaction } from "../pcsc/reader-session";

export type PathForm =
  /** ISO 7816-4 P1=08: path from the MF, MF id omitted. */
  | "from-mf"
  /** ANS CPS3 driver: P1=09 with the full path including 3F00. */
  | "full-path-09"
  /** One SELECT per level: MF, then each file id (P1=00). Works on any ISO card; costs more APDUs. */
  | "stepwise";

export interface FileAccessProfile {
  /** CLA of every SELECT / READ BINARY (0x00, or 0x01 for the CPS4 ChipDoc channel). */
  cla: number;
  /** Le of each READ BINARY. */
  readChunk: number;
  pathForms: readonly PathForm[];
}

/** The path form that worked, kept for the card session. */
export interface PathMemo {
  form?: PathForm;
}

/** A PKCS#15 Path, decoded (pkcs15-schema.ts `Path`). */
export interface EfRef {
  /** Absolute (starts 3F00), a bare file id, or relative to the current DF; may be empty when `aid` is set. */
  path: Uint8Array;
  aid?: Uint8Array;
  index?: number;
  length?: number;
}

/** SWs that say "this way of selecting is not understood here", worth trying the next form. */
const FORM_NOT_UNDERSTOOD = new Set([0x6a86, 0x6a81, 0x6d00, 0x6b00, 0x6a00, 0x6700, 0x6a82, 0x6a87]);
const MF = 0x3f00;
/** READ BINARY offsets are 15 bits (P1 b8 = 0). */
const MAX_OFFSET = 0x7fff;

const isAbsolute = (p: Uint8Array) => p.length >= 2 && ((p[0]! << 8) | p[1]!) === MF;
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

export function notFound(what: string, sw: number): BridgeError {
  return new BridgeError("ERR_CARD_DATA_INVALID", `${what}: file not found (${swHex(sw)})`, {
    reason: "file-not-found",
    sw: swHex(sw),
  });
}

export function refused(what: string, sw: number): BridgeError {
  return new BridgeError("ERR_CARD_OPERATION_FAILED", `${what} refused (${swHex(sw)})`, { sw: swHex(sw) });
}

export class CardFiles {
  constructor(
    private readonly tx: Transaction,
    private readonly profile: FileAccessProfile,
    private readonly memo: PathMemo,
  ) {}

  private send(ins: number, p1: number, p2: number, data?: Uint8Array, le?: number): Promise<ResponseApdu> {
    return this.tx.send({ cla: this.profile.cla, ins, p1, p2, data, le });
  }

  /** SELECT by DF name (AID), no FCI. Returns the SW. */
  async selectAid(aid: Uint8Array): Promise<number> {
    return (await this.send(0xa4, 0x04, 0x0c, aid)).sw;
  }

  /** SELECT a file: absolute path, bare file id (under the current DF), or a path relative to the current DF. */
  async select(path: Uint8Array, what = hexOf(path)): Promise<void> {
    if (path.length === 0 || path.length % 2 !== 0) {
      throw new BridgeError("ERR_CARD_DATA_INVALID", `bad path ${hexOf(path)}`, { reason: "path" });
    }
    if (!isAbsolute(path)) {
      // 2 bytes: a file under the current DF (P1=00 selects MF/DF/EF by id); longer: relative path (P1=09).
      const r = await this.send(0xa4, path.length === 2 ? 0x00 : 0x09, 0x0c, path);
      if (r.sw === 0x9000) return;
      throw r.sw === 0x6a82 ? notFound(what, r.sw) : refused(`SELECT ${what}`, r.sw);
    }
    if (path.length === 2) {
      const r = await this.send(0xa4, 0x00, 0x0c, path);
      if (r.sw === 0x9000) return;
      throw refused("SELECT MF", r.sw);
    }
    const forms = this.memo.form ? [this.memo.form] : this.profile.pathForms;
    let lastSw = 0;
    for (const form of forms) {
      const sw = await this.selectWith(form, path);
      if (sw === 0x9000) {
        this.memo.form = form;
        return;
      }
      lastSw = sw;
      if (!FORM_NOT_UNDERSTOOD.has(sw)) break;
    }
    // The remembered form failed: the file may simply be missing; other forms were tried the first time.
    throw lastSw === 0x6a82 ? notFound(what, lastSw) : refused(`SELECT ${what}`, lastSw);
  }

  private async selectWith(form: PathForm, path: Uint8Array): Promise<number> {
    switch (form) {
      case "from-mf":
        return (await this.send(0xa4, 0x08, 0x0c, path.subarray(2))).sw;
      case "full-path-09":
        return (await this.send(0xa4, 0x09, 0x0c, path)).sw;
      case "stepwise": {
        for (let i = 0; i < path.length; i += 2) {
          const r = await this.send(0xa4, 0x00, 0x0c, path.subarray(i, i + 2));
          if (r.sw !== 0x9000) return r.sw;
        }
        return 0x9000;
      }
    }
  }

  /**
   * READ BINARY of the current EF from `offset`, at most `limit` bytes. `derSized`: stop at the end of the first
   * DER value (a certificate file is usually bigger than the certificate it holds).
   */
  async readBinary(
    what: string,
    options: { offset?: number; limit?: number; derSized?: boolean } = {},
  ): Promise<Uint8Array> {
    const start = options.offset ?? 0;
    let limit = Math.min(options.limit ?? MAX_OFFSET + 1, MAX_OFFSET + 1 - start);
    const chunks: Uint8Array[] = [];
    let got = 0;
    while (got < limit) {
      const le = Math.min(this.profile.readChunk, limit - got);
      const offset = start + got;
      const r = await this.send(0xb0, (offset >> 8) & 0x7f, offset & 0xff, undefined, le);
      if (r.sw === 0x6b00 && got > 0) break; // offset past the end: the previous chunk ended the file
      if (r.sw !== 0x9000 && r.sw !== 0x6282) {
        throw r.sw === 0x6a82 ? notFound(what, r.sw) : refused(`READ BINARY ${what}`, r.sw);
      }
      chunks.push(r.data);
      got += r.data.length;
      if (options.derSized && got >= 4) {
        const total = derTotalLength(Buffer.concat(chunks));
        if (total === undefined) {
          throw new BridgeError("ERR_CARD_DATA_INVALID", `${what}: not a DER value`, { reason: "der-header" });
        }
        limit = Math.min(limit, total);
      }
      if (r.sw === 0x6282 || r.data.length < le || r.data.length === 0) break;
    }
    const all = new Uint8Array(Buffer.concat(chunks));
    return all.subarray(0, Math.min(all.length, limit));
  }

  /** Selects and reads the EF a PKCS#15 Path designates (selecting its application first when it names one). */
  async readEf(
    ref: EfRef,
    what: string,
    options: { derSized?: boolean; appAid?: Uint8Array } = {},
  ): Promise<Uint8Array> {
    if (ref.aid && ref.aid.length > 0 && !sameBytes(ref.aid, options.appAid)) {
      const sw = await this.selectAid(ref.aid);
      if (sw !== 0x9000)
        throw sw === 0x6a82 ? notFound(`${what} application`, sw) : refused(`SELECT ${what} application`, sw);
    }
    if (ref.path.length > 0) await this.select(ref.path, what);
    return this.readBinary(what, { offset: ref.index, limit: ref.length, derSized: options.derSized });
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Total length (header + content) of the DER value starting at `bytes[0]`, from its first bytes only — what the
 * reader needs to know how many bytes to ask for; the value itself is parsed by @peculiar/x509 afterwards.
 * Single-byte tag, definite length of at most 3 length octets; otherwise undefined.
 */
export function derTotalLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 2 || (bytes[0]! & 0x1f) === 0x1f) return undefined;
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 3 || bytes.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = (len << 8) | bytes[2 + i]!;
  return 2 + n + len;
}
