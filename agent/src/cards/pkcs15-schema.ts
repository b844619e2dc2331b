/**
 * ISO/IEC 7816-15 (PKCS#15 v1.1) ASN.1 definitions, written with `@peculiar/asn1-schema`.
 *
 * Shared file: the test bench's virtual cards ENCODE their PKCS#15 image with it and the agent's card drivers
 * DECODE real (or virtual) cards with it (`@cps-bridge/agent/cards/pkcs15-schema`). Exported names are stable.
 *
 * Structure follows the standard: every object is a `PKCS15Object { CommonObjectAttributes, ClassAttributes,
 * [0] SubClassAttributes OPTIONAL, [1] TypeAttributes }`. The PKCS#15 module uses IMPLICIT TAGS, except where
 * X.680 forces explicit tagging: a tag on a CHOICE (Name, ObjectValue, PathOrObjects, LastUpdate…) or on a type
 * parameter (the [0] SubClassAttributes / [1] TypeAttributes of PKCS15Object, the [0] of ObjectValue.direct).
 * That is why a real card shows `A1 len 30 len …` for the type attributes and `A8 len 30 len …` in the ODF.
 *
 * Decoding is tolerant the way a real card needs: extension fields after the last modelled field of a SEQUENCE
 * are ignored (asn1-schema skips trailing elements), and EF padding (00 / FF after the last TLV, as an EF is
 * usually bigger than its content) ends a list of records. Every field the standard defines *before* a
 * modelled field is modelled (complex ones kept as raw DER), so a card that uses them still parses.
 *
 * The CPx (CPS3/CPS4) PKCS#15 layout that uses these types is described in shared/research/cps-card.md §2.2–2.3.
 */
import {
  AsnArray,
  AsnParser,
  AsnProp,
  AsnPropTypes,
  AsnSerializer,
  AsnType,
  AsnTypeTypes,
  BitString,
} from "@peculiar/asn1-schema";
import * as asn1js from "asn1js";

// ----------------------------------------------------------------------------------------------------------
// Helpers

/** A SEQUENCE whose elements are kept as raw DER (for fields we carry but do not interpret). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.Any })
export class RawSequence extends AsnArray<ArrayBuffer> {}

/** BIT STRING of named flags: flag `i` of the standard is bit `1 << i` of `value` (DER: trailing zero bits cut). */
export class NamedBits extends BitString {
  constructor(flags = 0) {
    super();
    this.setFlags(flags);
  }
  /** Bit `1 << i` set ⇔ named bit `i` set. */
  flags(): number {
    const bytes = new Uint8Array(this.value);
    let n = 0;
    const total = bytes.length * 8 - this.unusedBits;
    for (let i = 0; i < total && i < 31; i++) {
      if ((bytes[i >> 3]! >> (7 - (i & 7))) & 1) n |= 1 << i;
    }
    return n;
  }
  has(flag: number): boolean {
    return (this.flags() & flag) === flag;
  }
  setFlags(flags: number): this {
    // DER for a named bit list: no trailing zero bits (X.690 §11.2.2); an empty list is `03 01 00`.
    let highest = -1;
    for (let i = 0; i < 31; i++) if (flags & (1 << i)) highest = i;
    const length = highest < 0 ? 0 : (highest >> 3) + 1;
    const bytes = new Uint8Array(length);
    for (let i = 0; i <= highest; i++) if (flags & (1 << i)) bytes[i >> 3]! |= 0x80 >> (i & 7);
    this.value = bytes.buffer;
    this.unusedBits = highest < 0 ? 0 : length * 8 - (highest + 1);
    return this;
  }
}

/**
 * `Reference ::= INTEGER`. Some cards encode key/PIN references ≥ 0x80 in one byte (`02 01 81` = −127); read
 * them back as the byte the card means (OpenSC does the same correction).
 */
export function referenceByte(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "string" ? Number.parseInt(value, 10) : value;
  if (!Number.isFinite(n)) return undefined;
  return n < 0 ? n + 256 : n;
}

/** DER of one value of a schema class. */
export function encodeDer(value: object): Uint8Array {
  return new Uint8Array(AsnSerializer.serialize(value));
}

/** One value of a schema class from DER (throws on malformed input or a schema mismatch). */
export function decodeDer<T>(data: Uint8Array | ArrayBuffer, type: new () => T): T {
  return AsnParser.parse(toBuffer(data), type);
}

