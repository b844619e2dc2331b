/**
 * CPS3: an IAS-ECC card (cps-card.md §1.2) — the model every CPx card here builds on (CPE, blocked / last-try /
 * expired profiles, the CPS3 contactless interface, and channel 0 of the CPS4).
 *
 * File system (cps-card.md §2.1–2.2): MF 3F00 with EF.DIR 2F00, EF.ATR 2F01, EF.SN.ICC D003 and the IAS application
 * DF 3F00/0001 [I] (AID E8 28 BD 08 0F 80 25 00 00 01 FF 00 10) holding the PKCS#15 structure (pkcs15-image.ts) and
 * the contact-only file 7001 the ANS driver probes. The CHV (PIN) SDO lives in the MF, the keys in the application.
 *
 * The card answers on T=0 only (ATR `3B AC…`, cps-card.md §1.3): case-4 answers come as 61xx + GET RESPONSE,
 * a wrong Le on a case-2 command as 6Cxx (iso7816.ts ResponseShaper).
 */
import type { KeyObject } from "node:crypto";
import { randomInt } from "node:crypto";
import { CommonObjectFlag, KeyUsageFlag } from "@cps-bridge/agent/cards/pkcs15-schema";
import type { TestPki } from "../pki";
import { BaseCard } from "./card-base";
import { type CardKeyPair, generateCardKey, pkcs1Sign } from "./card-keys";
import { CPS2TER_CLA, CPS2TER_VOLET_AID, cps2terVoletCommand } from "./cps2ter";
import { type Df, df, ef, FileSystem, fcp, type Node, type Selection } from "./file-system";
import {
  byte,
  type Command,
  concatBytes,
  equalBytes,
  fromHex,
  type Reply,
  readTlvs,
  reply,
  SW,
  type TransmissionProtocol,
  tlv,
} from "./iso7816";
import { PinState } from "./pin-state";
import {
  buildPkcs15Image,
  IAS_ALGORITHMS,
  type Pkcs15Algorithm,
  type Pkcs15Certificate,
  type Pkcs15Key,
} from "./pkcs15-image";
import type { CardCorruption, CardInfo, HolderOptions, ProfileName } from "./virtual-card";

export const CPS3_ATR = fromHex("3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00");
/** IAS-ECC application, contact interface (cps-card.md §2.1). */
export const IAS_AID = fromHex("E8 28 BD 08 0F 80 25 00 00 01 FF 00 10");
/** IAS-ECC application, contactless interface (cps-card.md §2.1). */
export const IAS_CONTACTLESS_AID = fromHex("E8 28 BD 08 0F 80 25 00 00 01 FF 00 20");
/** ANS IAS issuer number, the prefix of EF.SN.ICC (cps-card.md §2.2). */
export const ISSUER_NUMBER = fromHex("80 25 00 00 01");

export const FID = {
  mf: 0x3f00,
  application: 0x0001, // [I] cps-card.md §2.1: SDOs of the keys are read from 3F00/0001
  efDir: 0x2f00,
  efAtr: 0x2f01,
  efSnIcc: 0xd003,
  contactOnly: 0x7001, // the ANS driver probes 3F00/0001/7001 to tell contact from contactless (§2.1)
  authCertificate: 0xc002, // [U] our choice, see pkcs15-image.ts
  signCertificate: 0xc001, // [U]
  technicalCertificate: 0xc003, // [U]
} as const;

export const APPLICATION_PATH = fromHex("3F00 0001");

/**
 * [U] The CPS3 PIN reference is not public (cps-card.md §2.4: "likely 0x81", local CHV #1, as OpenSC reads the CHV
 * SDO `BF 81 01` from 3F00). The card's AODF says 0x81 and drivers must read it from there.
 */
export const CPS3_PIN_REFERENCE = 0x81;

