/**
 * Compact JWS (RS256) for the fake Pro Santé Connect's ID tokens, with node:crypto only (no JOSE library is a
 * dependency). Verification is strict: header `alg` must be RS256 and `kid` the provider's, so `alg: none` and
 * HS256-with-the-public-key confusions are refused.
 */
import { createSign, createVerify, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid: randomBytes(8).toString("hex"), privateKey, publicKey };
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const header = { alg: "RS256", typ: "JWT", kid: key.kid };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const sig = createSign("RSA-SHA256").update(input).sign(key.privateKey);
  return `${input}.${b64u(sig)}`;
}

export class JwtError extends Error {}

/** Checks the signature and returns the claims (claim checks are the caller's: iss, aud, exp, nonce, acr). */
export function verifyJwt(token: string, key: SigningKey): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtError("not a compact JWS");
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    throw new JwtError("undecodable JWS");
  }
  if (header.alg !== "RS256" || header.kid !== key.kid) throw new JwtError("unexpected alg or kid");
  const ok = createVerify("RSA-SHA256").update(`${h}.${p}`).verify(key.publicKey, Buffer.from(s, "base64url"));
  if (!ok) throw new JwtError("bad signature");
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new JwtError("payload is not an object");
  return payload as Record<string, unknown>;
}

export function publicJwk(key: SigningKey): Record<string, unknown> {
  return { ...key.publicKey.export({ format: "jwk" }), kid: key.kid, use: "sig", alg: "RS256" };
}