/** The concatenation that makes an EF.ODF / EF.PrKDF / EF.CDF / EF.AODF (records are not wrapped). */
export function encodeConcatenated(values: object[]): Uint8Array {
  const parts = values.map(encodeDer);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Decodes a file made of concatenated DER values (ODF, PrKDF, CDF, AODF, EF.DIR read as binary). Stops at the
 * first padding byte 00 or FF (end of content in a bigger EF). Throws on a truncated or malformed TLV.
 */
export function decodeConcatenated<T>(data: Uint8Array | ArrayBuffer, type: new () => T): T[] {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const out: T[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const first = bytes[offset];
    if (first === 0x00 || first === 0xff) break;
    // asn1js only finds where this TLV ends; the slice is then parsed by asn1-schema itself (see ASN1JS_COPIES).
    const parsed = asn1js.fromBER(toBuffer(bytes.subarray(offset)));
    if (parsed.offset === -1 || parsed.result.error) {
      throw new Error(`malformed TLV at offset ${offset}: ${parsed.result.error || "cannot decode"}`);
    }
    out.push(AsnParser.parse(toBuffer(bytes.subarray(offset, offset + parsed.offset)), type));
    offset += parsed.offset;
  }
  return out;
}

/*
 * ASN1JS_COPIES: the agent pins asn1js 3.0.6 while @peculiar/asn1-schema uses the hoisted asn1js 3.1.0, so an
 * asn1js object made by one copy fails the other's `instanceof` checks. This file therefore hands only bytes
 * between asn1js (imported here) and asn1-schema, and DIRRecord inspects asn1js objects by their tags.
 */

function toBuffer(data: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

// ----------------------------------------------------------------------------------------------------------
// Path, values, identifiers

const APPLICATION = 2; // asn1js tag class of [APPLICATION n]

/** The parts of an asn1js block DIRRecord reads (from either asn1js copy). */
interface TaggedBlock {
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean };
  valueBlock: { value?: TaggedBlock[]; valueHexView?: Uint8Array };
  toBER(): ArrayBuffer;
}

/**
 * `[APPLICATION 15] OCTET STRING` (tag 4F, an AID). asn1-schema only knows context tags, so this value converts
 * itself with asn1js (duck-typed, see ASN1JS_COPIES).
 */
export class ApplicationIdentifier {
  value: ArrayBuffer = new ArrayBuffer(0);
  constructor(value?: Uint8Array) {
    if (value) this.value = toBuffer(value);
  }
  toASN(): asn1js.Primitive {
    return new asn1js.Primitive({ idBlock: { tagClass: APPLICATION, tagNumber: 15 }, valueHex: this.value });
  }
  fromASN(asn: unknown): this {
    const block = asn as TaggedBlock;
    if (block.idBlock?.tagClass !== APPLICATION || block.idBlock.tagNumber !== 15) {
      throw new Error("expected an [APPLICATION 15] AID (tag 4F)");
    }
    this.value = toBuffer(new Uint8Array(block.valueBlock.valueHexView ?? new Uint8Array()));
    return this;
  }
  toSchema(name: string): asn1js.Primitive {
    return new asn1js.Primitive({ name, idBlock: { tagClass: APPLICATION, tagNumber: 15 } });
  }
}

/**
 * `Path ::= SEQUENCE { efidOrPath OCTET STRING, index INTEGER OPTIONAL, length [0] INTEGER OPTIONAL, aid
 * [APPLICATION 15] OCTET STRING OPTIONAL }`. `efidOrPath`: an absolute path starting 3F00, a path relative to
 * the application DF, or a bare FID. `aid` (ISO 7816-15 multi-application extension, printed by OpenSC as
 * `<aid>::<path>`) names the application holding the object: the CPS3 PrKDF gives its keys the path
 * `E828BD080F8025000001FF0010::`, i.e. an empty efidOrPath plus the IAS AID (cps-card.md §2.3).
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class Path {
  @AsnProp({ type: AsnPropTypes.OctetString })
  efidOrPath: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  index?: number;
  @AsnProp({ type: AsnPropTypes.Integer, context: 0, implicit: true, optional: true })
  length?: number;
  @AsnProp({ type: ApplicationIdentifier, optional: true })
  aid?: ApplicationIdentifier;

  constructor(params: { path?: Uint8Array; index?: number; length?: number; aid?: Uint8Array } = {}) {
    if (params.path) this.efidOrPath = toBuffer(params.path);
    if (params.index !== undefined) this.index = params.index;
    if (params.length !== undefined) this.length = params.length;
    if (params.aid) this.aid = new ApplicationIdentifier(params.aid);
  }
}

/**
 * `ObjectValue { Type } ::= CHOICE { indirect ReferencedValue, direct [0] Type, indirect-protected [1]
 * ReferencedValue, direct-protected [2] EnvelopedData }` with `ReferencedValue ::= CHOICE { path Path, url URL }`
 * flattened here (untagged nested CHOICE: same encoding). `direct` is explicitly tagged (type parameter).
 * CPx cards reference their certificates and keys by `path` (cps-card.md §2.2).
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class ObjectValue {
  @AsnProp({ type: AsnPropTypes.Any, context: 0 })
  direct?: ArrayBuffer;
  @AsnProp({ type: AsnPropTypes.Any, context: 1 })
  indirectProtected?: ArrayBuffer;
  @AsnProp({ type: RawSequence, context: 2, implicit: true })
  directProtected?: RawSequence;
  @AsnProp({ type: AsnPropTypes.PrintableString })
  url?: string;
  /** Untagged SEQUENCE alternative last: the parser tries alternatives in declaration order. */
  @AsnProp({ type: Path })
  path?: Path;

  constructor(params: { path?: Path; direct?: ArrayBuffer } = {}) {
    if (params.path) this.path = params.path;
    if (params.direct) this.direct = params.direct;
  }
}

