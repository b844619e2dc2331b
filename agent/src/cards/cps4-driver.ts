/**
 * CPS4: NXP ChipDoc applet (cps-card.md §1.2, §2; ANS `card-cps4.c`). Every APDU on logical channel 1 (CLA 01)
 * as the ANS driver does ("Use channel one for all APDUs").
 *
 *  - application: SELECT ChipDoc `01 A4 04 0C 08 80 25 00 00 01 FF 01 00`; its PKCS#15 application is the IAS AID
 *    `E8 28 … FF 00 10` (§2.1 "as returned by the driver") [U: whether it must be selected separately; EF.DIR says,
 *    and card-files selects it only when a Path names it];
 *  - paths: the MF is stripped (ISO "from MF", P1=08) first, then the other forms;
 *  - PIN counter: `VERIFY 01 20 00 <ref>` without data → 63Cx / 6983, max 3 (§2.4 [C]); 9000 = verified;
 *  - signature (no INTERNAL AUTHENTICATE on CPS4): `MSE SET 01 22 41 B8 03 83 01 <key ref, 0x20>` then
 *    `PSO DECIPHER 01 2A 80 86` of the host-built 256-byte PKCS#1 v1.5 type-1 block, command-chained (CLA 11 then
 *    01; blocks of 255 bytes [I: OpenSC 0.11's default max_send_size]), no padding-indicator byte (§2.4 [C]);
 *  - 6985 on the signature: the ANS recovery — select IDS (ch.1), the CPS2ter AID (ch.0), ChipDoc (ch.1) — then
 *    one retry (§2.1, Cryptolib #1722 [C]).
 */
import type { PinStatus } from "@cps-bridge/protocol/model";
import { fromHex, type ResponseApdu } from "../pcsc/apdu";
import type { Transaction } from "../pcsc/reader-session";
import type { DriverFamily } from "./atr-table";
import { type CardFiles, type FileAccessProfile, refused } from "./card-files";
import { IAS_AID } from "./cps3-driver";
import { pkcs1Type1Block } from "./digest-info";
import type { CardIdentity, PinInfo } from "./driver";
import { DriverBase } from "./driver-base";
import { DEFAULT_MAX_TRIES, statusFromEmptyVerify } from "./pin";

export const CHIPDOC_AID = fromHex("8025000001FF0100");
export const CPS2TER_AID = fromHex("8025000001FF0002");
export const IDS_AID = fromHex("A0000001510000");
const CLA = 0x01;
const CHAIN_BLOCK = 255;

export class Cps4Driver extends DriverBase {
  readonly family: DriverFamily = "cps4";
  protected readonly files: FileAccessProfile = {
    cla: CLA,
    readChunk: 256,
    pathForms: ["from-mf", "full-path-09", "stepwise"],
  };
  protected readonly pkcs15Aid = IAS_AID;
  protected readonly defaultAuthKeyReference = 0x20;

  protected async selectApplication(_tx: Transaction, files: CardFiles): Promise<void> {
    await this.selectAidOrThrow(files, CHIPDOC_AID, "ChipDoc application");
  }

  /** The ANS driver's recovery sequence after 6985 (`_do_reselect_cps4_aid`). */
  private async recover(tx: Transaction): Promise<void> {
    this.log.info({ event: "cps4.recover", reader: tx.reader }, "6985: re-selecting IDS, CPS2ter, ChipDoc");
    await tx.send({ cla: 0x01, ins: 0xa4, p1: 0x04, p2: 0x0c, data: IDS_AID });
    await tx.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: CPS2TER_AID });
    const r = await tx.send({ cla: 0x01, ins: 0xa4, p1: 0x04, p2: 0x0c, data: CHIPDOC_AID });
    if (r.sw !== 0x9000) throw refused("SELECT ChipDoc application", r.sw);
  }

  protected async readPinCounter(tx: Transaction, _files: CardFiles, pin: PinInfo): Promise<PinStatus> {
    const r = await tx.send({ cla: CLA, ins: 0x20, p1: 0x00, p2: pin.reference });
    const status = statusFromEmptyVerify(r.sw, DEFAULT_MAX_TRIES);
    if (!status) throw refused("PIN status", r.sw);
    this.verifiedInSession = status.verified;
    return status;
  }

  protected async sendVerify(tx: Transaction, _files: CardFiles, pin: PinInfo, data: Uint8Array): Promise<number> {
    return (await tx.send({ cla: CLA, ins: 0x20, p1: 0x00, p2: pin.reference, data, sensitive: true })).sw;
  }

  protected async signOnCard(
    tx: Transaction,
    _files: CardFiles,
    info: Uint8Array,
    id: CardIdentity,
  ): Promise<Uint8Array> {
    const block = pkcs1Type1Block(info, id.modulusBytes);
    const attempt = async (): Promise<ResponseApdu> => {
      const mse = await tx.send({
        cla: CLA,
        ins: 0x22,
        p1: 0x41,
        p2: 0xb8,
        data: Uint8Array.of(0x83, 0x01, id.authKeyReference),
      });
      if (mse.sw !== 0x9000) return mse;
      return tx.sendChained({ cla: CLA, ins: 0x2a, p1: 0x80, p2: 0x86, data: block, le: 256 }, CHAIN_BLOCK);
    };
    let r = await attempt();
    if (r.sw === 0x6985) {
      await this.recover(tx);
      r = await attempt();
    }
    if (r.sw !== 0x9000) throw this.signFailure(r.sw, "PSO DECIPHER");
    return r.data;
  }
}