/** Key references and PKCS#15 ids (OpenSC `pkcs15-tool -k` on a CPx, cps-card.md §2.3). */
export const KEY = {
  signature: { reference: 0x81, id: fromHex("E828BD080F8025000001FF001001"), label: "CPS_PRIV_SIG" },
  authentication: { reference: 0x82, id: fromHex("E828BD080F8025000001FF001002"), label: "CPS_PRIV_AUT" },
  /** [U] reference of the contactless technical key (not in the research). */
  technical: { reference: 0x83, id: fromHex("E828BD080F8025000001FF002003"), label: "CPS_PRIV_TECH_AUT" },
} as const;

/** Certificate labels (cps-card.md §2.2). */
export const CERTIFICATE_LABEL = {
  authentication: "Certificat d'Authentification CPS",
  signature: "Certificat de Signature CPS",
  technical: "Certificat Technique CPS",
} as const;

/** READ BINARY answers at most 231 bytes: the ANS CPS3 driver's max_recv_size 0xE7 (cps-card.md §2.4). */
export const CPS3_READ_CHUNK = 0xe7;
/** IAS-ECC algorithm reference "RSA PKCS#1" for INTERNAL AUTHENTICATE (cps-card.md §2.3). */
export const ALGO_RSA_PKCS1 = 0x02;

/** A key the card can use, by its reference. */
export interface IasKey {
  reference: number;
  privateKey: KeyObject;
  modulusBits: number;
  /** Access rule int_auth (cps-card.md §2.3: CPS_PRIV_AUT yes, CPS_PRIV_SIG no — pso_cds only). */
  internalAuthenticate: boolean;
  /** false for the contactless technical key (no PIN on the contactless interface, cps-card.md §1.2). */
  requiresPin: boolean;
}

/** The current security environment set by MSE SET (INS 22). */
export interface SecurityEnvironment {
  /** Control reference template: A4 authentication, B6 digital signature, B8 confidentiality. */
  template: number;
  algorithm?: number;
  keyReference?: number;
}

/** State of one logical channel. */
export interface ChannelState {
  selection: Selection;
  se?: SecurityEnvironment;
}

export interface IasCardConfig {
  profile: ProfileName;
  atr: Uint8Array;
  protocol: TransmissionProtocol;
  fs: FileSystem;
  /** The PKCS#15 application DF and its AID. */
  application: Df;
  applicationAid: Uint8Array;
  /** Other AIDs this interface answers 6A82 for (e.g. the contactless AID on the contact interface). */
  pin?: PinState;
  pinReference?: number;
  keys: IasKey[];
  readChunk: number;
  info: CardInfo;
}

/**
 * The IAS-ECC command interpreter of a CPS3 (channel 0 only: [U] CPS3 logical channels are not documented, so
 * CLA with a channel ≠ 0 answers 6881).
 */
export class IasEccCard extends BaseCard {
  protected readonly fs: FileSystem;
  protected readonly application: Df;
  protected readonly applicationAid: Uint8Array;
  protected readonly pin: PinState | undefined;
  protected readonly pinReference: number | undefined;
  protected readonly keys: Map<number, IasKey>;
  protected readonly readChunk: number;
  /** Which interpreter answers channel 0: the IAS application, or the CPS2ter volet after its AID was selected. */
  protected mode: "ias" | "cps2ter" = "ias";
  protected channel0: ChannelState;

  constructor(config: IasCardConfig) {
    super(config.profile, config.atr, config.protocol);
    this.fs = config.fs;
    this.application = config.application;
    this.applicationAid = config.applicationAid;
    this.pin = config.pin;
    this.pinReference = config.pinReference;
    this.keys = new Map(config.keys.map((k) => [k.reference, k]));
    this.readChunk = config.readChunk;
    this.info = config.info;
    this.channel0 = { selection: this.fs.initialSelection() };
  }

  triesLeft(): number | undefined {
    return this.pin?.triesLeft;
  }