/** `CredentialIdentifier ::= SEQUENCE { idType KEY-IDENTIFIER.&id, idValue KEY-IDENTIFIER.&Value }`. */
@AsnType({ type: AsnTypeTypes.Sequence })
export class CredentialIdentifier {
  @AsnProp({ type: AsnPropTypes.Integer })
  idType = 0;
  @AsnProp({ type: AsnPropTypes.Any })
  idValue: ArrayBuffer = new ArrayBuffer(0);
}

// ----------------------------------------------------------------------------------------------------------
// CommonObjectAttributes

/** `CommonObjectFlags ::= BIT STRING { private(0), modifiable(1) }`. */
export const CommonObjectFlag = { private: 1 << 0, modifiable: 1 << 1 } as const;
export class CommonObjectFlags extends NamedBits {}

/**
 * `AccessMode ::= BIT STRING` — PKCS#15 v1.1 defines read(0) update(1) execute(2); ISO 7816-15 cards such as
 * IAS-ECC / CPx also use the later bits (names as OpenSC prints them: `pso_cds:01`, `int_auth:01`,
 * cps-card.md §2.3).
 */
export const AccessModeFlag = {
  read: 1 << 0,
  update: 1 << 1,
  execute: 1 << 2,
  delete: 1 << 3,
  attribute: 1 << 4,
  psoCds: 1 << 5,
  psoVerify: 1 << 6,
  psoDecrypt: 1 << 7,
  psoEncrypt: 1 << 8,
  intAuth: 1 << 9,
  extAuth: 1 << 10,
} as const;
export class AccessMode extends NamedBits {}

/** `AuthReference ::= SEQUENCE { authMethod AuthMethod (BIT STRING), seIdentifier INTEGER OPTIONAL }`. */
@AsnType({ type: AsnTypeTypes.Sequence })
export class AuthReference {
  @AsnProp({ type: NamedBits })
  authMethod = new NamedBits();
  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  seIdentifier?: number;
}

/**
 * `SecurityCondition ::= CHOICE { always NULL, authId Identifier, authReference AuthReference, not [0]
 * SecurityCondition, and [1] SEQUENCE OF SecurityCondition, or [2] SEQUENCE OF SecurityCondition }`. The
 * recursive alternatives are kept as raw DER (parse their elements with this class again if ever needed).
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class SecurityCondition {
  @AsnProp({ type: AsnPropTypes.Any, context: 0 })
  not?: ArrayBuffer;
  @AsnProp({ type: RawSequence, context: 1, implicit: true })
  and?: RawSequence;
  @AsnProp({ type: RawSequence, context: 2, implicit: true })
  or?: RawSequence;
  @AsnProp({ type: AsnPropTypes.Null })
  always?: null;
  @AsnProp({ type: AsnPropTypes.OctetString })
  authId?: ArrayBuffer;
  @AsnProp({ type: AuthReference })
  authReference?: AuthReference;
}

/** `AccessControlRule ::= SEQUENCE { accessMode AccessMode, securityCondition SecurityCondition, ... }`. */
@AsnType({ type: AsnTypeTypes.Sequence })
export class AccessControlRule {
  @AsnProp({ type: AccessMode })
  accessMode = new AccessMode();
  @AsnProp({ type: SecurityCondition })
  securityCondition = new SecurityCondition();
}

/**
 * `CommonObjectAttributes ::= SEQUENCE { label Label OPTIONAL, flags CommonObjectFlags OPTIONAL, authId
 * Identifier OPTIONAL, ..., userConsent INTEGER OPTIONAL, accessControlRules SEQUENCE OF AccessControlRule
 * OPTIONAL }`.
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class CommonObjectAttributes {
  @AsnProp({ type: AsnPropTypes.Utf8String, optional: true })
  label?: string;
  @AsnProp({ type: CommonObjectFlags, optional: true })
  flags?: CommonObjectFlags;
  @AsnProp({ type: AsnPropTypes.OctetString, optional: true })
  authId?: ArrayBuffer;
  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  userConsent?: number;
  @AsnProp({ type: AccessControlRule, repeated: "sequence", optional: true })
  accessControlRules?: AccessControlRule[];
}

// ----------------------------------------------------------------------------------------------------------
// Keys (PrKDF)

/**
 * `KeyUsageFlags ::= BIT STRING { encrypt(0), decrypt(1), sign(2), signRecover(3), wrap(4), unwrap(5),
 * verify(6), verifyRecover(7), derive(8), nonRepudiation(9) }`.
 */
