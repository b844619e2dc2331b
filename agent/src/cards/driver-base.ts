/**
 * What the CPS3 and CPS4 drivers share: one transaction per operation that starts by selecting the application
 * (design.md "card access"), the serial read, the PKCS#15 walk and certificate read with the per-serial cache, the
 * PIN flow (format check, last-try refusal, wiping), and the host-side check of every signature.
 * A subclass says how to select its application, read the PIN counter and sign (cps-card.md §2.4).
 */
import { createPublicKey } from "node:crypto";
import { BridgeError, isBridgeError } from "@cps-bridge/protocol/errors";
import { holderFromCertificate } from "@cps-bridge/protocol/holder";
import type { PinStatus } from "@cps-bridge/protocol/model";
import { X509Certificate } from "@cps-bridge/protocol/x509";
import * as asn1js from "asn1js";
import type { SignatureAlgorithm } from "../card-service";
import type { Logger } from "../log";
import { fromHex, swHex } from "../pcsc/apdu";
import type { ReaderSession, Transaction, TransactionOptions } from "../pcsc/reader-session";
import type { DriverFamily } from "./atr-table";
import { CardFiles, type FileAccessProfile, type PathMemo, refused } from "./card-files";
import { digestInfo, verifyPkcs1 } from "./digest-info";
import type { CardDriver, CardIdentity, PinInfo, VerifyPinOptions } from "./driver";
import type { IdentityCache } from "./identity-cache";
import { checkPinFormat, DEFAULT_MAX_TRIES, encodePin, throwVerifyFailure, wipe } from "./pin";
import { readPkcs15Layout } from "./pkcs15";

/** EF.SN.ICC (cps-card.md §2.2 [C]): `5A 0A` + ANS issuer `80 25 00 00 01` + 5 bytes of BCD serial = 12 bytes. */
export const EF_SN_ICC = fromHex("3F00D003");
const SERIAL_ISSUER_PREFIX = fromHex("8025000001");

export interface DriverContext {
  session: ReaderSession;
  cache: IdentityCache;
  logger: Logger;
}

/** Parses EF.SN.ICC (TLV read with asn1js) into the 10-digit serial; ERR_CARD_DATA_INVALID otherwise. */
export function parseSerial(bytes: Uint8Array): string {
  const bad = (why: string) =>
    new BridgeError("ERR_CARD_DATA_INVALID", `EF.SN.ICC ${why}`, { reason: "serial", length: bytes.length });
  if (bytes.length !== 12) throw bad("is not 12 bytes");
  const parsed = asn1js.fromBER(bytes.slice().buffer);
  if (parsed.offset !== bytes.length || parsed.result.error) throw bad("is not one TLV");
  const id = parsed.result.idBlock;
  // 5A = [APPLICATION 26] primitive (ISO 7816-6 application PAN)
  if (id.tagClass !== 2 || id.tagNumber !== 26 || id.isConstructed) throw bad("has no tag 5A");
  const value = new Uint8Array((parsed.result.valueBlock as { valueHexView: Uint8Array }).valueHexView);
  if (value.length !== 10 || !SERIAL_ISSUER_PREFIX.every((b, i) => value[i] === b)) throw bad("has no ANS prefix");
  return Buffer.from(value.subarray(5)).toString("hex").toUpperCase();
}

export abstract class DriverBase implements CardDriver {
  abstract readonly family: DriverFamily;
  /** How SELECT / READ BINARY are sent on this card. */
  protected abstract readonly files: FileAccessProfile;
  /** The PKCS#15 application's AID. */
  protected abstract readonly pkcs15Aid: Uint8Array;
  protected abstract readonly defaultAuthKeyReference: number;
  /** Cards without a PIN (CPS3 contactless) say so. */
  protected readonly hasPin: boolean = true;

  /** Select the card application at the start of every transaction (and after recovery). */
  protected abstract selectApplication(tx: Transaction, files: CardFiles): Promise<void>;
  /** Tries left / max without spending a try. */
  protected abstract readPinCounter(tx: Transaction, files: CardFiles, pin: PinInfo): Promise<PinStatus>;
  /** Send the encoded PIN; returns the SW. Called with the application selected. */
  protected abstract sendVerify(tx: Transaction, files: CardFiles, pin: PinInfo, data: Uint8Array): Promise<number>;
  /** Signs the DigestInfo on the card; returns the raw signature. */
  protected abstract signOnCard(
    tx: Transaction,
    files: CardFiles,
    info: Uint8Array,
    id: CardIdentity,
  ): Promise<Uint8Array>;