  setTriesLeft(n: number): void {
    if (!this.pin) throw new Error(`a ${this.profile} card has no PIN`);
    this.pin.setTriesLeft(n);
  }

  protected resetVolatileState(): void {
    this.mode = "ias";
    this.channel0 = { selection: this.fs.initialSelection() };
    this.pin?.forget();
  }

  protected override isGetResponse(command: Command): boolean {
    return super.isGetResponse(command) && this.mode === "ias";
  }

  protected handle(command: Command): Reply {
    if (command.proprietary) {
      // After the CPS2ter volet was selected its class A0 is understood; IAS never uses a proprietary class.
      return this.mode === "cps2ter" && command.cla === CPS2TER_CLA
        ? cps2terVoletCommand(command)
        : reply(SW.CLA_NOT_SUPPORTED);
    }
    if (command.channel !== 0) return reply(SW.CHANNEL_NOT_SUPPORTED);
    return this.channel0Command(command);
  }

  /** Channel 0: the IAS interpreter, or 6E00 while the CPS2ter volet is selected. */
  protected channel0Command(command: Command): Reply {
    // cps-card.md §2.1 (DC Linux release note, anomaly 8401): after another application was selected, IAS commands
    // answer 6E00 until the IAS application is selected again. Only SELECT by AID still gets through.
    if (this.mode === "cps2ter" && !(command.ins === 0xa4 && command.p1 === 0x04)) return reply(SW.CLA_NOT_SUPPORTED);
    return this.iasCommand(command, this.channel0, 0);
  }

  /** One IAS-ECC command on a channel. */
  protected iasCommand(command: Command, state: ChannelState, channel: number): Reply {
    if (command.secureMessaging) return reply(SW.SM_NOT_SUPPORTED);
    if (command.chained) return reply(SW.CHAINING_NOT_SUPPORTED); // chaining is for PSO DECIPHER, not modelled on CPS3
    switch (command.ins) {
      case 0xa4:
        return this.select(command, state, channel);
      case 0xb0:
        return this.readBinary(command, state);
      case 0xcb:
        return this.getData(command, state);
      case 0x20:
        return this.verify(command);
      case 0x22:
        return this.manageSecurityEnvironment(command, state);
      case 0x88:
        return this.internalAuthenticate(command, state);
      case 0x2a:
        // PSO (COMPUTE DIGITAL SIGNATURE with the non-repudiation key, DECIPHER): not modelled — login uses
        // INTERNAL AUTHENTICATE (cps-card.md §2.4).
        return reply(SW.FUNCTION_NOT_SUPPORTED);
      default:
        return reply(SW.INS_NOT_SUPPORTED);
    }
  }

  /**
   * SELECT (cps-card.md §2.1): the IAS application by AID with P2 = 0C (04: with FCP; 00: 6A86 — OpenSC
   * 1a3666364), the CPS2ter volet by its AID, files by FID / path (P1 09 with the full path including 3F00, as the
   * ANS driver sends it; P1 08 and 00/01/02 tolerated). Selecting an application resets the security environment.
   */
  protected select(command: Command, state: ChannelState, channel: number): Reply {
    if (command.p1 === 0x04) {
      if (command.p2 !== 0x0c && command.p2 !== 0x04 && command.p2 !== 0x00) return reply(SW.WRONG_P1P2);
      if (command.p2 === 0x00) return reply(SW.WRONG_P1P2);
      if (equalBytes(command.data, CPS2TER_VOLET_AID) && channel === 0) {
        this.mode = "cps2ter";
        this.channel0 = { selection: this.fs.initialSelection() };
        return reply(SW.OK);
      }
      if (!equalBytes(command.data, this.applicationAid)) {
        // Unknown AIDs, Vitale AIDs, the other interface's IAS AID: not on this card.
        return this.selectOtherApplication(command, state, channel);
      }
      if (channel === 0) this.mode = "ias";
      state.selection = { df: this.application };
      state.se = undefined;
      return reply(SW.OK, command.p2 === 0x04 ? fcpOf(this.application, this.applicationAid) : undefined);
    }
    const result = this.fs.select(state.selection, command, { rejectFciForAid: true });
    if (result.selection) state.selection = result.selection;
    return result.reply;
  }