export const KeyUsageFlag = {
  encrypt: 1 << 0,
  decrypt: 1 << 1,
  sign: 1 << 2,
  signRecover: 1 << 3,
  wrap: 1 << 4,
  unwrap: 1 << 5,
  verify: 1 << 6,
  verifyRecover: 1 << 7,
  derive: 1 << 8,
  nonRepudiation: 1 << 9,
} as const;
export class KeyUsageFlags extends NamedBits {}

/** `KeyAccessFlags ::= BIT STRING { sensitive(0), extractable(1), alwaysSensitive(2), neverExtractable(3), local(4) }`. */
export const KeyAccessFlag = {
  sensitive: 1 << 0,
  extractable: 1 << 1,
  alwaysSensitive: 1 << 2,
  neverExtractable: 1 << 3,
  local: 1 << 4,
} as const;
export class KeyAccessFlags extends NamedBits {}

/**
 * `CommonKeyAttributes ::= SEQUENCE { iD Identifier, usage KeyUsageFlags, native BOOLEAN DEFAULT TRUE,
 * accessFlags KeyAccessFlags OPTIONAL, keyReference Reference OPTIONAL, startDate GeneralizedTime OPTIONAL,
 * endDate [0] GeneralizedTime OPTIONAL, ..., algReference [1] SEQUENCE OF Reference OPTIONAL }`.
 * `keyReference` is what MSE SET sends in tag 84 (CPS3: 0x82 authentication, 0x81 signature — cps-card.md §2.3);
 * read it through `referenceByte()`.
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class CommonKeyAttributes {
  @AsnProp({ type: AsnPropTypes.OctetString })
  iD: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: KeyUsageFlags })
  usage = new KeyUsageFlags();
  @AsnProp({ type: AsnPropTypes.Boolean, defaultValue: true })
  native = true;
  @AsnProp({ type: KeyAccessFlags, optional: true })
  accessFlags?: KeyAccessFlags;
  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  keyReference?: number;
  @AsnProp({ type: AsnPropTypes.GeneralizedTime, optional: true })
  startDate?: Date;
  @AsnProp({ type: AsnPropTypes.GeneralizedTime, context: 0, implicit: true, optional: true })
  endDate?: Date;
  @AsnProp({ type: RawSequence, context: 1, implicit: true, optional: true })
  algReference?: RawSequence;
}

/**
 * `CommonPrivateKeyAttributes ::= SEQUENCE { subjectName Name OPTIONAL, keyIdentifiers [0] SEQUENCE OF
 * CredentialIdentifier OPTIONAL, ... }` (Name kept as raw RDNSequence elements; parse with @peculiar/x509's
 * `Name` if needed).
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class CommonPrivateKeyAttributes {
  @AsnProp({ type: RawSequence, optional: true })
  subjectName?: RawSequence;
  @AsnProp({ type: CredentialIdentifier, context: 0, implicit: true, repeated: "sequence", optional: true })
  keyIdentifiers?: CredentialIdentifier[];
}

/**
 * `PrivateRSAKeyAttributes ::= SEQUENCE { value ObjectValue {RSAPrivateKey}, modulusLength INTEGER, keyInfo
 * KeyInfo OPTIONAL, ... }`. On a CPx `value` is the path of the key's DF (cps-card.md §2.3:
 * `E828BD080F8025000001FF0010::`).
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class PrivateRSAKeyAttributes {
  @AsnProp({ type: ObjectValue })
  value = new ObjectValue();
  @AsnProp({ type: AsnPropTypes.Integer })
  modulusLength = 0;
  @AsnProp({ type: AsnPropTypes.Any, optional: true })
  keyInfo?: ArrayBuffer;
}

/** `PrivateKeyObject {PrivateRSAKeyAttributes}` = PKCS15Object { CommonKeyAttributes, CommonPrivateKeyAttributes, PrivateRSAKeyAttributes }. */
@AsnType({ type: AsnTypeTypes.Sequence })
export class PrivateRSAKeyObject {
  @AsnProp({ type: CommonObjectAttributes })
  commonObjectAttributes = new CommonObjectAttributes();
  @AsnProp({ type: CommonKeyAttributes })
  classAttributes = new CommonKeyAttributes();
  @AsnProp({ type: CommonPrivateKeyAttributes, context: 0, optional: true })
  subClassAttributes?: CommonPrivateKeyAttributes;
  @AsnProp({ type: PrivateRSAKeyAttributes, context: 1 })
  typeAttributes = new PrivateRSAKeyAttributes();
}

