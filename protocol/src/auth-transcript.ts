/**
 * The bytes both ends sign in the mutual challenge-response that opens every connection after `hello`
 * (anchors.md §(a) "Pairing" step 6; docs/protocol.md §4 gives the same layout):
 *
 *   offset  size  field
 *   0       19    ASCII "cps-bridge-auth-v1" followed by one 0x00 byte (context string: these signatures can never
 *                 be mistaken for any other signature made with the same keys)
 *   19      1     role of the signer: 0x41 ("A") the agent proves its key, 0x43 ("C") the client proves its key
 *   20      1     protocol major version (uint8)
 *   21      2     agent TCP port the connection uses (uint16, big endian)
 *   23      2     length N of the origin (uint16, big endian), N ≤ 255
 *   25      N     the connection's Origin header as the agent received it, UTF-8 (e.g. chrome-extension://<id>)
 *   25+N    1     length M of the clientId (uint8), 8 ≤ M ≤ 64
 *   26+N    M     clientId, ASCII
 *   26+N+M  32    clientNonce (raw bytes, chosen by the client in auth.challenge)
 *   58+N+M  32    agentNonce (raw bytes, chosen by the agent in its auth.challenge answer)
 *
 * Signatures: ECDSA P-256 with SHA-256 over the transcript, encoded as the 64-byte IEEE P1363 r‖s (WebCrypto's
 * format), then standard base64. Why each field: the role byte stops reflecting one side's proof back as the other's;
 * both nonces make each proof fresh for its verifier (a replayed `auth.prove` fails because the agent's nonce is
 * single-use); the port and origin stop a process on another port, or another extension, from relaying a proof made
 * for a different connection; the major stops a proof from one protocol generation being accepted by another.
 * Pure WebCrypto: the extension computes exactly the same bytes.
 */
import { base64ToBytes, bufferSource, bytesToBase64 } from "./base64";
import { BridgeError } from "./errors";
import { AUTH_NONCE_BYTES, ORIGIN_MAX_LENGTH } from "./limits";

export const AUTH_CONTEXT = "cps-bridge-auth-v1";
export const AUTH_ROLE_BYTE = { agent: 0x41, client: 0x43 } as const;
export type AuthRole = keyof typeof AUTH_ROLE_BYTE;

export const AUTH_KEY_ALGORITHM: EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };
export const AUTH_SIGNATURE_ALGORITHM: EcdsaParams = { name: "ECDSA", hash: "SHA-256" };
/** P1363 r‖s length for P-256. */
export const AUTH_SIGNATURE_BYTES = 64;

export interface AuthTranscriptInput {
  role: AuthRole;
  protocolMajor: number;
  port: number;
  origin: string;
  clientId: string;
  clientNonce: Uint8Array;
  agentNonce: Uint8Array;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

function bad(reason: string): BridgeError {
  return new BridgeError("ERR_INVALID_PARAMS", `Auth transcript: ${reason}`, { reason });
}

export function authTranscript(input: AuthTranscriptInput): Uint8Array {
  const { role, protocolMajor, port, origin, clientId, clientNonce, agentNonce } = input;
  if (!(role in AUTH_ROLE_BYTE)) throw bad("role");
  if (!Number.isInteger(protocolMajor) || protocolMajor < 0 || protocolMajor > 255) throw bad("protocolMajor");
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad("port");
  const originBytes = new TextEncoder().encode(origin);
  if (originBytes.length === 0 || originBytes.length > ORIGIN_MAX_LENGTH) throw bad("origin");
  if (!CLIENT_ID.test(clientId)) throw bad("clientId");
  if (clientNonce.length !== AUTH_NONCE_BYTES) throw bad("clientNonce");
  if (agentNonce.length !== AUTH_NONCE_BYTES) throw bad("agentNonce");

  const context = new TextEncoder().encode(AUTH_CONTEXT);
  const out = new Uint8Array(context.length + 1 + 1 + 1 + 2 + 2 + originBytes.length + 1 + clientId.length + 64);
  const view = new DataView(out.buffer);
  let o = 0;
  out.set(context, o);
  o += context.length;
  out[o++] = 0x00;
  out[o++] = AUTH_ROLE_BYTE[role];
  out[o++] = protocolMajor;
  view.setUint16(o, port);
  o += 2;
  view.setUint16(o, originBytes.length);
  o += 2;
  out.set(originBytes, o);
  o += originBytes.length;
  out[o++] = clientId.length;
  for (let i = 0; i < clientId.length; i++) out[o++] = clientId.charCodeAt(i);
  out.set(clientNonce, o);
  o += AUTH_NONCE_BYTES;
  out.set(agentNonce, o);
  return out;
}

/** 32 fresh random bytes for `clientNonce` / `agentNonce`. */
export function newAuthNonce(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(AUTH_NONCE_BYTES));
}

/** A new P-256 key pair for pairing. The extension keeps the private key non-extractable (the default). */
export function generateAuthKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(AUTH_KEY_ALGORITHM, extractable, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

export async function signTranscript(privateKey: CryptoKey, transcript: Uint8Array): Promise<string> {
  return bytesToBase64(await crypto.subtle.sign(AUTH_SIGNATURE_ALGORITHM, privateKey, bufferSource(transcript)));
}

/** True only for a valid signature; false for a wrong one or any malformed input (never throws). */
export async function verifyTranscript(
  publicKey: CryptoKey,
  transcript: Uint8Array,
  signature: string,
): Promise<boolean> {
  const sig = base64ToBytes(signature);
  if (!sig || sig.length !== AUTH_SIGNATURE_BYTES) return false;
  try {
    return await crypto.subtle.verify(AUTH_SIGNATURE_ALGORITHM, publicKey, sig, bufferSource(transcript));
  } catch {
    return false;
  }
}

/**
 * Imports a pairing public key sent as base64 SPKI or as a JWK. WebCrypto checks the point is on P-256.
 * Throws ERR_INVALID_PARAMS (`details.reason: "clientPublicKey"`) for anything else.
 */
export async function importAuthPublicKey(key: string | JsonWebKey): Promise<CryptoKey> {
  try {
    if (typeof key === "string") {
      const der = base64ToBytes(key);
      if (!der) throw new Error("not base64");
      return await crypto.subtle.importKey("spki", der, AUTH_KEY_ALGORITHM, true, ["verify"]);
    }
    if (key.kty !== "EC" || key.crv !== "P-256" || key.d !== undefined) throw new Error("not a P-256 public JWK");
    const { kty, crv, x, y } = key;
    return await crypto.subtle.importKey("jwk", { kty, crv, x, y }, AUTH_KEY_ALGORITHM, true, ["verify"]);
  } catch (cause) {
    throw new BridgeError("ERR_INVALID_PARAMS", "Not a P-256 public key", { reason: "clientPublicKey" }, { cause });
  }
}

/** Base64 SPKI DER of a P-256 public key (what `pair.complete` carries and the agent stores). */
export async function exportAuthPublicKey(publicKey: CryptoKey): Promise<string> {
  return bytesToBase64(await crypto.subtle.exportKey("spki", publicKey));
}
