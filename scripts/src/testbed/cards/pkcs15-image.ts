/**
 * The PKCS#15 (ISO 7816-15) image of a CPx card, encoded with the schema the agent decodes with
 * (@cps-bridge/agent/cards/pkcs15-schema): EF.DIR under the MF, and inside the application DF the ODF, TokenInfo,
 * AODF (the PIN), PrKDF (the keys), CDF (the certificates) and the certificate files (cps-card.md §2.2–2.3).
 *
 * [U] File identifiers: the real CPx FIDs are not public. ODF 5031 and TokenInfo 5032 are the PKCS#15 defaults
 * (ISO 7816-15 §8.4 — what an agent tries without EF.DIR help); AODF 4401, PrKDF 4402, CDF 4404 follow OpenSC's
 * PKCS#15 profiles; certificate files C001/C002 (…/C003 technical) are our choice. Every path written in the ODF and
 * CDF is absolute (3F00 0001 xxxx). As on real cards an EF is bigger than its content: directory files are padded
 * with 00 to a multiple of 64 bytes and certificate files to a multiple of 256 (readers must stop at the DER
 * length or at the padding, as OpenSC does).
 */
import {
  AccessControlRule,
  AuthenticationType,
  CertificateType,
  CommonObjectFlags,
  DIRRecord,
  encodeConcatenated,
  encodeDer,
  KeyAccessFlag,
  KeyAccessFlags,
  KeyUsageFlags,
  ObjectValue,
  Path,
  PathOrObjects,
  PinFlag,
  PinFlags,
  PinObject,
  PinType,
  PKCS15Objects,
  PrivateKeyType,
  PrivateRSAKeyObject,
  RawSequence,
  SecurityCondition,
  TokenFlags,
  TokenInfo,
  X509CertificateObject,
} from "@cps-bridge/agent/cards/pkcs15-schema";
import { type Ef, ef } from "./file-system";
import { concatBytes } from "./iso7816";
import type { CardCorruption } from "./virtual-card";

export const PKCS15_FID = { odf: 0x5031, tokenInfo: 0x5032, aodf: 0x4401, prkdf: 0x4402, cdf: 0x4404 } as const;

export interface Pkcs15Pin {
  label: string;
  authId: Uint8Array;
  /** P2 of VERIFY. */
  reference: number;
  minLength: number;
  maxLength: number;
  /** Path of the DF holding the PIN (CPx: the CHV SDO lives in the MF, cps-card.md §2.1). */
  path: Uint8Array;
}

export interface Pkcs15Key {
  label: string;
  id: Uint8Array;
  /** KeyUsageFlag bits. */
  usage: number;
  /** CommonObjectFlag bits. */
  objectFlags: number;
  /** AccessModeFlag bits of the access rule (all under the PIN's authId when there is a PIN). */
  accessModes: number;
  keyReference: number;
  modulusBits: number;
}

export interface Pkcs15Certificate {
  label: string;
  /** Same iD as the private key it certifies. */
  id: Uint8Array;
  fid: number;
  der: Uint8Array;
}

/**
 * One TokenInfo supportedAlgorithms entry (ISO 7816-15 AlgorithmInfo): reference, PKCS#11 mechanism, RSA parameters
 * (NULL), supported operations (bit i = operation i: 1 compute signature, 5 decipher, 6 hash) and the card's own
 * algorithm reference (algRef, the byte MSE SET sends in tag 80).
 */
export interface Pkcs15Algorithm {
  reference: number;
  mechanism: number;
  operations: number;
  algRef: number;
}

/** Operation bits of AlgorithmInfo.supportedOperations. */
export const ALGO_OP = { computeSignature: 1 << 1, decipher: 1 << 5, hash: 1 << 6 } as const;

/**
 * The IAS-ECC algorithms of a CPS3 (cps-card.md §2.3: algorithm references 02 RSA PKCS#1 for INTERNAL
 * AUTHENTICATE, 12 / 42 SHA-1 / SHA-256 + RSA, 10 / 40 SHA-1 / SHA-256 hash, 1A decipher). OpenSC's IAS-ECC driver
 * takes the bytes of MSE SET from here (`iasecc_get_algorithm`) and refuses to sign when they are missing.
 */
export const IAS_ALGORITHMS: readonly Pkcs15Algorithm[] = [
  { reference: 1, mechanism: 0x220, operations: ALGO_OP.hash, algRef: 0x10 }, // CKM_SHA_1
  { reference: 2, mechanism: 0x250, operations: ALGO_OP.hash, algRef: 0x40 }, // CKM_SHA256
  { reference: 3, mechanism: 0x06, operations: ALGO_OP.computeSignature, algRef: 0x12 }, // CKM_SHA1_RSA_PKCS
  { reference: 4, mechanism: 0x40, operations: ALGO_OP.computeSignature, algRef: 0x42 }, // CKM_SHA256_RSA_PKCS
  { reference: 5, mechanism: 0x01, operations: ALGO_OP.computeSignature, algRef: 0x02 }, // CKM_RSA_PKCS
  { reference: 6, mechanism: 0x01, operations: ALGO_OP.decipher, algRef: 0x1a }, // CKM_RSA_PKCS
];

