/**
 * An ISO 7816-4 file tree (MF / DF / transparent EF) with SELECT and READ BINARY as the CPx cards answer them
 * (cps-card.md §2.1–2.2), and a per-logical-channel current DF / EF.
 */
import { type Command, concatBytes, equalBytes, type Reply, reply, SW, tlv } from "./iso7816";

export interface Ef {
  kind: "EF";
  fid: number;
  /** Short EF identifier (READ BINARY with P1 b8 = 1). */
  sfi?: number;
  content: Uint8Array;
  /** IAS-ECC access mode + SCBs of the FCP (default: read always, the rest never). */
  acl?: Uint8Array;
  parent?: Df;
}

export interface Df {
  kind: "DF";
  fid: number;
  /** DF name (AID) for SELECT by name. */
  aid?: Uint8Array;
  children: Node[];
  parent?: Df;
}

export type Node = Ef | Df;

export const ef = (fid: number, content: Uint8Array, sfi?: number): Ef => ({ kind: "EF", fid, content, sfi });

export function df(fid: number, children: Node[], aid?: Uint8Array): Df {
  const node: Df = { kind: "DF", fid, children, aid };
  for (const child of children) child.parent = node;
  return node;
}

export const MF_FID = 0x3f00;

/** The current file of one logical channel. */
export interface Selection {
  df: Df;
  ef?: Ef;
}

export interface SelectOptions {
  /** SELECT by DF name with P2 = 00 (return FCI) answers 6A86 on CPx (cps-card.md §2.1, OpenSC 1a3666364). */
  rejectFciForAid: boolean;
}

/** What SELECT found, for the card to update its state (which application is now selected). */
export interface SelectResult {
  reply: Reply;
  selection?: Selection;
  /** The DF name used, for SELECT by AID. */
  aid?: Uint8Array;
}

export class FileSystem {
  constructor(readonly mf: Df) {}

  /** Power-on state of a channel: the MF. */
  initialSelection(): Selection {
    return { df: this.mf };
  }