  /** SELECT by an AID that is not the IAS application (CPS4 knows more). */
  protected selectOtherApplication(_command: Command, _state: ChannelState, _channel: number): Reply {
    return reply(SW.FILE_NOT_FOUND);
  }

  protected readBinary(command: Command, state: ChannelState): Reply {
    const result = this.fs.readBinary(state.selection, command, this.readChunk);
    if (result.selection) state.selection = result.selection;
    return result.reply;
  }

  /**
   * GET DATA of a security data object (SDO), `00 CB 3F FF 4D { 70 { BF <class|80> <id> <header list> } }`, as
   * both the ANS driver and OpenSC's IAS-ECC driver send it:
   *  - the PIN (CHV, class 01, `BF 81 01`), read with the MF selected (else 6A88, OpenSC fcd2e665f / e3a3722ad):
   *    header `A0 80` → its DOCP `A0 { 9A max tries, 9B tries left, 9D unblock uses left, A1 { 8C access rules } }`
   *    (ANS `cps3_get_pin_counter` reads 9A/9B/9D; OpenSC needs the A1/8C rules); header `7F41 80` → its public
   *    part `7F41 { 80 max length, 81 min length }`;
   *  - a private key (class 10, `BF 90 <ref without 80>`), read with the application 3F00/0001 selected:
   *    `A0 80` → `A0 { 80 size in bytes, A1 { 8C access rules }, 9E non-repudiation }`; `7F48 80` (its public part)
   *    → 6A86, "no public data" (OpenSC then asks for the DOCP).
   * The answer keeps the request's nesting, `70 { BF xx id { … } }`.
   * Access rules [I from a real CPx CHV DOCP, OpenSC issue #2275: `8C 06 F3 00 00 13 FF 00`]: CHV change / verify
   * always, reset under SE 3 (the PUK), PUT DATA never, GET DATA always. Keys [U]: their PSO / INTERNAL AUTHENTICATE
   * / DECIPHER uses under SE 2 (user authentication) as the PrKDF access rules say, generate / PUT DATA never, GET
   * DATA always.
   */
  protected getData(command: Command, state: ChannelState): Reply {
    if (command.p1 !== 0x3f || command.p2 !== 0xff) return reply(SW.REFERENCED_DATA_NOT_FOUND);
    const headerList = readTlvs(command.data);
    const extended = headerList?.find((t) => t.tag === 0x4d);
    const template = extended && readTlvs(extended.value)?.find((t) => t.tag === 0x70);
    const sdo = template && readTlvs(template.value)?.[0];
    if (!sdo || sdo.tag >> 16 !== 0xbf) return reply(SW.WRONG_DATA);
    const sdoClass = (sdo.tag >> 8) & 0x7f;
    const id = sdo.tag & 0xff;
    const wanted = sdo.value[0] === 0x7f ? (sdo.value[0] << 8) | (sdo.value[1] ?? 0) : sdo.value[0];
    const answer = (...content: Uint8Array[]) => reply(SW.OK, tlv(0x70, tlv(sdo.tag, ...content)));
    if (sdoClass === 0x01) {
      if (!this.pin || this.pinReference === undefined) return reply(SW.REFERENCED_DATA_NOT_FOUND);
      if (state.selection.df !== this.fs.mf) return reply(SW.REFERENCED_DATA_NOT_FOUND);
      // The SDO number is the PIN reference without its "local" bit (0x81 → BF 81 01); 0x81 itself is tolerated.
      if (id !== (this.pinReference & 0x7f) && id !== this.pinReference) return reply(SW.REFERENCED_DATA_NOT_FOUND);
      if (wanted === 0x7f41) return answer(tlv(0x7f41, tlv(0x80, byte(8)), tlv(0x81, byte(4))));
      if (wanted !== 0xa0) return reply(SW.WRONG_P1P2);
      return answer(
        tlv(
          0xa0,
          tlv(0x9a, byte(this.pin.maxTries)),
          tlv(0x9b, byte(this.pin.triesLeft)),
          tlv(0x9d, byte(this.pin.unblockLeft)),
          tlv(0xa1, tlv(0x8c, fromHex("F3 00 00 13 FF 00"))),
        ),
      );
    }
    if (sdoClass === 0x10) {
      if (state.selection.df !== this.application) return reply(SW.REFERENCED_DATA_NOT_FOUND);
      const key = this.keys.get(id | 0x80);
      if (!key) return reply(SW.REFERENCED_DATA_NOT_FOUND);
      if (wanted === 0x7f48) return reply(SW.WRONG_P1P2); // no public data
      if (wanted !== 0xa0) return reply(SW.WRONG_P1P2);
      const userAuth = key.requiresPin ? 0x12 : 0x00;
      const rule = (allowed: boolean) => (allowed ? userAuth : 0xff);
      const sign = !key.internalAuthenticate;
      const acl = byte(0x7b, rule(sign), rule(key.internalAuthenticate), rule(key.internalAuthenticate), 0xff, 0xff, 0);
      const bytes = key.modulusBits / 8;
      return answer(
        tlv(0xa0, tlv(0x80, byte(bytes >> 8, bytes & 0xff)), tlv(0xa1, tlv(0x8c, acl)), tlv(0x9e, byte(sign ? 1 : 0))),
      );
    }
    return reply(SW.REFERENCED_DATA_NOT_FOUND);
  }

