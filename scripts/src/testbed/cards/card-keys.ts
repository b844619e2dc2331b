/**
 * The RSA-2048 key pairs of a virtual CPx card (cps-card.md §2.3: CPx keys are RSA-2048). A private key is a Node
 * KeyObject held by the card object only: it is never exported, logged or written to disk; only the public key
 * (SPKI DER) leaves, to be certified by the test PKI. Generation costs ~100–300 ms per key on this machine (no
 * pooling: each card makes its own keys).
 */
import { constants, generateKeyPair, type KeyObject, privateDecrypt, privateEncrypt } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);

export interface CardKeyPair {
  privateKey: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  modulusBits: number;
}

export async function generateCardKey(modulusBits = 2048): Promise<CardKeyPair> {
  const { privateKey, publicKey } = await generate("rsa", { modulusLength: modulusBits, publicExponent: 0x10001 });
  return { privateKey, spki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })), modulusBits };
}

/** The card pads (PKCS#1 v1.5 type 1) and signs: INTERNAL AUTHENTICATE on CPS3 (cps-card.md §2.4). */
export function pkcs1Sign(key: KeyObject, input: Uint8Array): Uint8Array {
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, input));
}

/**
 * Raw RSA private operation (m^d mod n) on a full-size block: PSO DECIPHER on CPS4, fed a host-built PKCS#1 v1.5
 * type-1 block, returns the signature (cps-card.md §2.4). `undefined` when the block is not below the modulus.
 */
export function rawRsaPrivate(key: KeyObject, block: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block));
  } catch {
    return undefined;
  }
}
