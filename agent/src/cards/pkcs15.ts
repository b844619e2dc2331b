/**
 * Finds the authentication certificate, its key and its PIN through the card's own PKCS#15 structure
 * (ISO 7816-15): EF.DIR (3F00/2F00) → the application's ODF → PrKDF, CDF, AODF — every file decoded with the
 * shared schema (cards/pkcs15-schema.ts, @peculiar/asn1-schema), never by hand (HELPERS.md).
 *
 * Tolerances, each for an [U] fact of cps-card.md:
 *  - EF.DIR absent or without our AID (§2.2: PKCS#15 "inside the IAS app" [I]) → the application is selected by its
 *    AID and the ODF taken at its standard file id 5031 (ISO 7816-15 §8.4);
 *  - paths in the ODF / CDF may be absolute, bare file ids or relative (CardFiles resolves them) and may carry the
 *    application's AID (`E828…10::`, §2.3);
 *  - the authentication key is found by the driver's key reference (CPS3 0x82, CPS4 0x20, §2.3), else by its
 *    label ("AUT", not "TECH"), else by usage (sign/decrypt without nonRepudiation); its certificate by the shared
 *    iD, else by label ("Authentification"); the PIN by the key's authId, else the first user PIN;
 *  - CPx PrKDFs lack algorithm references (§2.2, OpenSC "hot patch"): not needed here;
 *  - PIN attributes (reference, encoding, lengths, padding) come from the AODF; a missing maxLength means 8
 *    (Cryptolib's fallback, §2.4).
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { fromHex } from "../pcsc/apdu";
import { type CardFiles, derTotalLength, type EfRef } from "./card-files";
import type { PinInfo } from "./driver";
import {
  AuthenticationType,
  CertificateType,
  DIRRecord,
  decodeConcatenated,
  decodeDer,
  KeyUsageFlag,
  type Path,
  PinFlag,
  type PinObject,
  PKCS15Objects,
  PrivateKeyType,
  type PrivateRSAKeyObject,
  referenceByte,
  type X509CertificateObject,
} from "./pkcs15-schema";

export const EF_DIR = fromHex("3F002F00");
const ODF_FID = fromHex("5031");

export interface Pkcs15Layout {
  /** Path of the application DF from EF.DIR (e.g. 3F00 0001), when EF.DIR gives one. */
  appPath?: Uint8Array;
  authKey: { reference: number; id: Uint8Array; label?: string; modulusBits: number };
  authCertificate: EfRef & { label?: string };
  /** Authority certificates listed in the CDF / trusted-certificates DF. */
  caCertificates: EfRef[];
  /** Absent only when `requirePin` is false and the AODF has no user PIN. */
  pin?: PinInfo;
}

export interface Pkcs15Hints {
  /** The PKCS#15 application's AID (IAS: E8 28 BD 08 0F 80 25 00 00 01 FF 00 10 / …20 contactless). */
  aid: Uint8Array;
  /** The driver's expected authentication key reference. */
  authKeyReference: number;
  /** Re-select the application (after EF.DIR, which lives under the MF). */
  selectApp: () => Promise<void>;
  /** false for an interface without PIN (CPS3 contactless). Default true. */
  requirePin?: boolean;
}

const buf = (b: ArrayBuffer | undefined) => (b ? new Uint8Array(b) : new Uint8Array(0));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function invalid(what: string, cause?: unknown): BridgeError {
  return new BridgeError(
    "ERR_CARD_DATA_INVALID",
    `PKCS#15 ${what} is malformed`,
    { reason: `pkcs15-${what.toLowerCase().replace(/[^a-z0-9]+/g, "-")}` },
    { cause },
  );
}

/**
 * The records of a PKCS#15 directory file. Each record's extent comes from its DER header (derTotalLength) and the
 * record is decoded once by the shared schema (`decodeDer`); the schema's own `decodeConcatenated` (which finds each
 * extent by a full asn1js parse, then parses again) handles anything unusual — a multi-byte tag, a length that
 * overruns the file — and reports it. Halves the decoding time of a cold read (scripts/bench/card.ts).
 */