/**
 * `PrivateKeyType ::= CHOICE { privateRSAKey PrivateKeyObject {PrivateRSAKeyAttributes}, privateECKey [0] …,
 * privateDHKey [1] …, privateDSAKey [2] …, privateKEAKey [3] …, ... }` — one element of EF.PrKDF. The non-RSA
 * alternatives are kept as raw content (CPx keys are RSA-2048, cps-card.md §2.3).
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class PrivateKeyType {
  @AsnProp({ type: RawSequence, context: 0, implicit: true })
  privateECKey?: RawSequence;
  @AsnProp({ type: RawSequence, context: 1, implicit: true })
  privateDHKey?: RawSequence;
  @AsnProp({ type: RawSequence, context: 2, implicit: true })
  privateDSAKey?: RawSequence;
  @AsnProp({ type: RawSequence, context: 3, implicit: true })
  privateKEAKey?: RawSequence;
  @AsnProp({ type: PrivateRSAKeyObject })
  privateRSAKey?: PrivateRSAKeyObject;

  constructor(params: { privateRSAKey?: PrivateRSAKeyObject } = {}) {
    if (params.privateRSAKey) this.privateRSAKey = params.privateRSAKey;
  }
}

// ----------------------------------------------------------------------------------------------------------
// Certificates (CDF)

/**
 * `CommonCertificateAttributes ::= SEQUENCE { iD Identifier, authority BOOLEAN DEFAULT FALSE, identifier
 * CredentialIdentifier OPTIONAL, certHash [0] CertHash OPTIONAL, ..., trustedUsage [1] Usage OPTIONAL,
 * identifiers [2] SEQUENCE OF CredentialIdentifier OPTIONAL, implicitTrust [3] BOOLEAN DEFAULT FALSE }`.
 * The certificate's `iD` equals the iD of its private key in the PrKDF.
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class CommonCertificateAttributes {
  @AsnProp({ type: AsnPropTypes.OctetString })
  iD: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Boolean, defaultValue: false })
  authority = false;
  @AsnProp({ type: CredentialIdentifier, optional: true })
  identifier?: CredentialIdentifier;
  @AsnProp({ type: RawSequence, context: 0, implicit: true, optional: true })
  certHash?: RawSequence;
  @AsnProp({ type: RawSequence, context: 1, implicit: true, optional: true })
  trustedUsage?: RawSequence;
  @AsnProp({ type: CredentialIdentifier, context: 2, implicit: true, repeated: "sequence", optional: true })
  identifiers?: CredentialIdentifier[];
  @AsnProp({ type: AsnPropTypes.Boolean, context: 3, implicit: true, defaultValue: false })
  implicitTrust = false;
}

/**
 * `X509CertificateAttributes ::= SEQUENCE { value ObjectValue { Certificate }, subject Name OPTIONAL, issuer [0]
 * Name OPTIONAL, serialNumber CertificateSerialNumber OPTIONAL, ... }` (`issuer` explicit: Name is a CHOICE).
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class X509CertificateAttributes {
  @AsnProp({ type: ObjectValue })
  value = new ObjectValue();
  @AsnProp({ type: RawSequence, optional: true })
  subject?: RawSequence;
  @AsnProp({ type: AsnPropTypes.Any, context: 0, optional: true })
  issuer?: ArrayBuffer;
  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  serialNumber?: number | string;
}

/** `CertificateObject {X509CertificateAttributes}` = PKCS15Object { CommonCertificateAttributes, NULL, X509CertificateAttributes }. */
@AsnType({ type: AsnTypeTypes.Sequence })
export class X509CertificateObject {
  @AsnProp({ type: CommonObjectAttributes })
  commonObjectAttributes = new CommonObjectAttributes();
  @AsnProp({ type: CommonCertificateAttributes })
  classAttributes = new CommonCertificateAttributes();
  @AsnProp({ type: AsnPropTypes.Any, context: 0, optional: true })
  subClassAttributes?: ArrayBuffer;
  @AsnProp({ type: X509CertificateAttributes, context: 1 })
  typeAttributes = new X509CertificateAttributes();
}

/**
 * `CertificateType ::= CHOICE { x509Certificate CertificateObject {X509CertificateAttributes},
 * x509AttributeCertificate [0] …, spkiCertificate [1] …, pgpCertificate [2] …, wtlsCertificate [3] …,
 * x9-68Certificate [4] …, ..., cvCertificate [5] … }` — one element of EF.CDF.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class CertificateType {
  @AsnProp({ type: RawSequence, context: 0, implicit: true })
  x509AttributeCertificate?: RawSequence;
  @AsnProp({ type: RawSequence, context: 1, implicit: true })
  spkiCertificate?: RawSequence;
  @AsnProp({ type: RawSequence, context: 2, implicit: true })
  pgpCertificate?: RawSequence;
  @AsnProp({ type: RawSequence, context: 3, implicit: true })
  wtlsCertificate?: RawSequence;
  @AsnProp({ type: RawSequence, context: 4, implicit: true })
  x968Certificate?: RawSequence;
  @AsnProp({ type: RawSequence, context: 5, implicit: true })
  cvCertificate?: RawSequence;
  @AsnProp({ type: X509CertificateObject })
  x509Certificate?: X509CertificateObject;

  constructor(params: { x509Certificate?: X509CertificateObject } = {}) {
    if (params.x509Certificate) this.x509Certificate = params.x509Certificate;
  }
}

// ----------------------------------------------------------------------------------------------------------
// Authentication objects (AODF)

/**
 * `CommonAuthenticationObjectAttributes ::= SEQUENCE { authId Identifier OPTIONAL, authReference Reference
 * OPTIONAL, seIdentifier [0] Reference OPTIONAL, ... }` (ISO 7816-15; PKCS#15 v1.1 has only authId).
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class CommonAuthenticationObjectAttributes {
  @AsnProp({ type: AsnPropTypes.OctetString, optional: true })
  authId?: ArrayBuffer;
  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  authReference?: number;
  @AsnProp({ type: AsnPropTypes.Integer, context: 0, implicit: true, optional: true })
  seIdentifier?: number;
}

/**
 * `PinFlags ::= BIT STRING { case-sensitive(0), local(1), change-disabled(2), unblock-disabled(3),
 * initialized(4), needs-padding(5), unblockingPin(6), soPin(7), disable-allowed(8), integrity-protected(9),
 * confidentiality-protected(10), exchangeRefData(11) }`.
 */
