/**
 * CPS4: NXP chip with the ChipDoc applet (cps-card.md §1.2). At power-on it "se comporte toujours rigoureusement
 * comme une CPS3": channel 0 runs the IAS file interpreter of cps3.ts (SELECT, READ BINARY, EF.SN.ICC, the PKCS#15
 * structure, VERIFY, GET DATA) — but there is no INTERNAL AUTHENTICATE on a CPS4 (§1.2, 6D00).
 *
 * The ChipDoc applet `80 25 00 00 01 FF 01 00` is selected on logical channel 1 (`01 A4 04 0C 08 …`; the channel
 * opens by that SELECT or by MANAGE CHANNEL `00 70 00 00 01`, cps-card.md §2.1). With CLA 01 it serves the same
 * PKCS#15 files (TokenInfo label `CPS4v1-<serial>`), VERIFY (no data → 63Cx / 6983), MSE SET `01 22 41 B8 03 83 01
 * 20` and PSO DECIPHER `01 2A 80 86` of a host-padded 256-byte block sent with command chaining (first part CLA 11,
 * last CLA 01, no padding-indicator byte) → the raw RSA result (§2.4).
 *
 * The 6985 re-selection behaviour (cps-card.md §2.1, DC `card-cps4.c`, release fix #1722): when another
 * application is selected on channel 0 while ChipDoc is selected on channel 1 (e.g. other middleware selects the
 * IAS or CPS2ter application), or on `simulateChannelDesync()`, every ChipDoc command answers 6985 until the ANS
 * recovery sequence: SELECT IDS `A0 00 00 01 51 00 00` on ch.1, SELECT CPS2ter volet on ch.0, SELECT ChipDoc on
 * ch.1. [U] The real trigger is not documented; a plain re-SELECT of ChipDoc does not clear it in this model (the
 * ANS driver needed the full sequence).
 */
import type { KeyObject } from "node:crypto";
import { rawRsaPrivate } from "./card-keys";
import { CPS2TER_CLA, CPS2TER_VOLET_AID, cps2terVoletCommand } from "./cps2ter";
import {
  buildCpxFileSystem,
  CERTIFICATE_LABEL,
  type ChannelState,
  type CpxCardInput,
  cpxKeyEntries,
  FID,
  IAS_AID,
  type IasCardConfig,
  IasEccCard,
  KEY,
  makeCpxKeys,
} from "./cps3";
import { type Command, concatBytes, equalBytes, fromHex, type Reply, readTlvs, reply, SW } from "./iso7816";
import { PinState } from "./pin-state";
import type { ProfileName } from "./virtual-card";

export const CPS4_ATR = fromHex("3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44");
export const CPS4_T0_ATR = fromHex("3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00");
export const CHIPDOC_AID = fromHex("80 25 00 00 01 FF 01 00");
/** GlobalPlatform ISD AID used by the ANS recovery sequence ("IDS", cps-card.md §2.1 [I]). */
export const IDS_AID = fromHex("A0 00 00 01 51 00 00");
/** CPS4 authentication key, MSE tag 83 (cps-card.md §2.3: CPS4_AUTH_PRIV_KEY_ID 0x20). */
export const CPS4_AUTH_KEY_REFERENCE = 0x20;
/** [U] CPS4 PIN reference: not public; the AODF says 0x81 as on CPS3. Drivers read it from the AODF. */
export const CPS4_PIN_REFERENCE = 0x81;
/** ANS CPS4 driver: max_recv_size 256 (cps-card.md §2.4). */
export const CPS4_READ_CHUNK = 256;
const LAST_CHANNEL = 3;

/** The ChipDoc authentication key (PSO DECIPHER only). */
export interface ChipDocKey {
  privateKey: KeyObject;
  modulusBits: number;
}

type ChipDocChannel = ChannelState & {
  /** What is selected on this channel by AID. */
  app: "none" | "chipdoc" | "ids";
  /** PSO DECIPHER parts received so far (command chaining). */
  chain?: Uint8Array;
};