function decode<T>(bytes: Uint8Array, type: new () => T, what: string): T[] {
  try {
    const out: T[] = [];
    for (let off = 0; off < bytes.length; ) {
      const first = bytes[off];
      if (first === 0x00 || first === 0xff) break; // padding after the last record
      const n = derTotalLength(bytes.subarray(off, off + 6));
      if (n === undefined || off + n > bytes.length) return decodeConcatenated(bytes, type);
      out.push(decodeDer(bytes.subarray(off, off + n), type));
      off += n;
    }
    return out;
  } catch (cause) {
    throw invalid(what, cause);
  }
}

export function efRef(path: Path): EfRef {
  return {
    path: buf(path.efidOrPath),
    aid: path.aid ? buf(path.aid.value) : undefined,
    index: path.index,
    length: path.length,
  };
}

/** A path inside the application: absolute paths stay, file ids and relative paths get the app path in front. */
function inApp(ref: EfRef, appPath: Uint8Array | undefined): EfRef {
  const p = ref.path;
  const absolute = p.length >= 2 && p[0] === 0x3f && p[1] === 0x00;
  if (absolute || !appPath || ref.aid) return ref;
  const full = new Uint8Array(appPath.length + p.length);
  full.set(appPath);
  full.set(p, appPath.length);
  return { ...ref, path: full };
}

/** Reads EF.DIR, ODF, PrKDF, CDF and AODF. The application is selected when this returns. */
export async function readPkcs15Layout(files: CardFiles, hints: Pkcs15Hints): Promise<Pkcs15Layout> {
  // EF.DIR: where the application lives, and maybe where its ODF is.
  let appPath: Uint8Array | undefined;
  let odf: EfRef | undefined;
  try {
    const records = decode(await files.readEf({ path: EF_DIR }, "EF.DIR"), DIRRecord, "EF.DIR");
    const app = records.find((r) => same(buf(r.aid), hints.aid));
    if (app) {
      if (app.path.byteLength > 0) appPath = buf(app.path);
      if (app.ddo?.odfPath) odf = efRef(app.ddo.odfPath);
    }
  } catch (err) {
    // [U] no EF.DIR on this card: fall back to the AID and the standard ODF id; a malformed one is an error.
    if (!(err instanceof BridgeError && err.details?.reason === "file-not-found")) throw err;
  }
  await hints.selectApp();

  const resolve = (ref: EfRef) => inApp(ref, appPath);
  const odfBytes = await files.readEf(resolve(odf ?? { path: ODF_FID }), "ODF", { appAid: hints.aid });
  const dirs = decode(odfBytes, PKCS15Objects, "ODF");
  const dirPaths = (kind: keyof PKCS15Objects) =>
    dirs.flatMap((d) => (d[kind]?.path ? [resolve(efRef(d[kind]!.path!))] : []));

  const keys: PrivateRSAKeyObject[] = [];
  for (const ref of dirPaths("privateKeys")) {
    for (const k of decode(await files.readEf(ref, "PrKDF", { appAid: hints.aid }), PrivateKeyType, "PrKDF")) {
      if (k.privateRSAKey) keys.push(k.privateRSAKey);
    }
  }
  const certs: { obj: X509CertificateObject; trusted: boolean }[] = [];
  for (const [kind, trusted] of [
    ["certificates", false],
    ["trustedCertificates", true],
  ] as const) {
    for (const ref of dirPaths(kind)) {
      for (const c of decode(await files.readEf(ref, "CDF", { appAid: hints.aid }), CertificateType, "CDF")) {
        if (c.x509Certificate) certs.push({ obj: c.x509Certificate, trusted });
      }
    }
  }
  const pins: PinObject[] = [];
  for (const ref of dirPaths("authObjects")) {
    for (const a of decode(await files.readEf(ref, "AODF", { appAid: hints.aid }), AuthenticationType, "AODF")) {
      if (a.pin) pins.push(a.pin);
    }
  }

  const key = chooseAuthKey(keys, hints.authKeyReference);
  const keyId = buf(key.classAttributes.iD);
  const certObj = chooseAuthCertificate(certs, keyId);
  const certPath = certObj.obj.typeAttributes.value.path;
  if (!certPath) throw invalid("CDF certificate value (not a path)");
  const pin = choosePin(pins, buf(key.commonObjectAttributes.authId), hints.requirePin ?? true);

  return {
    appPath,
    authKey: {
      reference: referenceByte(key.classAttributes.keyReference) ?? hints.authKeyReference,
      id: keyId,
      label: key.commonObjectAttributes.label,
      modulusBits: key.typeAttributes.modulusLength,
    },
    authCertificate: { ...resolve(efRef(certPath)), label: certObj.obj.commonObjectAttributes.label },
    caCertificates: certs
      .filter((c) => c !== certObj && (c.trusted || c.obj.classAttributes.authority))
      .flatMap((c) => (c.obj.typeAttributes.value.path ? [resolve(efRef(c.obj.typeAttributes.value.path))] : [])),
    pin: pin ? pinInfo(pin) : undefined,
  };
}