  /** VERIFY `00 20 00 <ref>` (cps-card.md §2.4); semantics in pin-state.ts. */
  protected verify(command: Command): Reply {
    if (!this.pin || this.pinReference === undefined) return reply(SW.REFERENCED_DATA_NOT_FOUND); // contactless: no PIN
    if (command.p1 !== 0x00) return reply(SW.WRONG_P1P2);
    if (command.p2 !== this.pinReference) return reply(SW.REFERENCED_DATA_NOT_FOUND);
    return reply(this.pin.verify(command.data));
  }

  /**
   * MSE SET (cps-card.md §2.4): `00 22 41 A4 06 80 01 02 84 01 82` = authentication template, algorithm 02 (RSA
   * PKCS#1), key 0x82. Also SET DST (B6) and CT (B8), and RESTORE (P1 F3). An unknown key reference: 6A88.
   */
  protected manageSecurityEnvironment(command: Command, state: ChannelState): Reply {
    if (command.p1 === 0xf3) {
      state.se = undefined;
      return reply(SW.OK);
    }
    if (command.p1 !== 0x41 || ![0xa4, 0xb6, 0xb8].includes(command.p2)) return reply(SW.WRONG_P1P2);
    const objects = readTlvs(command.data);
    if (!objects) return reply(SW.WRONG_DATA);
    const se: SecurityEnvironment = { template: command.p2 };
    for (const o of objects) {
      if (o.value.length !== 1) return reply(SW.WRONG_DATA);
      if (o.tag === 0x80) se.algorithm = o.value[0];
      else if (o.tag === 0x84 || o.tag === 0x83) se.keyReference = o.value[0];
    }
    if (se.keyReference === undefined || !this.keys.has(se.keyReference)) return reply(SW.REFERENCED_DATA_NOT_FOUND);
    state.se = se;
    return reply(SW.OK);
  }

