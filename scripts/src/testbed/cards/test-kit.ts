/**
 * Helpers for the cards' unit tests: send APDUs to a card in process, follow 61xx / 6Cxx like a PC/SC client's
 * automatic GET RESPONSE does, and verify signatures with the certificate's public key (webcrypto).
 */
import * as x509 from "@cps-bridge/protocol/x509";
import { fromHex } from "./iso7816";
import type { VirtualCard } from "./virtual-card";

x509.cryptoProvider.set(globalThis.crypto);

export interface Response {
  data: Uint8Array;
  sw: number;
  /** Hex of the data, upper case. */
  hex: string;
}

const split = (r: Uint8Array): Response => {
  const data = r.subarray(0, r.length - 2);
  return { data, sw: (r[r.length - 2]! << 8) | r[r.length - 1]!, hex: Buffer.from(data).toString("hex").toUpperCase() };
};

/** One APDU (hex, spaces allowed), the raw answer split into data and SW. */
export function send(card: VirtualCard, apdu: string | Uint8Array): Response {
  return split(card.transmit(typeof apdu === "string" ? fromHex(apdu) : apdu));
}

/**
 * One APDU with the client-side T=0 handling (as pcsc-lite clients / smartcard's `autoGetResponse` do): 61xx →
 * GET RESPONSE with Le = xx (same channel), 6Cxx → the same command again with Le = xx. Returns the final answer
 * and how many APDUs it took.
 */
export function exchange(card: VirtualCard, apdu: string | Uint8Array): Response & { apdus: number } {
  let command = typeof apdu === "string" ? fromHex(apdu) : apdu;
  let response = send(card, command);
  let apdus = 1;
  const chunks: Uint8Array[] = [];
  for (let guard = 0; guard < 64; guard++) {
    const sw1 = response.sw >> 8;
    if (sw1 === 0x6c) {
      // Only case-2 commands get 6Cxx: put xx in the Le byte (append it to a 4-byte command).
      const head = command.length === 4 ? command : command.subarray(0, command.length - 1);
      command = Uint8Array.from([...head, response.sw & 0xff]);
      response = send(card, command);
      apdus++;
      continue;
    }
    if (sw1 === 0x61) {
      chunks.push(response.data);
      response = send(card, Uint8Array.from([command[0]! & 0x03, 0xc0, 0x00, 0x00, response.sw & 0xff]));
      apdus++;
      continue;
    }
    break;
  }
  chunks.push(response.data);
  const data = Uint8Array.from(chunks.flatMap((c) => [...c]));
  return { data, sw: response.sw, hex: Buffer.from(data).toString("hex").toUpperCase(), apdus };
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").toUpperCase();

/** Verifies an RSA PKCS#1 v1.5 signature over `message` with the public key of a certificate (webcrypto). */
export async function verifyWithCertificate(
  certificateDer: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  hash: "SHA-256" | "SHA-384" | "SHA-512" = "SHA-256",
): Promise<boolean> {
  const certificate = new x509.X509Certificate(Uint8Array.from(certificateDer));
  const key = await certificate.publicKey.export({ name: "RSASSA-PKCS1-v1_5", hash }, ["verify"]);
  return crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, Uint8Array.from(signature), Uint8Array.from(message));
}

/** DER DigestInfo of SHA-256(message) (RFC 8017 §9.2 prefix + digest): what INTERNAL AUTHENTICATE receives. */
export async function sha256DigestInfo(message: Uint8Array): Promise<Uint8Array> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", Uint8Array.from(message)));
  return Uint8Array.from([...fromHex("3031300d060960864801650304020105000420"), ...digest]);
}

/** The 256-byte PKCS#1 v1.5 type-1 block `00 01 FF…FF 00 ‖ DigestInfo` a CPS4 host sends to PSO DECIPHER. */
export function pkcs1Type1Block(digestInfo: Uint8Array, size = 256): Uint8Array {
  const block = new Uint8Array(size).fill(0xff);
  block[0] = 0x00;
  block[1] = 0x01;
  block[size - digestInfo.length - 1] = 0x00;
  block.set(digestInfo, size - digestInfo.length);
  return block;
}
