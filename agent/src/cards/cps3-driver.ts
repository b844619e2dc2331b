/**
 * CPS3: IAS-ECC application (cps-card.md §1.2, §2). Contact interface with PIN, and the contactless interface
 * (other AID, no PIN, no signature — §1.2 [C]) as a variant of the same driver.
 *
 *  - application: SELECT by DF name `00 A4 04 0C 0D E8 28 BD 08 0F 80 25 00 00 01 FF 00 10` (…00 20 contactless);
 *    if an IAS command answers 6E00 (another application was selected by other middleware), the application is
 *    selected again and the command retried once (Cryptolib anomaly 8401, §2.1);
 *  - paths: P1=09 with the full path first, as the ANS driver does; then the ISO forms (card-files.ts);
 *  - PIN counter: SELECT MF then `GET DATA 00 CB 3F FF 0A 4D 08 70 06 BF 81 <id> 02 A0 80` → tags 9A max, 9B left,
 *    9D usage counter (0 = permanently blocked) read with asn1js (ANS `cps3_get_pin_counter`, §2.4 [C]). The SDO id
 *    is the PIN reference without its "local" bit [U: 0x81 → 01]. Fallback when GET DATA is refused:
 *    VERIFY without data → 63Cx / 9000 / 6983 ([I] for CPS3: IAS-ECC does not decrement on an empty VERIFY);
 *  - VERIFY `00 20 00 <ref from the AODF> Lc <PIN>` with the application selected;
 *  - signature: `MSE SET AT 00 22 41 A4 06 80 01 02 84 01 <key ref, 0x82>` then
 *    `INTERNAL AUTHENTICATE 00 88 00 00 Lc <DigestInfo> 00` → 256 bytes (card pads, §2.4 [C]).
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import type { PinStatus } from "@cps-bridge/protocol/model";
import * as asn1js from "asn1js";
import { fromHex, type ResponseApdu } from "../pcsc/apdu";
import type { Transaction } from "../pcsc/reader-session";
import type { DriverFamily } from "./atr-table";
import { type CardFiles, type FileAccessProfile, refused } from "./card-files";
import type { CardIdentity, PinInfo } from "./driver";
import { DriverBase } from "./driver-base";
import { DEFAULT_MAX_TRIES, statusFromEmptyVerify } from "./pin";

export const IAS_AID = fromHex("E828BD080F8025000001FF0010");
export const IAS_CL_AID = fromHex("E828BD080F8025000001FF0020");
const MF = fromHex("3F00");
/** RSA PKCS#1 algorithm reference for INTERNAL AUTHENTICATE (cps-card.md §2.3 [C]). */
const ALG_RSA_PKCS1 = 0x02;

export class Cps3Driver extends DriverBase {
  readonly family: DriverFamily;
  protected readonly files: FileAccessProfile = {
    cla: 0x00,
    readChunk: 0xe7,
    pathForms: ["full-path-09", "from-mf", "stepwise"],
  };
  protected readonly pkcs15Aid: Uint8Array;
  protected readonly defaultAuthKeyReference = 0x82;
  protected override readonly hasPin: boolean;
  /** GET DATA on the PIN SDO was refused once: use the empty VERIFY from now on. */
  private getDataUnsupported = false;

  constructor(ctx: ConstructorParameters<typeof DriverBase>[0], contactless = false) {
    super(ctx);
    this.family = contactless ? "cps3-contactless" : "cps3";
    this.pkcs15Aid = contactless ? IAS_CL_AID : IAS_AID;
    this.hasPin = !contactless;
  }

  protected async selectApplication(_tx: Transaction, files: CardFiles): Promise<void> {
    await this.selectAidOrThrow(files, this.pkcs15Aid, "IAS application");
  }

  /** Sends an IAS command; on 6E00 re-selects the application and sends it once more. */
  private async ias(tx: Transaction, files: CardFiles, send: () => Promise<ResponseApdu>): Promise<ResponseApdu> {
    const r = await send();
    if (r.sw !== 0x6e00) return r;
    this.log.info({ event: "cps3.reselect", reader: tx.reader }, "6E00: IAS application re-selected");
    await this.selectApplication(tx, files);
    return send();
  }