export const PinFlag = {
  caseSensitive: 1 << 0,
  local: 1 << 1,
  changeDisabled: 1 << 2,
  unblockDisabled: 1 << 3,
  initialized: 1 << 4,
  needsPadding: 1 << 5,
  unblockingPin: 1 << 6,
  soPin: 1 << 7,
  disableAllowed: 1 << 8,
  integrityProtected: 1 << 9,
  confidentialityProtected: 1 << 10,
  exchangeRefData: 1 << 11,
} as const;
export class PinFlags extends NamedBits {}

/** `PinType ::= ENUMERATED { bcd, ascii-numeric, utf8, ..., half-nibble-bcd, iso9564-1 }`. */
export enum PinType {
  bcd = 0,
  asciiNumeric = 1,
  utf8 = 2,
  halfNibbleBcd = 3,
  iso9564_1 = 4,
}

/**
 * `PinAttributes ::= SEQUENCE { pinFlags PinFlags, pinType PinType, minLength INTEGER, storedLength INTEGER,
 * maxLength INTEGER OPTIONAL, pinReference [0] Reference DEFAULT 0, padChar OCTET STRING (SIZE(1)) OPTIONAL,
 * lastPinChange GeneralizedTime OPTIONAL, path Path OPTIONAL, ... }`. `pinReference` is P2 of VERIFY
 * (cps-card.md §2.4: read it from the AODF, do not hard-code it); read it through `referenceByte()`.
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class PinAttributes {
  @AsnProp({ type: PinFlags })
  pinFlags = new PinFlags();
  @AsnProp({ type: AsnPropTypes.Enumerated })
  pinType: PinType = PinType.asciiNumeric;
  @AsnProp({ type: AsnPropTypes.Integer })
  minLength = 0;
  @AsnProp({ type: AsnPropTypes.Integer })
  storedLength = 0;
  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  maxLength?: number;
  @AsnProp({ type: AsnPropTypes.Integer, context: 0, implicit: true, defaultValue: 0 })
  pinReference = 0;
  @AsnProp({ type: AsnPropTypes.OctetString, optional: true })
  padChar?: ArrayBuffer;
  @AsnProp({ type: AsnPropTypes.GeneralizedTime, optional: true })
  lastPinChange?: Date;
  @AsnProp({ type: Path, optional: true })
  path?: Path;
}

/** `AuthenticationObject {PinAttributes}` = PKCS15Object { CommonAuthenticationObjectAttributes, NULL, PinAttributes }. */
@AsnType({ type: AsnTypeTypes.Sequence })
export class PinObject {
  @AsnProp({ type: CommonObjectAttributes })
  commonObjectAttributes = new CommonObjectAttributes();
  @AsnProp({ type: CommonAuthenticationObjectAttributes })
  classAttributes = new CommonAuthenticationObjectAttributes();
  @AsnProp({ type: AsnPropTypes.Any, context: 0, optional: true })
  subClassAttributes?: ArrayBuffer;
  @AsnProp({ type: PinAttributes, context: 1 })
  typeAttributes = new PinAttributes();
}