/** DER of a small non-negative INTEGER. */
function derInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return new Uint8Array([0x02, bytes.length, ...bytes]);
}

/** DER BIT STRING of named bits (bit i = the i-th bit from the first byte's most significant one). */
function derNamedBits(flags: number): Uint8Array {
  let highest = -1;
  for (let i = 0; i < 32; i++) if (flags & (1 << i)) highest = i;
  if (highest < 0) return new Uint8Array([0x03, 0x01, 0x00]);
  const length = Math.floor(highest / 8) + 1;
  const out = new Uint8Array(length);
  for (let i = 0; i <= highest; i++) if (flags & (1 << i)) out[i >> 3]! |= 0x80 >> (i & 7);
  return new Uint8Array([0x03, length + 1, 7 - (highest & 7), ...out]);
}

function algorithmInfo(a: Pkcs15Algorithm): ArrayBuffer {
  const body = concatBytes(
    derInteger(a.reference),
    derInteger(a.mechanism),
    new Uint8Array([0x05, 0x00]),
    derNamedBits(a.operations),
    derInteger(a.algRef),
  );
  return toBuffer(concatBytes(new Uint8Array([0x30, body.length]), body));
}

export interface Pkcs15ImageSpec {
  applicationAid: Uint8Array;
  /** The application DF, e.g. 3F00 0001 (cps-card.md §2.1 [I]). */
  applicationPath: Uint8Array;
  /** EF.DIR label [U]. */
  applicationLabel: string;
  tokenLabel: string;
  /** TokenInfo serialNumber. */
  serialNumber: Uint8Array;
  manufacturerId: string;
  /** TokenInfo supportedAlgorithms (none when absent). */
  algorithms?: readonly Pkcs15Algorithm[];
  pin?: Pkcs15Pin;
  keys: Pkcs15Key[];
  certificates: Pkcs15Certificate[];
  corrupt?: CardCorruption;
}

export interface Pkcs15Image {
  /** EF.DIR content (3F00/2F00). */
  dir: Uint8Array;
  /** The EFs of the application DF. */
  applicationFiles: Ef[];
}

const fidBytes = (fid: number) => new Uint8Array([fid >> 8, fid & 0xff]);
const toBuffer = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

function padTo(content: Uint8Array, multiple: number): Uint8Array {
  const size = Math.ceil((content.length + 1) / multiple) * multiple;
  return concatBytes(content, new Uint8Array(size - content.length));
}

