/**
 * PKCS#1 v1.5 signature material built on the host (RFC 8017 §9.2): the DER `DigestInfo` the CPS3 INTERNAL
 * AUTHENTICATE takes as input, the full type-1 block the CPS4 raw-RSA "decipher" needs (cps-card.md §2.4), and the
 * host-side verification of what the card returned. DigestInfo is encoded with @peculiar/asn1-schema, not by hand.
 */
import { constants, createPublicKey, publicDecrypt, timingSafeEqual } from "node:crypto";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { AsnProp, AsnPropTypes, AsnSerializer, AsnType, AsnTypeTypes } from "@peculiar/asn1-schema";
import type { SignatureAlgorithm } from "../card-service";

@AsnType({ type: AsnTypeTypes.Sequence })
class AlgorithmIdentifier {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  algorithm = "";
  /** RFC 8017 §A.2.4: the hash algorithms' parameters are NULL, and present. */
  @AsnProp({ type: AsnPropTypes.Null })
  parameters: null = null;
}

@AsnType({ type: AsnTypeTypes.Sequence })
class DigestInfo {
  @AsnProp({ type: AlgorithmIdentifier })
  digestAlgorithm = new AlgorithmIdentifier();
  @AsnProp({ type: AsnPropTypes.OctetString })
  digest: ArrayBuffer = new ArrayBuffer(0);
}

export const HASHES: Record<SignatureAlgorithm, { oid: string; length: number; node: string }> = {
  RS256: { oid: "2.16.840.1.101.3.4.2.1", length: 32, node: "sha256" },
  RS384: { oid: "2.16.840.1.101.3.4.2.2", length: 48, node: "sha384" },
  RS512: { oid: "2.16.840.1.101.3.4.2.3", length: 64, node: "sha512" },
};

/** DER DigestInfo of `digest`; ERR_INVALID_PARAMS when its length does not fit the algorithm. */
export function digestInfo(digest: Uint8Array, algorithm: SignatureAlgorithm): Uint8Array {
  const hash = HASHES[algorithm];
  if (!hash) throw new BridgeError("ERR_INVALID_PARAMS", `unsupported algorithm ${String(algorithm)}`);
  if (digest.length !== hash.length) {
    throw new BridgeError("ERR_INVALID_PARAMS", `${algorithm} needs a ${hash.length}-byte digest`, {
      digestLength: digest.length,
    });
  }
  const di = new DigestInfo();
  di.digestAlgorithm.algorithm = hash.oid;
  di.digest = digest.slice().buffer;
  return new Uint8Array(AsnSerializer.serialize(di));
}

/** `00 01 FF…FF 00 ‖ DigestInfo`, `modulusBytes` long (RFC 8017 §9.2 EMSA-PKCS1-v1_5 encoding). */
export function pkcs1Type1Block(info: Uint8Array, modulusBytes: number): Uint8Array {
  if (info.length + 11 > modulusBytes) throw new BridgeError("ERR_INVALID_PARAMS", "digest too long for the key");
  const block = new Uint8Array(modulusBytes).fill(0xff);
  block[0] = 0x00;
  block[1] = 0x01;
  block[modulusBytes - info.length - 1] = 0x00;
  block.set(info, modulusBytes - info.length);
  return block;
}

/**
 * Does `signature` verify with this RSA public key (SPKI DER, e.g. `cert.publicKey.rawData`) over this DigestInfo?
 * RSA public operation, PKCS#1 type-1 padding checked and removed by OpenSSL, the recovered DigestInfo compared
 * in constant time.
 */
export function verifyPkcs1(spki: Uint8Array | ArrayBuffer, info: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(new Uint8Array(spki)), format: "der", type: "spki" });
    const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signature));
    return recovered.length === info.length && timingSafeEqual(recovered, Buffer.from(info));
  } catch {
    return false;
  }
}
