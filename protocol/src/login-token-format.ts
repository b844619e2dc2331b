/**
 * The cps-bridge login token, built on Web eID's `web-eid:1.0` (shared/research/anchors.md §1.3–1.4, §(a)):
 *   { unverifiedCertificate, algorithm, signature, format: "cps-bridge:1.0", appVersion }
 * The card signs H(origin) ‖ H(challengeNonce), H being the algorithm's hash. Origin and nonce are deliberately NOT
 * in the token: the portal rebuilds the signed data from its *own* origin and the nonce it stored for this session,
 * so a valid signature proves both (a relayed or replayed token fails). Hashing each field first keeps them apart.
 *
 * This file is the builder side (agent and extension; pure WebCrypto, no x509): origin normalisation, nonce check,
 * signed data, the token schema. The portal-side verifier is login-token-verify.ts; login-token.ts exports both.
 */
import * as v from "valibot";
import { base64ToBytes, bufferSource, bytesToBase64, isBase64 } from "./base64";
import { BridgeError } from "./errors";
import { NONCE_MAX_LENGTH, NONCE_MIN_LENGTH, ORIGIN_MAX_LENGTH } from "./limits";
import { LOGIN_TOKEN_FORMAT } from "./version";

export { LOGIN_TOKEN_FORMAT };

/** JWA names, as Web eID. CPS3 signs RS256 (PKCS#1 v1.5); CPS4 can also do PSS (cps-card.md §2.3). */
export const TOKEN_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

export function hashOf(algorithm: TokenAlgorithm): HashName {
  return `SHA-${algorithm.slice(2)}` as HashName;
}

/** Accepts every `cps-bridge:1.x` (a minor only adds optional fields); the builder writes LOGIN_TOKEN_FORMAT. */
export const TOKEN_FORMAT_PATTERN = /^cps-bridge:1(?:\.\d{1,4})?$/;

/** Largest certificate accepted in a token, base64 characters (≈ 9 KiB DER; card certificates are 1.5–3 KiB). */
export const MAX_CERTIFICATE_BASE64 = 12_288;
/** Largest signature, base64 characters (RSA-8192 = 1024 bytes → 1368). */
export const MAX_SIGNATURE_BASE64 = 1_368;

export const LoginTokenSchema = v.object({
  /** The card's authentication certificate, base64 DER. "Unverified": the verifier checks it, never trusts it. */
  unverifiedCertificate: v.pipe(
    v.string(),
    v.minLength(4),
    v.maxLength(MAX_CERTIFICATE_BASE64),
    v.check((s: string) => isBase64(s), "base64"),
  ),
  algorithm: v.picklist(TOKEN_ALGORITHMS),
  /** base64 signature: RSA as is; ECDSA as P1363 r‖s (WebCrypto's format). */
  signature: v.pipe(
    v.string(),
    v.minLength(4),
    v.maxLength(MAX_SIGNATURE_BASE64),
    v.check((s: string) => isBase64(s), "base64"),
  ),
  format: v.pipe(v.string(), v.maxLength(32), v.regex(TOKEN_FORMAT_PATTERN, "cps-bridge:1.x")),
  /** For information only: which agent release made the token, `urn:cps-bridge:agent:<version>`. */
  appVersion: v.pipe(v.string(), v.maxLength(256)),
});
export type LoginToken = v.InferOutput<typeof LoginTokenSchema>;

/** The `appVersion` of tokens made by agent release `version`. */
export function appVersionOf(agentVersion: string): string {
  return `urn:cps-bridge:agent:${agentVersion}`;
}

export interface NormaliseOriginOptions {
  /**
   * Accept `http://localhost[:port]` and `http://127.0.0.1[:port]` (kept as http). Test mode only: the agent sets it
   * from its --test-mode, a portal verifier only in its own tests (anchors.md §1.4 ALLOW_HTTP_LOCALHOST).
   */
  allowHttpLocalhost?: boolean;
}

/** `scheme://authority` with nothing after: no path (not even "/"), query, fragment, userinfo or backslash. */
const ORIGIN_SHAPE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#@\\\s]+$/;

function badOrigin(reason: string): BridgeError {
  return new BridgeError("ERR_INVALID_ORIGIN", `Invalid origin: ${reason}`, { reason });
}

/**
 * The ASCII serialisation of a web origin (`URL.origin`: lower-case host, punycode for IDNs, default port dropped),
 * or ERR_INVALID_ORIGIN (`details.reason`). Only `https` origins; `http://localhost` / `http://127.0.0.1` only with
 * `allowHttpLocalhost`. Anything with a path, query, fragment or credentials is refused rather than trimmed: a
 * caller passing a URL where an origin is expected has a bug worth seeing.
 */