/**
 * `AuthenticationType ::= CHOICE { pin AuthenticationObject {PinAttributes}, ..., biometricTemplate [0] …,
 * authKey [1] …, external [2] … }` — one element of EF.AODF.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class AuthenticationType {
  @AsnProp({ type: RawSequence, context: 0, implicit: true })
  biometricTemplate?: RawSequence;
  @AsnProp({ type: RawSequence, context: 1, implicit: true })
  authKey?: RawSequence;
  @AsnProp({ type: RawSequence, context: 2, implicit: true })
  external?: RawSequence;
  @AsnProp({ type: PinObject })
  pin?: PinObject;

  constructor(params: { pin?: PinObject } = {}) {
    if (params.pin) this.pin = params.pin;
  }
}

// ----------------------------------------------------------------------------------------------------------
// ODF

/**
 * `PathOrObjects {ObjectType} ::= CHOICE { path Path, objects [0] SEQUENCE OF ObjectType, ...,
 * indirect-protected [1] ReferencedValue, direct-protected [2] EnvelopedData }`.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class PathOrObjects {
  @AsnProp({ type: RawSequence, context: 0, implicit: true })
  objects?: RawSequence;
  @AsnProp({ type: AsnPropTypes.Any, context: 1 })
  indirectProtected?: ArrayBuffer;
  @AsnProp({ type: RawSequence, context: 2, implicit: true })
  directProtected?: RawSequence;
  @AsnProp({ type: Path })
  path?: Path;

  constructor(params: { path?: Path } = {}) {
    if (params.path) this.path = params.path;
  }
}

/**
 * `PKCS15Objects ::= CHOICE { privateKeys [0] PrivateKeys, publicKeys [1], trustedPublicKeys [2], secretKeys [3],
 * certificates [4], trustedCertificates [5], usefulCertificates [6], dataObjects [7], authObjects [8], ... }` —
 * one element of EF.ODF (tags explicit: PathOrObjects is a CHOICE, hence `A0 … 30 …`).
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class PKCS15Objects {
  @AsnProp({ type: PathOrObjects, context: 0 })
  privateKeys?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 1 })
  publicKeys?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 2 })
  trustedPublicKeys?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 3 })
  secretKeys?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 4 })
  certificates?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 5 })
  trustedCertificates?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 6 })
  usefulCertificates?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 7 })
  dataObjects?: PathOrObjects;
  @AsnProp({ type: PathOrObjects, context: 8 })
  authObjects?: PathOrObjects;
}

/** The ODF alternatives, in tag order ([0] … [8]). */
export type Pkcs15DirectoryKind = keyof PKCS15Objects;

// ----------------------------------------------------------------------------------------------------------
// TokenInfo

/** `TokenFlags ::= BIT STRING { readonly(0), loginRequired(1), prnGeneration(2), eidCompliant(3) }`. */
export const TokenFlag = {
  readonly: 1 << 0,
  loginRequired: 1 << 1,
  prnGeneration: 1 << 2,
  eidCompliant: 1 << 3,
} as const;
export class TokenFlags extends NamedBits {}

/** `SecurityEnvironmentInfo ::= SEQUENCE { se INTEGER, owner OBJECT IDENTIFIER, ..., aid OCTET STRING OPTIONAL }`. */
@AsnType({ type: AsnTypeTypes.Sequence })
export class SecurityEnvironmentInfo {
  @AsnProp({ type: AsnPropTypes.Integer })
  se = 0;
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier, optional: true })
  owner?: string;
  @AsnProp({ type: AsnPropTypes.OctetString, optional: true })
  aid?: ArrayBuffer;
}

/**
 * `TokenInfo ::= SEQUENCE { version INTEGER {v1(0)}, serialNumber OCTET STRING, manufacturerID Label OPTIONAL,
 * label [0] Label OPTIONAL, tokenflags TokenFlags, seInfo SEQUENCE OF SecurityEnvironmentInfo OPTIONAL,
 * recordInfo [1] RecordInfo OPTIONAL, supportedAlgorithms [2] SEQUENCE OF AlgorithmInfo OPTIONAL, ...,
 * issuerId [3] Label OPTIONAL, holderId [4] Label OPTIONAL, lastUpdate [5] LastUpdate OPTIONAL,
 * preferredLanguage PrintableString OPTIONAL }`. On a CPx the label reads `CPS3v3-<10-digit serial>` /
 * `CPS4v1-<serial>` (cps-card.md §1.3).
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class TokenInfo {
  @AsnProp({ type: AsnPropTypes.Integer })
  version = 0;
  @AsnProp({ type: AsnPropTypes.OctetString })
  serialNumber: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Utf8String, optional: true })
  manufacturerID?: string;
  @AsnProp({ type: AsnPropTypes.Utf8String, context: 0, implicit: true, optional: true })
  label?: string;
  @AsnProp({ type: TokenFlags })
  tokenflags = new TokenFlags();
  @AsnProp({ type: SecurityEnvironmentInfo, repeated: "sequence", optional: true })
  seInfo?: SecurityEnvironmentInfo[];
  @AsnProp({ type: RawSequence, context: 1, implicit: true, optional: true })
  recordInfo?: RawSequence;
  @AsnProp({ type: RawSequence, context: 2, implicit: true, optional: true })
  supportedAlgorithms?: RawSequence;
  @AsnProp({ type: AsnPropTypes.Utf8String, context: 3, implicit: true, optional: true })
  issuerId?: string;
  @AsnProp({ type: AsnPropTypes.Utf8String, context: 4, implicit: true, optional: true })
  holderId?: string;
  @AsnProp({ type: AsnPropTypes.Any, context: 5, optional: true })
  lastUpdate?: ArrayBuffer;
  @AsnProp({ type: AsnPropTypes.PrintableString, optional: true })
  preferredLanguage?: string;
}

// ----------------------------------------------------------------------------------------------------------
// EF.DIR (ISO 7816-4 application template, as used by PKCS#15)

/**
 * `DDO ::= SEQUENCE { oid OBJECT IDENTIFIER, odfPath Path OPTIONAL, tokenInfoPath [0] Path OPTIONAL,
 * unusedPath [1] Path OPTIONAL, ... }`.
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class DDO {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  oid = PKCS15_OID;
  @AsnProp({ type: Path, optional: true })
  odfPath?: Path;
  @AsnProp({ type: Path, context: 0, implicit: true, optional: true })
  tokenInfoPath?: Path;
  @AsnProp({ type: Path, context: 1, implicit: true, optional: true })
  unusedPath?: Path;
}

/** `pkcs15 OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-15(15) }`. */
export const PKCS15_OID = "1.2.840.113549.1.15";