  protected async readPinCounter(tx: Transaction, files: CardFiles, pin: PinInfo): Promise<PinStatus> {
    if (!this.getDataUnsupported) {
      await files.select(MF, "MF");
      const r = await tx.send({
        cla: 0x00,
        ins: 0xcb,
        p1: 0x3f,
        p2: 0xff,
        data: Uint8Array.of(0x4d, 0x08, 0x70, 0x06, 0xbf, 0x81, pin.reference & 0x7f, 0x02, 0xa0, 0x80),
        le: 256,
      });
      // back to the application: the PIN (and what follows) is the application's
      await this.selectApplication(tx, files);
      if (r.sw === 0x9000) {
        const counters = pinCounters(r.data);
        if (counters) {
          const maxTries = counters.max ?? DEFAULT_MAX_TRIES;
          const triesLeft = counters.usageLeft === 0 ? 0 : counters.left;
          return { triesLeft, maxTries, blocked: triesLeft === 0, verified: this.verifiedInSession };
        }
      }
      this.getDataUnsupported = true;
      this.log.info({ event: "cps3.pin-counter-fallback", sw: r.sw.toString(16) }, "GET DATA PIN counter refused");
    }
    const r = await this.ias(tx, files, () => tx.send({ cla: 0x00, ins: 0x20, p1: 0x00, p2: pin.reference }));
    const status = statusFromEmptyVerify(r.sw, DEFAULT_MAX_TRIES);
    if (!status) throw refused("PIN status", r.sw);
    this.verifiedInSession = status.verified;
    return status;
  }

  protected async sendVerify(tx: Transaction, files: CardFiles, pin: PinInfo, data: Uint8Array): Promise<number> {
    const r = await this.ias(tx, files, () =>
      tx.send({ cla: 0x00, ins: 0x20, p1: 0x00, p2: pin.reference, data, sensitive: true }),
    );
    return r.sw;
  }

  protected async signOnCard(
    tx: Transaction,
    files: CardFiles,
    info: Uint8Array,
    id: CardIdentity,
  ): Promise<Uint8Array> {
    if (this.family === "cps3-contactless") {
      throw new BridgeError("ERR_UNSUPPORTED_CARD", "no signature through the contactless interface", {
        reason: "contactless",
      });
    }
    const attempt = async (): Promise<ResponseApdu> => {
      const mse = await this.ias(tx, files, () =>
        tx.send({
          cla: 0x00,
          ins: 0x22,
          p1: 0x41,
          p2: 0xa4,
          data: Uint8Array.of(0x80, 0x01, ALG_RSA_PKCS1, 0x84, 0x01, id.authKeyReference),
        }),
      );
      if (mse.sw !== 0x9000) return mse;
      return this.ias(tx, files, () => tx.send({ cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: info, le: 256 }));
    };
    let r = await attempt();
    if (r.sw === 0x6985) {
      // The security environment was lost between MSE and INTERNAL AUTHENTICATE (another application selected
      // the IAS application meanwhile — no PC/SC transaction, see driver-base.ts readOnly): set it again, once.
      await this.selectApplication(tx, files);
      r = await attempt();
    }
    if (r.sw !== 0x9000) throw this.signFailure(r.sw, "INTERNAL AUTHENTICATE");
    return r.data;
  }
}

/**
 * Tags 9A (max), 9B (left), 9D (usage counter) anywhere in the GET DATA answer, walked with asn1js
 * (context class, primitive, numbers 26/27/29). Undefined when 9B is absent or the TLV does not parse.
 */
export function pinCounters(data: Uint8Array): { max?: number; left: number; usageLeft?: number } | undefined {
  const found = new Map<number, number>();
  const walk = (bytes: ArrayBuffer) => {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const parsed = asn1js.fromBER(bytes.slice(offset));
      if (parsed.offset === -1 || parsed.result.error) return false;
      const node = parsed.result;
      visit(node);
      offset += parsed.offset;
    }
    return true;
  };
  const visit = (node: asn1js.AsnType) => {
    const id = node.idBlock;
    if (id.tagClass === 3 && !id.isConstructed && [26, 27, 29].includes(id.tagNumber)) {
      const v = new Uint8Array((node.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView);
      found.set(
        id.tagNumber,
        v.reduce((n, b) => (n << 8) | b, 0),
      );
    }
    const children = (node.valueBlock as unknown as { value?: asn1js.AsnType[] }).value;
    if (Array.isArray(children)) for (const c of children) visit(c);
  };
  if (!walk(data.slice().buffer)) return undefined;
  const left = found.get(27);
  if (left === undefined) return undefined;
  return { max: found.get(26), left, usageLeft: found.get(29) };
}