export function normaliseOrigin(origin: unknown, options: NormaliseOriginOptions = {}): string {
  if (typeof origin !== "string") throw badOrigin("not a string");
  if (origin.length === 0 || origin.length > ORIGIN_MAX_LENGTH) throw badOrigin("length");
  if (!ORIGIN_SHAPE.test(origin)) throw badOrigin("not scheme://host[:port]");
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw badOrigin("does not parse");
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || url.pathname !== "/") {
    throw badOrigin("not an origin");
  }
  if (url.protocol === "http:") {
    if (!options.allowHttpLocalhost) throw badOrigin("http is accepted for localhost in test mode only");
    if (url.hostname !== "localhost" && url.hostname !== "127.0.0.1") throw badOrigin("http origin is not localhost");
  } else if (url.protocol !== "https:") {
    throw badOrigin("scheme is not https");
  }
  const serialised = url.origin;
  if (serialised === "null" || serialised.length > ORIGIN_MAX_LENGTH) throw badOrigin("serialisation");
  return serialised;
}

/** Checks a login challenge nonce: 44 to 128 standard base64 characters. Throws ERR_INVALID_NONCE. */
export function validateChallengeNonce(nonce: unknown): string {
  if (typeof nonce !== "string") {
    throw new BridgeError("ERR_INVALID_NONCE", "Nonce is not a string", { reason: "type" });
  }
  if (nonce.length < NONCE_MIN_LENGTH || nonce.length > NONCE_MAX_LENGTH) {
    throw new BridgeError("ERR_INVALID_NONCE", "Nonce length out of 44..128", { reason: "length" });
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(nonce)) {
    throw new BridgeError("ERR_INVALID_NONCE", "Nonce is not base64", { reason: "alphabet" });
  }
  return nonce;
}

/** A fresh challenge nonce for portals: 32 random bytes, base64 (44 characters). */
export function newChallengeNonce(): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(32)));
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/**
 * The signed data: H(origin) ‖ H(nonce), H = the algorithm's hash, over the UTF-8 bytes of the normalised origin and
 * of the nonce string exactly as the portal issued it. A WebCrypto signature/verification is made over these bytes
 * (it hashes them once more); a card is given `signedDigest` instead.
 */
export async function signedData(
  origin: string,
  nonce: string,
  algorithm: TokenAlgorithm,
): Promise<Uint8Array<ArrayBuffer>> {
  const hash = hashOf(algorithm);
  const [ho, hn] = await Promise.all([
    crypto.subtle.digest(hash, utf8(origin)),
    crypto.subtle.digest(hash, utf8(nonce)),
  ]);
  const out = new Uint8Array(ho.byteLength + hn.byteLength);
  out.set(new Uint8Array(ho), 0);
  out.set(new Uint8Array(hn), ho.byteLength);
  return out;
}

/** The digest the card signs: H(signedData). The card wraps it in a DigestInfo (PKCS#1 v1.5) or PSS-encodes it. */
export async function signedDigest(
  origin: string,
  nonce: string,
  algorithm: TokenAlgorithm,
): Promise<Uint8Array<ArrayBuffer>> {
  const data = await signedData(origin, nonce, algorithm);
  return new Uint8Array(await crypto.subtle.digest(hashOf(algorithm), bufferSource(data)));
}

export interface BuildLoginTokenInput {
  /** DER of the authentication certificate. */
  certificate: Uint8Array;
  algorithm: TokenAlgorithm;
  /** Raw signature bytes (RSA: modulus-sized; ECDSA: P1363 r‖s). */
  signature: Uint8Array;
  /** The agent release, e.g. "0.1.0" (becomes `appVersion`). */
  agentVersion: string;
}

export function buildLoginToken({ certificate, algorithm, signature, agentVersion }: BuildLoginTokenInput): LoginToken {
  return {
    unverifiedCertificate: bytesToBase64(certificate),
    algorithm,
    signature: bytesToBase64(signature),
    format: LOGIN_TOKEN_FORMAT,
    appVersion: appVersionOf(agentVersion),
  };
}

/** Decodes the certificate and signature of a token already checked by LoginTokenSchema. */
export function tokenBytes(
  token: LoginToken,
): { certificate: Uint8Array<ArrayBuffer>; signature: Uint8Array<ArrayBuffer> } | undefined {
  const certificate = base64ToBytes(token.unverifiedCertificate);
  const signature = base64ToBytes(token.signature);
  return certificate && signature ? { certificate, signature } : undefined;
}