  /**
   * INTERNAL AUTHENTICATE `00 88 00 00 Lc <DigestInfo> 00` after MSE SET AT (cps-card.md §2.4): the card pads
   * (PKCS#1 v1.5 type 1) and signs with the key of the SE. Refusals:
   *  - no authentication SE, or algorithm ≠ 02: 6985;
   *  - key 0x81 (CPS_PRIV_SIG): 6985 — its only access rule is pso_cds (cps-card.md §2.3), so this card refuses
   *    INTERNAL AUTHENTICATE with it as "conditions of use not satisfied" [our choice of SW];
   *  - PIN not verified in this power session: 6982;
   *  - input empty or above 40 % of the modulus (IAS-ECC limit, cps-card.md §2.3): 6700.
   */
  protected internalAuthenticate(command: Command, state: ChannelState): Reply {
    if (command.p1 !== 0 || command.p2 !== 0) return reply(SW.WRONG_P1P2);
    const se = state.se;
    if (se?.template !== 0xa4 || se.keyReference === undefined) return reply(SW.CONDITIONS_NOT_SATISFIED);
    const key = this.keys.get(se.keyReference);
    if (!key?.internalAuthenticate) return reply(SW.CONDITIONS_NOT_SATISFIED);
    if (se.algorithm !== undefined && se.algorithm !== ALGO_RSA_PKCS1) return reply(SW.CONDITIONS_NOT_SATISFIED);
    if (key.requiresPin && !this.pin?.verified) return reply(SW.SECURITY_NOT_SATISFIED);
    const maxInput = Math.floor((key.modulusBits / 8) * 0.4);
    if (command.data.length === 0 || command.data.length > maxInput) return reply(SW.WRONG_LENGTH);
    return reply(SW.OK, pkcs1Sign(key.privateKey, command.data));
  }
}

/** FCP of the application DF, with its DF name (tag 84). */
function fcpOf(application: Df, aid: Uint8Array): Uint8Array {
  return fcp({ ...application, aid });
}

// ---------------------------------------------------------------------------------------------------------------
// Building a CPx card

/** Everything a CPx profile decides (profiles.ts resolves the defaults). */
export interface CpxCardInput {
  profile: ProfileName;
  holder: Required<HolderOptions>;
  kind: CardInfo["kind"];
  pin: string;
  triesLeft: number;
  notBefore?: Date;
  notAfter?: Date;
  corrupt?: CardCorruption;
  /** 10 digits. */
  serial: string;
  pki: TestPki;
}

/** A random 10-digit card serial. */
export function randomSerial(): string {
  return String(randomInt(1_000_000_000, 9_999_999_999));
}

/** 10 decimal digits → 5 BCD bytes. */
export function bcd(digits: string): Uint8Array {
  if (!/^\d{10}$/.test(digits)) throw new Error(`card serial must be 10 digits, got ${JSON.stringify(digits)}`);
  const out = new Uint8Array(5);
  for (let i = 0; i < 5; i++) out[i] = (Number(digits[2 * i]) << 4) | Number(digits[2 * i + 1]);
  return out;
}

/**
 * EF.SN.ICC (cps-card.md §2.2): 12 bytes `5A 0A` + issuer number `80 25 00 00 01` + 5-byte BCD serial.
 * `serial-length` corruption: 11 bytes (`5A 09`, the serial's last byte missing).
 */
export function efSnIcc(serial: string, corrupt?: CardCorruption): Uint8Array {
  const content = concatBytes(ISSUER_NUMBER, bcd(serial));
  return corrupt === "serial-length" ? tlv(0x5a, content.subarray(0, 9)) : tlv(0x5a, content);
}

/**
 * EF.ATR (3F00/2F01, cps-card.md §2.1–2.2), laid out as a real CPx's (OpenSC issue #2223, opensc-explorer dump):
 * `80` then card service data 43 B8, pre-issuing data 46 04 B0 EC C1 (IC manufacturer / type / OS / IAS-ECC
 * version, which OpenSC's IAS-ECC driver requires), card capabilities 47 94 01 80 (command chaining, no extended
 * length), the application AID 4F, the IAS-ECC I/O buffer sizes E0 (send 260 / 260 with SM, receive 256 / 256:
 * OpenSC sets its max send/receive sizes from them and refuses an EF.ATR with less than 16 bytes there), the
 * allocation scheme 78 with the OID 1.3.162.15480.2, and the status word 82 90 00. [U] which AID a CPS3 lists (the
 * dump showed 80 25 00 00 01 FF 01 00): CPS3 gives its IAS AID.
 */