export class Cps4Card extends IasEccCard {
  private readonly channels = new Map<number, ChipDocChannel>();
  /** ChipDoc commands answer 6985 (see the file comment). */
  private desynced = false;
  /** Progress through the recovery sequence: 1 after SELECT IDS on ch.1, 2 after SELECT CPS2ter on ch.0. */
  private recoveryStep = 0;
  private readonly authKey: ChipDocKey;

  constructor(config: IasCardConfig, authKey: ChipDocKey) {
    super(config);
    this.authKey = authKey;
  }

  simulateChannelDesync(): void {
    this.desynced = true;
    this.recoveryStep = 0;
  }

  protected override resetVolatileState(): void {
    super.resetVolatileState();
    this.channels.clear();
    this.desynced = false;
    this.recoveryStep = 0;
  }

  protected override isGetResponse(command: Command): boolean {
    if (command.ins !== 0xc0 || command.proprietary) return false;
    if (command.channel === 0) return this.mode === "ias";
    return this.channels.has(command.channel ?? -1) && !(this.desynced && this.isChipDoc(command.channel));
  }

  protected override handle(command: Command): Reply {
    if (command.proprietary) {
      return this.mode === "cps2ter" && command.cla === CPS2TER_CLA
        ? cps2terVoletCommand(command)
        : reply(SW.CLA_NOT_SUPPORTED);
    }
    const channel = command.channel ?? 0;
    if (channel === 0) {
      if (command.ins === 0x70) return this.manageChannel(command);
      return this.channel0Command(command);
    }
    if (channel > LAST_CHANNEL) return reply(SW.CHANNEL_NOT_SUPPORTED);
    let state = this.channels.get(channel);
    if (!state) {
      // A SELECT on a closed channel opens it (ISO 7816-4 §5.4.2): the ANS driver selects ChipDoc with CLA 01 directly.
      if (command.ins !== 0xa4) return reply(SW.CHANNEL_NOT_SUPPORTED);
      state = { selection: this.fs.initialSelection(), app: "none" };
      this.channels.set(channel, state);
    }
    if (command.ins === 0x70) return this.manageChannel(command);
    if (state.app === "chipdoc") return this.chipDocCommand(command, state, channel);
    if (state.app === "ids")
      return command.ins === 0xa4 ? this.select(command, state, channel) : reply(SW.INS_NOT_SUPPORTED);
    return this.iasCommand(command, state, channel);
  }

  private isChipDoc(channel: number | undefined): boolean {
    return this.channels.get(channel ?? -1)?.app === "chipdoc";
  }

  /** MANAGE CHANNEL (INS 70): P1 00 open (P2 00: the card picks the number), P1 80 close channel P2. */
  private manageChannel(command: Command): Reply {
    if (command.p1 === 0x00) {
      if (command.p2 === 0x00) {
        for (let n = 1; n <= LAST_CHANNEL; n++) {
          if (!this.channels.has(n)) {
            this.channels.set(n, { selection: this.fs.initialSelection(), app: "none" });
            return reply(SW.OK, new Uint8Array([n]));
          }
        }
        return reply(SW.CHANNEL_NOT_SUPPORTED);
      }
      if (command.p2 > LAST_CHANNEL) return reply(SW.CHANNEL_NOT_SUPPORTED);
      if (!this.channels.has(command.p2)) {
        this.channels.set(command.p2, { selection: this.fs.initialSelection(), app: "none" });
      }
      return reply(SW.OK);
    }
    if (command.p1 === 0x80) {
      const target = command.p2 === 0 ? (command.channel ?? 0) : command.p2;
      if (target === 0 || !this.channels.delete(target)) return reply(SW.WRONG_P1P2);
      return reply(SW.OK);
    }
    return reply(SW.WRONG_P1P2);
  }