  protected readonly memo: PathMemo = {};
  /** The PIN was verified by us in this card session (cards that cannot tell without an empty VERIFY). */
  protected verifiedInSession = false;
  private _identity: CardIdentity | undefined;
  protected readonly log: Logger;

  constructor(protected readonly ctx: DriverContext) {
    this.log = ctx.logger.child({ component: "driver" });
  }

  get identity(): CardIdentity | undefined {
    return this._identity;
  }

  protected run<T>(
    label: string,
    options: TransactionOptions | undefined,
    fn: (tx: Transaction, files: CardFiles) => Promise<T>,
  ): Promise<T> {
    return this.ctx.session.transaction(
      async (tx) => {
        const files = new CardFiles(tx, this.files, this.memo);
        await this.selectApplication(tx, files);
        return fn(tx, files);
      },
      { ...options, label },
    );
  }

  /**
   * A sequence that only reads, run a second time (after a short random pause) when the card's answers did not
   * make sense: without SCardBeginTransaction (pcsc/smartcard-binding.ts) another PC/SC client — Cryptolib, billing
   * software, a second agent — may slip a SELECT between our SELECT and READ BINARY, and we would read another
   * file. A damaged card fails twice and is reported; nothing that spends a PIN try is ever repeated.
   */
  protected async readOnly<T>(
    label: string,
    options: TransactionOptions | undefined,
    fn: (tx: Transaction, files: CardFiles) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.run(label, options, fn);
    } catch (err) {
      if (!isBridgeError(err, "ERR_CARD_DATA_INVALID") && !isBridgeError(err, "ERR_CARD_OPERATION_FAILED")) throw err;
      this.log.info(
        { event: "card.read-retry", label, code: err.code, reason: err.details?.reason, sw: err.details?.sw },
        "inconsistent card answers (another application using the card?): reading again",
      );
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 80)));
      return this.run(label, options, fn);
    }
  }

  protected async selectAidOrThrow(files: CardFiles, aid: Uint8Array, what: string): Promise<void> {
    const sw = await files.selectAid(aid);
    if (sw !== 0x9000) throw refused(`SELECT ${what}`, sw);
  }

  private cacheKey(serial: string): string {
    return `${this.family}:${serial}`;
  }

  async readIdentity(options?: TransactionOptions): Promise<CardIdentity> {
    const raw = await this.readOnly("readIdentity", options, async (tx, files) => {
      await files.select(EF_SN_ICC, "EF.SN.ICC");
      const serial = parseSerial(await this.readSerialBytes(files));
      const cached = this.ctx.cache.get(this.cacheKey(serial));
      if (cached) return { cached };
      const layout = await readPkcs15Layout(files, {
        aid: this.pkcs15Aid,
        authKeyReference: this.defaultAuthKeyReference,
        selectApp: () => this.selectApplication(tx, files),
        requirePin: this.hasPin,
      });
      const certDer = await files.readEf(layout.authCertificate, "certificate", {
        derSized: true,
        appAid: this.pkcs15Aid,
      });
      const caDers: Uint8Array[] = [];
      for (const ref of layout.caCertificates) {
        try {
          caDers.push(await files.readEf(ref, "CA certificate", { derSized: true, appAid: this.pkcs15Aid }));
        } catch (err) {
          // CA certificates only help the chain verdict; a missing one is not a reason to fail the read.
          if (!isBridgeError(err, "ERR_CARD_DATA_INVALID") && !isBridgeError(err, "ERR_CARD_OPERATION_FAILED"))
            throw err;
        }
      }
      return { serial, layout, certDer, caDers };
    });
    if (raw.cached) {
      this._identity = raw.cached;
      return raw.cached;
    }
    const { serial, layout, certDer, caDers } = raw;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certDer.slice());
    } catch (cause) {
      throw new BridgeError(
        "ERR_CARD_DATA_INVALID",
        "authentication certificate does not parse",
        {
          reason: "certificate-der",
        },
        { cause },
      );
    }
    const holder = holderFromCertificate(certificate);
    const caCertificates = caDers.flatMap((der) => {
      try {
        return [new X509Certificate(der.slice())];
      } catch {
        return [];
      }
    });
    // The PrKDF's modulusLength when it gives one (no key parsing on the read path); else from the certificate.
    const modulusBytes =
      (layout.authKey.modulusBits > 0 ? Math.ceil(layout.authKey.modulusBits / 8) : rsaModulusBytes(certificate)) ??
      256;
    const identity: CardIdentity = {
      serial,
      certificate,
      certificateDer: certDer,
      holder,
      caCertificates,
      pin: layout.pin,
      authKeyReference: layout.authKey.reference,
      modulusBytes,
    };
    this.ctx.cache.set(this.cacheKey(serial), identity);
    this._identity = identity;
    return identity;
  }

  /**
   * EF.SN.ICC is 12 bytes: ask for exactly 12 (one APDU on T=0 too). A shorter file comes back short (6282 / 6Cxx
   * handled) and fails the length check; a longer one fails the TLV check (5A 0A must be the whole value).
   */
  private readSerialBytes(files: CardFiles): Promise<Uint8Array> {
    return files.readBinary("EF.SN.ICC", { limit: 12 });
  }

  private async ensureIdentity(options?: TransactionOptions): Promise<CardIdentity> {
    return this._identity ?? this.readIdentity(options);
  }

  private requirePin(id: CardIdentity): PinInfo {
    if (!this.hasPin || !id.pin) {
      throw new BridgeError("ERR_UNSUPPORTED_CARD", "this card interface has no PIN (contactless)", {
        reason: "no-pin",
        cardType: this.family,
      });
    }
    return id.pin;
  }

  async pinStatus(options?: TransactionOptions): Promise<PinStatus> {
    const id = await this.ensureIdentity(options);
    const info = this.requirePin(id);
    return this.readOnly("pinStatus", options, (tx, files) => this.readPinCounter(tx, files, info));
  }

  async verifyPin(pin: Uint8Array, options: VerifyPinOptions = {}): Promise<PinStatus> {
    try {
      checkPinFormat(pin); // before any APDU
      const id = await this.ensureIdentity(options);
      const info = this.requirePin(id);
      checkPinFormat(pin, info);
      return await this.run("verifyPin", options, async (tx, files) => {
        const before = await this.readPinCounter(tx, files, info);
        if (before.blocked) throw new BridgeError("ERR_PIN_BLOCKED", undefined, { triesLeft: 0 });
        if (before.triesLeft === 1 && !options.confirmLastTry) {
          throw new BridgeError("ERR_PIN_LAST_TRY", undefined, { triesLeft: 1 });
        }
        const data = encodePin(pin, info);
        let sw: number;
        try {
          sw = await this.sendVerify(tx, files, info, data);
        } finally {
          wipe(data);
        }
        if (sw !== 0x9000) {
          this.verifiedInSession = false;
          throwVerifyFailure(sw);
        }
        this.verifiedInSession = true;
        const max = before.maxTries || DEFAULT_MAX_TRIES;
        return { triesLeft: max, maxTries: max, blocked: false, verified: true };
      });
    } finally {
      wipe(pin);
    }
  }

  async signAuth(digest: Uint8Array, algorithm: SignatureAlgorithm, options?: TransactionOptions): Promise<Uint8Array> {
    const info = digestInfo(digest, algorithm);
    const id = await this.ensureIdentity(options);
    const signature = await this.run("signAuth", options, (tx, files) => this.signOnCard(tx, files, info, id));
    if (!verifyPkcs1(id.certificate.publicKey.rawData, info, signature)) {
      throw new BridgeError("ERR_SIGNATURE_INVALID", undefined, { signatureLength: signature.length });
    }
    return signature;
  }

  /** Maps the SW of a signing command (after the driver's own recovery) to an error. */
  protected signFailure(sw: number, step: string): BridgeError {
    if (sw === 0x6982) {
      this.verifiedInSession = false;
      return new BridgeError("ERR_PIN_REQUIRED", undefined, { sw: swHex(sw) });
    }
    if (sw === 0x6983) return new BridgeError("ERR_PIN_BLOCKED", undefined, { sw: swHex(sw) });
    return refused(step, sw);
  }
}

/** Byte length of the certificate's RSA modulus (the raw-RSA block size of the CPS4 signature). */
function rsaModulusBytes(cert: X509Certificate): number | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" });
    const bits = key.asymmetricKeyDetails?.modulusLength;
    return bits ? Math.ceil(bits / 8) : undefined;
  } catch {
    return undefined;
  }
}