export function efAtr(aid: Uint8Array): Uint8Array {
  return concatBytes(
    byte(0x80),
    tlv(0x43, byte(0xb8)),
    tlv(0x46, fromHex("04 B0 EC C1")),
    tlv(0x47, fromHex("94 01 80")),
    tlv(0x4f, aid),
    tlv(
      0xe0,
      tlv(0x02, fromHex("01 04")),
      tlv(0x02, fromHex("01 04")),
      tlv(0x02, fromHex("01 00")),
      tlv(0x02, fromHex("01 00")),
    ),
    tlv(0x78, tlv(0x06, fromHex("2B 81 22 F8 78 02"))),
    tlv(0x82, fromHex("90 00")),
  );
}

export interface CpxKeys {
  authentication: CardKeyPair;
  signature?: CardKeyPair;
  authenticationCertificate: Uint8Array;
  signatureCertificate?: Uint8Array;
}

/** Generates the card's key pairs (in parallel, ~100–300 ms each) and has the test PKI certify them. */
export async function makeCpxKeys(input: CpxCardInput, withSignature: boolean): Promise<CpxKeys> {
  const [authentication, signature] = await Promise.all([
    generateCardKey(),
    withSignature ? generateCardKey() : Promise.resolve(undefined),
  ]);
  const issue = async (key: CardKeyPair, usage: "auth" | "sign") =>
    new Uint8Array(
      (
        await input.pki.issueHolder({
          holder: input.holder,
          kind: input.kind,
          usage,
          publicKey: key.spki,
          notBefore: input.notBefore,
          notAfter: input.notAfter,
        })
      ).rawData,
    );
  return {
    authentication,
    signature,
    authenticationCertificate: await issue(authentication, "auth"),
    signatureCertificate: signature ? await issue(signature, "sign") : undefined,
  };
}

export interface CpxFileSystemInput {
  applicationAid: Uint8Array;
  applicationLabel: string;
  tokenLabel: string;
  serial: string;
  efAtrAid: Uint8Array;
  contactOnlyFile: boolean;
  pinReference?: number;
  keys: Pkcs15Key[];
  certificates: Pkcs15Certificate[];
  corrupt?: CardCorruption;
  /** TokenInfo supportedAlgorithms (the IAS-ECC ones on a CPS3). */
  algorithms?: readonly Pkcs15Algorithm[];
}

export function buildCpxFileSystem(input: CpxFileSystemInput): { fs: FileSystem; application: Df } {
  const image = buildPkcs15Image({
    applicationAid: input.applicationAid,
    applicationPath: APPLICATION_PATH,
    applicationLabel: input.applicationLabel,
    tokenLabel: input.tokenLabel,
    serialNumber: concatBytes(ISSUER_NUMBER, bcd(input.serial)),
    manufacturerId: "cps-bridge test bench (virtual card)",
    algorithms: input.algorithms,
    pin:
      input.pinReference === undefined
        ? undefined
        : {
            label: "Code porteur", // [U] real AODF label unknown
            authId: byte(0x01), // one PIN for both keys: Auth ID 01 (cps-card.md §2.3)
            reference: input.pinReference,
            minLength: 4,
            maxLength: 8, // PKCS#11 fallback 4/8 (cps-card.md §2.4)
            path: fromHex("3F00"),
          },
    keys: input.keys,
    certificates: input.certificates,
    corrupt: input.corrupt,
  });
  const applicationChildren: Node[] = [...image.applicationFiles];
  // Contact-only marker file; content unknown [U], a few bytes.
  if (input.contactOnlyFile) applicationChildren.push(ef(FID.contactOnly, fromHex("00 00 00 00")));
  const application = df(FID.application, applicationChildren, input.applicationAid);
  const mf = df(FID.mf, [
    // SFIs of the IAS-ECC MF files (OpenSC iasecc.h: EF.DIR 1E, EF.ATR 1D, EF.SN 1C).
    ef(FID.efDir, image.dir, 0x1e),
    ef(FID.efAtr, efAtr(input.efAtrAid), 0x1d),
    ef(FID.efSnIcc, efSnIcc(input.serial, input.corrupt), 0x1c),
    application,
  ]);
  return { fs: new FileSystem(mf), application };
}