  /** Channel 0: as CPS3, minus INTERNAL AUTHENTICATE; an application selected here desynchronises ChipDoc. */
  protected override channel0Command(command: Command): Reply {
    if (command.ins === 0x88) return reply(SW.INS_NOT_SUPPORTED); // no INTERNAL AUTHENTICATE on CPS4 (§1.2)
    if (command.ins === 0xa4 && command.p1 === 0x04 && !command.secureMessaging) {
      const chipDocSelected = [...this.channels.values()].some((c) => c.app === "chipdoc");
      const answer = super.channel0Command(command);
      if (answer.sw === SW.OK) {
        if (this.recoveryStep === 1 && equalBytes(command.data, CPS2TER_VOLET_AID)) this.recoveryStep = 2;
        else if (chipDocSelected) this.simulateChannelDesync();
      }
      return answer;
    }
    return super.channel0Command(command);
  }

  /** SELECT by AID of the ChipDoc applet or the IDS, on channels 1–3. */
  protected override selectOtherApplication(command: Command, state: ChannelState, channel: number): Reply {
    const channelState = state as ChipDocChannel;
    if (channel === 0) return reply(SW.FILE_NOT_FOUND);
    if (equalBytes(command.data, CHIPDOC_AID)) {
      if (this.desynced && this.recoveryStep === 2) {
        this.desynced = false;
        this.recoveryStep = 0;
      }
      channelState.app = "chipdoc";
      channelState.selection = { df: this.application };
      channelState.se = undefined;
      channelState.chain = undefined;
      return reply(SW.OK);
    }
    if (equalBytes(command.data, IDS_AID)) {
      if (this.desynced) this.recoveryStep = 1;
      channelState.app = "ids";
      channelState.selection = this.fs.initialSelection();
      channelState.se = undefined;
      return reply(SW.OK);
    }
    return reply(SW.FILE_NOT_FOUND);
  }

  /** A command on a channel where ChipDoc is selected (CLA 01…03, 11…13 for chained parts). */
  private chipDocCommand(command: Command, state: ChipDocChannel, channel: number): Reply {
    if (command.ins === 0xa4) {
      state.chain = undefined;
      const answer = this.select(command, state, channel);
      // A file SELECT stays inside the applet; selecting the IAS application by AID leaves it.
      if (command.p1 === 0x04 && answer.sw === SW.OK && equalBytes(command.data, IAS_AID)) state.app = "none";
      return answer;
    }
    if (this.desynced) {
      state.chain = undefined;
      return reply(SW.CONDITIONS_NOT_SATISFIED); // 6985: re-run the ANS recovery sequence
    }
    if (command.secureMessaging) return reply(SW.SM_NOT_SUPPORTED);
    if (command.ins === 0x2a && command.p1 === 0x80 && command.p2 === 0x86) return this.decipher(command, state);
    state.chain = undefined;
    if (command.chained) return reply(SW.CHAINING_NOT_SUPPORTED);
    switch (command.ins) {
      case 0xb0:
        return this.readBinary(command, state);
      case 0x20:
        return this.verify(command);
      case 0x22:
        return this.chipDocMse(command, state);
      case 0x2a:
        // PSO COMPUTE DIGITAL SIGNATURE (RSA-PSS path, cps-card.md §2.4) is not modelled.
        return reply(SW.FUNCTION_NOT_SUPPORTED);
      case 0x88:
        return reply(SW.INS_NOT_SUPPORTED); // no INTERNAL AUTHENTICATE on CPS4
      default:
        return reply(SW.INS_NOT_SUPPORTED);
    }
  }

  /** MSE SET `01 22 41 B8 03 83 01 20` (cps-card.md §2.4): confidentiality template, key 0x20; other keys 6A88. */
  private chipDocMse(command: Command, state: ChipDocChannel): Reply {
    if (command.p1 === 0xf3) {
      state.se = undefined;
      return reply(SW.OK);
    }
    // The RSA-PSS variant `01 22 81 B6 …` is not modelled.
    if (command.p1 !== 0x41 || command.p2 !== 0xb8) return reply(SW.WRONG_P1P2);
    const objects = readTlvs(command.data);
    const key = objects?.find((o) => o.tag === 0x83);
    if (!objects || !key || key.value.length !== 1) return reply(SW.WRONG_DATA);
    if (key.value[0] !== CPS4_AUTH_KEY_REFERENCE) return reply(SW.REFERENCED_DATA_NOT_FOUND);
    state.se = { template: 0xb8, keyReference: CPS4_AUTH_KEY_REFERENCE };
    return reply(SW.OK);
  }