  findByAid(aid: Uint8Array, within: Df = this.mf): Df | undefined {
    if (within.aid && equalBytes(within.aid, aid)) return within;
    for (const child of within.children) {
      if (child.kind === "DF") {
        const found = this.findByAid(aid, child);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The node at a path of FIDs below `from` (each element a child of the previous). */
  walk(from: Df, fids: number[]): Node | undefined {
    let node: Node = from;
    for (const fid of fids) {
      if (node.kind !== "DF") return undefined;
      const child: Node | undefined = node.children.find((c) => c.fid === fid);
      if (!child) return undefined;
      node = child;
    }
    return node;
  }

  /**
   * SELECT (INS A4) by FID (P1 00/01/02/03), by DF name (P1 04), by path from the MF (P1 08) or from the current DF
   * (P1 09). The ANS CPS3 driver sends P1 = 09 with the full path *including* 3F00 (cps-card.md §2.1,
   * `cps3_select_file`): a path starting with 3F00 is taken from the MF whatever P1 says. P2: 0C no data,
   * 04 FCP, 00 FCI (answered with the FCP, except by DF name on CPx: 6A86).
   */
  select(current: Selection, command: Command, options: SelectOptions): SelectResult {
    const { p1, p2, data } = command;
    const wantFcp = p2 === 0x04 || p2 === 0x00;
    if (p2 !== 0x0c && p2 !== 0x04 && p2 !== 0x00) return { reply: reply(SW.WRONG_P1P2) };
    let target: Node | undefined;
    switch (p1) {
      case 0x00: {
        if (data.length === 0) {
          target = this.mf; // ISO 7816-4: P1 = 00 with no data selects the MF
          break;
        }
        if (data.length !== 2) return { reply: reply(SW.LC_INCONSISTENT_WITH_P1P2) };
        const fid = (data[0]! << 8) | data[1]!;
        target = this.byFid(current.df, fid);
        break;
      }
      case 0x01:
      case 0x02: {
        if (data.length !== 2) return { reply: reply(SW.LC_INCONSISTENT_WITH_P1P2) };
        const fid = (data[0]! << 8) | data[1]!;
        const child = current.df.children.find((c) => c.fid === fid);
        target = child && child.kind === (p1 === 0x01 ? "DF" : "EF") ? child : undefined;
        // [U] 3F00 is reserved for the MF (ISO 7816-4 §5.3.1.1): taken as the MF whatever P1 says. OpenSC's IAS-ECC
        // driver selects the AODF's PIN path 3F00 (a 2-byte path, so a FID) with P1 = 02 before VERIFY.
        if (!target && fid === MF_FID) target = this.mf;
        break;
      }
      case 0x03:
        if (data.length !== 0) return { reply: reply(SW.LC_INCONSISTENT_WITH_P1P2) };
        target = current.df.parent;
        break;
      case 0x04: {
        if (data.length < 1 || data.length > 16) return { reply: reply(SW.LC_INCONSISTENT_WITH_P1P2) };
        if (p2 === 0x00 && options.rejectFciForAid) return { reply: reply(SW.WRONG_P1P2) };
        const found = this.findByAid(data);
        if (!found) return { reply: reply(SW.FILE_NOT_FOUND) };
        return { reply: reply(SW.OK, wantFcp ? fcp(found) : undefined), selection: { df: found }, aid: data };
      }
      case 0x08:
      case 0x09: {
        if (data.length === 0 || data.length % 2 !== 0) return { reply: reply(SW.LC_INCONSISTENT_WITH_P1P2) };
        const fids: number[] = [];
        for (let i = 0; i < data.length; i += 2) fids.push((data[i]! << 8) | data[i + 1]!);
        if (fids[0] === MF_FID) target = this.walk(this.mf, fids.slice(1));
        else target = this.walk(p1 === 0x08 ? this.mf : current.df, fids);
        break;
      }
      default:
        return { reply: reply(SW.WRONG_P1P2) };
    }
    if (!target) return { reply: reply(SW.FILE_NOT_FOUND) };
    const selection: Selection = target.kind === "DF" ? { df: target } : { df: target.parent ?? this.mf, ef: target };
    return { reply: reply(SW.OK, wantFcp ? fcp(target) : undefined), selection };
  }

  /** SELECT by FID, P1 = 00: the MF, the current DF, a child of it, a child of its parent, or the parent itself. */
  private byFid(currentDf: Df, fid: number): Node | undefined {
    if (fid === MF_FID) return this.mf;
    if (currentDf.fid === fid) return currentDf;
    const child = currentDf.children.find((c) => c.fid === fid);
    if (child) return child;
    const parent = currentDf.parent;
    if (!parent) return undefined;
    if (parent.fid === fid) return parent;
    return parent.children.find((c) => c.fid === fid);
  }

  /**
   * READ BINARY (INS B0) of the current EF, or of the EF given by a short identifier (P1 b8 = 1: SFI in b5–b1,
   * offset in P2). Answers at most `maxChunk` bytes (CPS3: 231 = the ANS driver's max_recv_size 0xE7, CPS4: 256,
   * cps-card.md §2.4). Fewer bytes than Ne at the end of the file: 6282 (the T=0 shaper turns a short answer
   * into 6Cxx).
   */
  readBinary(current: Selection, command: Command, maxChunk: number): { reply: Reply; selection?: Selection } {
    // Case 1 is tolerated: on T=0 a 4-byte APDU goes out with P3 = 00, i.e. Le = 256.
    if (command.isoCase === 3 || command.isoCase === 4) return { reply: reply(SW.WRONG_LENGTH) };
    let file = current.ef;
    let offset: number;
    let selection: Selection | undefined;
    if (command.p1 & 0x80) {
      if (command.p1 & 0x60) return { reply: reply(SW.WRONG_P1P2) };
      const sfi = command.p1 & 0x1f;
      // The current DF first, then the MF: IAS-ECC reads EF.SN.ICC (SFI 1C) from anywhere (OpenSC
      // iasecc_get_serialnr reads it by SFI while the application is selected).
      const bySfi = (d: Df) => d.children.find((c): c is Ef => c.kind === "EF" && c.sfi === sfi);
      const found = bySfi(current.df) ?? bySfi(this.mf);
      if (!found) return { reply: reply(SW.FILE_NOT_FOUND) };
      file = found;
      selection = { df: current.df, ef: found };
      offset = command.p2;
    } else {
      offset = (command.p1 << 8) | command.p2;
    }
    if (!file) return { reply: reply(SW.NO_CURRENT_EF) };
    if (offset >= file.content.length) return { reply: reply(SW.WRONG_OFFSET), selection };
    const ne = command.ne ?? 256;
    const data = file.content.subarray(offset, offset + Math.min(ne, maxChunk));
    const sw = data.length < ne && command.leByte !== 0 ? SW.END_OF_FILE : SW.OK;
    return { reply: reply(sw, data.slice()), selection };
  }
}

/**
 * IAS-ECC security attributes in compact form (tag A1 { 8C contact, 9C contactless }, as OpenSC's
 * `iasecc_process_fci` requires them — without them it refuses the SELECT): an access-mode byte then one security
 * condition byte (SCB) per bit set, from b7 down. EF: b7 DELETE, b6 TERMINATE, b5 ACTIVATE, b4 DEACTIVATE,
 * b2 UPDATE, b1 READ; DF: b7 DELETE, b6 TERMINATE, b5 ACTIVATE, b4 DEACTIVATE, b2 CREATE. SCB 00 = always,
 * FF = never, 1x = user authentication in security environment x.
 * The CPx values are those of a real CPx (OpenSC issues #2223/#2275: `A1 12 8C 07 7B FF FF FF FF FF 00 9C 07 7B FF
 * FF FF FF FF 00` on EF.SN.ICC): read always, everything else never.
 */
export const ALWAYS_READ_ACL = new Uint8Array([0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
export const DF_ACL = new Uint8Array([0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export function securityAttributes(am: Uint8Array): Uint8Array {
  return tlv(0xa1, tlv(0x8c, am), tlv(0x9c, am));
}

/**
 * FCP template (tag 62, ISO 7816-4 §7.4.3) as an IAS-ECC card returns it: 80 size, 82 descriptor, 83 FID, 84 DF
 * name, 88 SFI, A1 security attributes, 8A life cycle status 05 (operational, activated).
 */
export function fcp(node: Node): Uint8Array {
  const fid = new Uint8Array([node.fid >> 8, node.fid & 0xff]);
  const lifeCycle = tlv(0x8a, new Uint8Array([0x05]));
  if (node.kind === "EF") {
    const size = node.content.length;
    return tlv(
      0x62,
      tlv(0x80, new Uint8Array([size >> 8, size & 0xff])),
      tlv(0x82, new Uint8Array([0x01])), // working EF, transparent
      tlv(0x83, fid),
      node.sfi === undefined ? concatBytes() : tlv(0x88, new Uint8Array([node.sfi << 3])),
      securityAttributes(node.acl ?? ALWAYS_READ_ACL),
      lifeCycle,
    );
  }
  return tlv(
    0x62,
    tlv(0x82, new Uint8Array([0x38])), // DF
    tlv(0x83, fid),
    node.aid ? tlv(0x84, node.aid) : concatBytes(),
    securityAttributes(DF_ACL),
    lifeCycle,
  );
}

/** The absolute path (FIDs from the MF) of a node, for PKCS#15 Path values. */
export function absolutePath(node: Node): Uint8Array {
  const fids: number[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) fids.unshift(n.fid);
  const out = new Uint8Array(fids.length * 2);
  fids.forEach((fid, i) => {
    out[2 * i] = fid >> 8;
    out[2 * i + 1] = fid & 0xff;
  });
  return out;
}