/**
 * `DIRRecord ::= [APPLICATION 1] SEQUENCE { aid [APPLICATION 15] OCTET STRING, label [APPLICATION 16] UTF8String
 * OPTIONAL, path [APPLICATION 17] OCTET STRING, ddo [APPLICATION 19] DDO OPTIONAL }` — one record of EF.DIR
 * (3F00/2F00), tags 61 / 4F / 50 / 51 / 73. asn1-schema has no APPLICATION class, so this type converts itself
 * with asn1js (toASN/fromASN/toSchema, asn1-schema's "convertible" protocol — not `implements IAsnConvertible`,
 * whose asn1js types come from the other asn1js copy); it still plugs into `decodeDer` / `decodeConcatenated` / `encodeDer` like the others.
 * ISO 7816-4 allows the elements in any order and other tags (e.g. 52 command to perform): unknown ones are
 * skipped when decoding.
 */
export class DIRRecord {
  aid: ArrayBuffer = new ArrayBuffer(0);
  label?: string;
  path: ArrayBuffer = new ArrayBuffer(0);
  ddo?: DDO;

  constructor(params: { aid?: Uint8Array; label?: string; path?: Uint8Array; ddo?: DDO } = {}) {
    if (params.aid) this.aid = toBuffer(params.aid);
    if (params.label !== undefined) this.label = params.label;
    if (params.path) this.path = toBuffer(params.path);
    if (params.ddo) this.ddo = params.ddo;
  }

  toASN(): asn1js.Constructed {
    const primitive = (tagNumber: number, value: ArrayBuffer) =>
      new asn1js.Primitive({ idBlock: { tagClass: APPLICATION, tagNumber }, valueHex: value });
    const value: asn1js.BaseBlock[] = [primitive(15, this.aid)];
    if (this.label !== undefined) value.push(primitive(16, toBuffer(new TextEncoder().encode(this.label))));
    value.push(primitive(17, this.path));
    if (this.ddo) {
      // Bytes, not objects, cross from asn1-schema to asn1js (see ASN1JS_COPIES).
      const sequence = asn1js.fromBER(AsnSerializer.serialize(this.ddo)).result as asn1js.Sequence;
      value.push(
        new asn1js.Constructed({ idBlock: { tagClass: APPLICATION, tagNumber: 19 }, value: sequence.valueBlock.value }),
      );
    }
    return new asn1js.Constructed({ idBlock: { tagClass: APPLICATION, tagNumber: 1 }, value });
  }

  fromASN(asn: unknown): this {
    // Duck-typed on purpose: `asn` may come from either asn1js copy (see ASN1JS_COPIES).
    const block = asn as unknown as TaggedBlock;
    if (block.idBlock?.tagClass !== APPLICATION || block.idBlock.tagNumber !== 1 || !block.idBlock.isConstructed) {
      throw new Error("DIRRecord: expected an [APPLICATION 1] application template (tag 61)");
    }
    const children = Array.isArray(block.valueBlock?.value) ? block.valueBlock.value : [];
    let sawAid = false;
    for (const element of children) {
      if (element.idBlock.tagClass !== APPLICATION) continue;
      const bytes = () => toBuffer(new Uint8Array(element.valueBlock.valueHexView ?? new Uint8Array()));
      switch (element.idBlock.tagNumber) {
        case 15:
          this.aid = bytes();
          sawAid = true;
          break;
        case 16:
          this.label = new TextDecoder().decode(bytes());
          break;
        case 17:
          this.path = bytes();
          break;
        case 19: {
          const sequence = new asn1js.Sequence({ value: (element.valueBlock.value ?? []) as asn1js.BaseBlock[] });
          this.ddo = AsnParser.parse(sequence.toBER(), DDO);
          break;
        }
      }
    }
    if (!sawAid) throw new Error("DIRRecord: no AID (tag 4F)");
    return this;
  }

  toSchema(name: string): asn1js.BaseBlock {
    return new asn1js.Constructed({ name, idBlock: { tagClass: APPLICATION, tagNumber: 1 } });
  }
}