export function buildPkcs15Image(spec: Pkcs15ImageSpec): Pkcs15Image {
  const inApp = (fid: number) => new Path({ path: concatBytes(spec.applicationPath, fidBytes(fid)) });

  // EF.DIR: one application template pointing to the IAS application (cps-card.md §2.1).
  const dir = encodeDer(
    new DIRRecord({ aid: spec.applicationAid, label: spec.applicationLabel, path: spec.applicationPath }),
  );

  const odfEntry = (kind: "privateKeys" | "certificates" | "authObjects", fid: number) =>
    Object.assign(new PKCS15Objects(), { [kind]: new PathOrObjects({ path: inApp(fid) }) });
  const odfEntries = [odfEntry("privateKeys", PKCS15_FID.prkdf), odfEntry("certificates", PKCS15_FID.cdf)];
  if (spec.pin) odfEntries.push(odfEntry("authObjects", PKCS15_FID.aodf));
  let odf: Uint8Array = encodeConcatenated(odfEntries);

  const tokenInfo = new TokenInfo();
  tokenInfo.serialNumber = toBuffer(spec.serialNumber);
  tokenInfo.manufacturerID = spec.manufacturerId;
  tokenInfo.label = spec.tokenLabel;
  tokenInfo.tokenflags = new TokenFlags(0);
  if (spec.algorithms?.length) {
    const algorithms = new RawSequence();
    algorithms.push(...spec.algorithms.map(algorithmInfo));
    tokenInfo.supportedAlgorithms = algorithms;
  }

  const files: Ef[] = [];

  if (spec.pin) {
    const pin = new PinObject();
    pin.commonObjectAttributes.label = spec.pin.label;
    pin.commonObjectAttributes.flags = new CommonObjectFlags(0);
    pin.classAttributes.authId = toBuffer(spec.pin.authId);
    // [U] IAS-ECC takes a variable-length PIN in ASCII digits, no padding (cps-card.md §2.4).
    pin.typeAttributes.pinFlags = new PinFlags(PinFlag.local | PinFlag.initialized);
    pin.typeAttributes.pinType = PinType.asciiNumeric;
    pin.typeAttributes.minLength = spec.pin.minLength;
    pin.typeAttributes.storedLength = spec.pin.maxLength;
    pin.typeAttributes.maxLength = spec.pin.maxLength;
    pin.typeAttributes.pinReference = spec.pin.reference;
    pin.typeAttributes.path = new Path({ path: spec.pin.path });
    files.push(ef(PKCS15_FID.aodf, padTo(encodeConcatenated([new AuthenticationType({ pin })]), 64)));
  }

  // PrKDF as OpenSC dumps a CPx (cps-card.md §2.3): labels, usages, key references, access rules, and the key
  // path `E828BD080F8025000001FF0010::` (the application's AID, no file path). No algReference: CPx PrKDFs lack
  // it (OpenSC "hot patch", §2.2).
  const keys = spec.keys.map((k) => {
    const key = new PrivateRSAKeyObject();
    key.commonObjectAttributes.label = k.label;
    key.commonObjectAttributes.flags = new CommonObjectFlags(k.objectFlags);
    if (spec.pin) key.commonObjectAttributes.authId = toBuffer(spec.pin.authId);
    const rule = new AccessControlRule();
    rule.accessMode.setFlags(k.accessModes);
    rule.securityCondition = spec.pin
      ? Object.assign(new SecurityCondition(), { authId: toBuffer(spec.pin.authId) })
      : Object.assign(new SecurityCondition(), { always: null });
    key.commonObjectAttributes.accessControlRules = [rule];
    key.classAttributes.iD = toBuffer(k.id);
    key.classAttributes.usage = new KeyUsageFlags(k.usage);
    key.classAttributes.accessFlags = new KeyAccessFlags(
      KeyAccessFlag.sensitive | KeyAccessFlag.alwaysSensitive | KeyAccessFlag.neverExtractable,
    );
    key.classAttributes.keyReference = k.keyReference;
    key.typeAttributes.value = new ObjectValue({
      path: new Path({ path: new Uint8Array(), aid: spec.applicationAid }),
    });
    key.typeAttributes.modulusLength = k.modulusBits;
    return new PrivateKeyType({ privateRSAKey: key });
  });
  files.push(ef(PKCS15_FID.prkdf, padTo(encodeConcatenated(keys), 64)));

  const certificates = spec.certificates.map((c) => {
    const cert = new X509CertificateObject();
    cert.commonObjectAttributes.label = c.label;
    cert.classAttributes.iD = toBuffer(c.id);
    cert.typeAttributes.value = new ObjectValue({ path: inApp(c.fid) });
    return new CertificateType({ x509Certificate: cert });
  });
  let cdf: Uint8Array = encodeConcatenated(certificates);

  spec.certificates.forEach((c, i) => {
    let der = c.der;
    if (spec.corrupt === "certificate-der" && i === 0) der = garbleCertificate(der);
    files.push(ef(c.fid, padTo(der, 256)));
  });

  odf = padTo(odf, 64);
  cdf = padTo(cdf, 64);
  if (spec.corrupt === "pkcs15-tlv") {
    odf = overrunFirstTlv(odf);
    cdf = overrunFirstTlv(cdf);
  }
  files.push(ef(PKCS15_FID.odf, odf));
  files.push(ef(PKCS15_FID.tokenInfo, padTo(encodeDer(tokenInfo), 64)));
  files.push(ef(PKCS15_FID.cdf, cdf));
  return { dir: padTo(dir, 64), applicationFiles: files };
}

/**
 * `certificate-der`: same length, but the tbsCertificate and the bytes after it are overwritten, so the outer
 * SEQUENCE header still announces the full size (a reader gets every byte) and the DER inside does not parse.
 */
function garbleCertificate(der: Uint8Array): Uint8Array {
  const out = der.slice();
  out.fill(0xa5, 4, Math.min(out.length, 40));
  return out;
}

/**
 * `pkcs15-tlv`: the first TLV's length claims more bytes than the (padded) file holds — the length field keeps its
 * form (short, 81 xx, 82 xx xx) and takes its largest value; the file is cut below that if needed.
 */
function overrunFirstTlv(file: Uint8Array): Uint8Array {
  const out = file.slice();
  const first = out[1] ?? 0;
  const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
  if (lengthBytes === 0) out[1] = 0x7f;
  else out.fill(0xff, 2, 2 + lengthBytes);
  const claimed = lengthBytes === 0 ? 0x7f : 256 ** lengthBytes - 1;
  const header = 2 + lengthBytes;
  return out.subarray(0, Math.min(out.length, header + claimed - 1));
}