  /**
   * PSO DECIPHER `01 2A 80 86` (cps-card.md §2.4): parts with CLA 11 are kept (9000, no data), the part with CLA
   * 01 completes the 256-byte block; no padding-indicator byte on CPS4. The result is the raw RSA private
   * operation — for a host-built PKCS#1 v1.5 type-1 block, the signature. 6985 without the MSE of key 0x20, 6982
   * without the PIN, 6700 when the block is not 256 bytes, 6A80 when it is not below the modulus.
   */
  private decipher(command: Command, state: ChipDocChannel): Reply {
    const sofar = state.chain ?? new Uint8Array(0);
    const block = concatBytes(sofar, command.data);
    if (block.length > 512) {
      state.chain = undefined;
      return reply(SW.WRONG_LENGTH);
    }
    if (command.chained) {
      state.chain = block;
      return reply(SW.OK);
    }
    state.chain = undefined;
    if (state.se?.template !== 0xb8 || state.se.keyReference !== CPS4_AUTH_KEY_REFERENCE) {
      return reply(SW.CONDITIONS_NOT_SATISFIED);
    }
    if (!this.pin?.verified) return reply(SW.SECURITY_NOT_SATISFIED);
    if (block.length !== this.authKey.modulusBits / 8) return reply(SW.WRONG_LENGTH);
    const result = rawRsaPrivate(this.authKey.privateKey, block);
    return result ? reply(SW.OK, result) : reply(SW.WRONG_DATA);
  }
}

/** A CPS4: `cps4` (T=0/T=1 ATR, answered with T=1 behaviour) or `cps4-t0` (T=0 only ATR). */
export async function createCps4Card(input: CpxCardInput): Promise<Cps4Card> {
  const keys = await makeCpxKeys(input, true);
  const tokenLabel = `CPS4v1-${input.serial}`;
  const { fs, application } = buildCpxFileSystem({
    applicationAid: IAS_AID, // the CPS4 PKCS#15 application keeps the CPS3 AID (cps-card.md §2.1, `cps_aid_cps4`)
    applicationLabel: "CPS4",
    tokenLabel,
    serial: input.serial,
    efAtrAid: CHIPDOC_AID, // as in the OpenSC EF.ATR dump (cps-card.md §2.1)
    contactOnlyFile: true,
    pinReference: CPS4_PIN_REFERENCE,
    keys: cpxKeyEntries(CPS4_AUTH_KEY_REFERENCE, keys.authentication.modulusBits),
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
  const profile: ProfileName = input.profile;
  const t0 = profile === "cps4-t0";
  return new Cps4Card(
    {
      profile,
      atr: t0 ? CPS4_T0_ATR : CPS4_ATR,
      protocol: t0 ? "T0" : "T1",
      fs,
      application,
      applicationAid: IAS_AID,
      pin: new PinState(input.pin, input.triesLeft),
      pinReference: CPS4_PIN_REFERENCE,
      // The IAS interpreter on channel 0 knows no key usable for signing on a CPS4 (no INTERNAL AUTHENTICATE).
      keys: [],
      readChunk: CPS4_READ_CHUNK,
      info: {
        serial: input.serial,
        holder: input.holder,
        kind: input.kind,
        tokenLabel,
        certificates: { authentication: keys.authenticationCertificate, signature: keys.signatureCertificate },
        pinReference: CPS4_PIN_REFERENCE,
      },
    },
    { privateKey: keys.authentication.privateKey, modulusBits: keys.authentication.modulusBits },
  );
}