function chooseAuthKey(keys: PrivateRSAKeyObject[], expectedRef: number): PrivateRSAKeyObject {
  if (keys.length === 0)
    throw new BridgeError("ERR_CARD_DATA_INVALID", "no RSA key in the PrKDF", { reason: "no-auth-key" });
  const byRef = keys.find((k) => referenceByte(k.classAttributes.keyReference) === expectedRef);
  if (byRef) return byRef;
  const label = (k: PrivateRSAKeyObject) => k.commonObjectAttributes.label ?? "";
  const byLabel = keys.find((k) => /AUT/i.test(label(k)) && !/TECH/i.test(label(k)));
  if (byLabel) return byLabel;
  const byUsage = keys.find((k) => {
    const u = k.classAttributes.usage;
    return (u.has(KeyUsageFlag.sign) || u.has(KeyUsageFlag.decrypt)) && !u.has(KeyUsageFlag.nonRepudiation);
  });
  if (byUsage) return byUsage;
  throw new BridgeError("ERR_CARD_DATA_INVALID", "no authentication key in the PrKDF", { reason: "no-auth-key" });
}

function chooseAuthCertificate(certs: { obj: X509CertificateObject; trusted: boolean }[], keyId: Uint8Array) {
  const own = certs.filter((c) => !c.trusted && !c.obj.classAttributes.authority);
  const byId = own.find((c) => keyId.length > 0 && same(buf(c.obj.classAttributes.iD), keyId));
  if (byId) return byId;
  const byLabel = own.find((c) => /authentification|authentication/i.test(c.obj.commonObjectAttributes.label ?? ""));
  if (byLabel) return byLabel;
  throw new BridgeError("ERR_CARD_DATA_INVALID", "no authentication certificate in the CDF", {
    reason: "no-auth-certificate",
  });
}

function choosePin(pins: PinObject[], authId: Uint8Array, required: boolean): PinObject | undefined {
  const user = pins.filter((p) => {
    const f = p.typeAttributes.pinFlags;
    return !f.has(PinFlag.unblockingPin) && !f.has(PinFlag.soPin);
  });
  const byAuthId = user.find((p) => authId.length > 0 && same(buf(p.classAttributes.authId), authId));
  const pin = byAuthId ?? user[0];
  if (!pin && required) throw new BridgeError("ERR_CARD_DATA_INVALID", "no PIN in the AODF", { reason: "no-pin" });
  return pin;
}

function pinInfo(pin: PinObject): PinInfo {
  const a = pin.typeAttributes;
  const pad = a.padChar ? new Uint8Array(a.padChar) : undefined;
  return {
    reference: referenceByte(a.pinReference) ?? 0,
    type: a.pinType,
    minLength: a.minLength || 4,
    maxLength: a.maxLength ?? 8,
    storedLength: a.storedLength,
    needsPadding: a.pinFlags.has(PinFlag.needsPadding),
    padChar: pad && pad.length > 0 ? pad[0]! : 0xff,
    label: pin.commonObjectAttributes.label,
  };
}