/** The PKCS#15 key entries of a contact CPx card (cps-card.md §2.3). */
export function cpxKeyEntries(authenticationReference: number, modulusBits: number): Pkcs15Key[] {
  return [
    {
      label: KEY.signature.label,
      id: KEY.signature.id,
      usage: KeyUsageFlag.nonRepudiation,
      objectFlags: CommonObjectFlag.private,
      accessModes: 1 << 5, // pso_cds
      keyReference: KEY.signature.reference,
      modulusBits,
    },
    {
      label: KEY.authentication.label,
      id: KEY.authentication.id,
      usage: KeyUsageFlag.decrypt | KeyUsageFlag.sign,
      objectFlags: CommonObjectFlag.private | CommonObjectFlag.modifiable,
      accessModes: (1 << 7) | (1 << 9), // pso_decrypt, int_auth
      keyReference: authenticationReference,
      modulusBits,
    },
  ];
}

/** A CPS3 (also the cps3-blocked / -last-try / -expired / -not-yet-valid and cpe profiles). */
export async function createCps3Card(input: CpxCardInput): Promise<IasEccCard> {
  const keys = await makeCpxKeys(input, true);
  const tokenLabel = `CPS3v3-${input.serial}`;
  const { fs, application } = buildCpxFileSystem({
    applicationAid: IAS_AID,
    applicationLabel: "CPS3 IAS", // [U]
    tokenLabel,
    algorithms: IAS_ALGORITHMS,
    serial: input.serial,
    efAtrAid: IAS_AID,
    contactOnlyFile: true,
    pinReference: CPS3_PIN_REFERENCE,
    keys: cpxKeyEntries(KEY.authentication.reference, keys.authentication.modulusBits),
    certificates: [
      {
        label: CERTIFICATE_LABEL.authentication,
        id: KEY.authentication.id,
        fid: FID.authCertificate,
        der: keys.authenticationCertificate,
      },
      {
        label: CERTIFICATE_LABEL.signature,
        id: KEY.signature.id,
        fid: FID.signCertificate,
        der: keys.signatureCertificate!,
      },
    ],
    corrupt: input.corrupt,
  });
  return new IasEccCard({
    profile: input.profile,
    atr: CPS3_ATR,
    protocol: "T0",
    fs,
    application,
    applicationAid: IAS_AID,
    pin: new PinState(input.pin, input.triesLeft),
    pinReference: CPS3_PIN_REFERENCE,
    keys: [
      {
        reference: KEY.authentication.reference,
        privateKey: keys.authentication.privateKey,
        modulusBits: keys.authentication.modulusBits,
        internalAuthenticate: true,
        requiresPin: true,
      },
      {
        reference: KEY.signature.reference,
        privateKey: keys.signature!.privateKey,
        modulusBits: keys.signature!.modulusBits,
        internalAuthenticate: false,
        requiresPin: true,
      },
    ],
    readChunk: CPS3_READ_CHUNK,
    info: {
      serial: input.serial,
      holder: input.holder,
      kind: input.kind,
      tokenLabel,
      certificates: { authentication: keys.authenticationCertificate, signature: keys.signatureCertificate },
      pinReference: CPS3_PIN_REFERENCE,
    },
  });
}
