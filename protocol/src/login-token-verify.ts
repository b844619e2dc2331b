/**
 * `verifyLoginToken`: what a portal's Node server runs on a cps-bridge login token (Web eID's validator pattern,
 * shared/research/anchors.md §1.3): bound and parse the token, rebuild the signed data from the server's *own*
 * origin and the nonce it stored for this session, check the certificate (dates, keyUsage, chain to the configured
 * trust anchors) and the signature, and return the holder. Only WebCrypto and @peculiar/x509: no Node-only import.
 *
 * Not checked here (say so to portal integrators): revocation (CRL/OCSP of IGC-Santé, cps-card.md §3.1) and the
 * single use of the nonce — the server must delete the session nonce before calling this, whatever the outcome.
 */
import * as v from "valibot";
import { bufferSource } from "./base64";
import { BridgeError } from "./errors";
import { holderFromCertificate } from "./holder";
import { TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH } from "./limits";
import {
  hashOf,
  type LoginToken,
  LoginTokenSchema,
  normaliseOrigin,
  signedData,
  TOKEN_ALGORITHMS,
  type TokenAlgorithm,
  tokenBytes,
  validateChallengeNonce,
} from "./login-token-format";
import type { Holder } from "./model";
import { KeyUsageFlags, X509Certificate, X509ChainBuilder } from "./x509";

/** A certificate as an object, PEM / base64 text, or DER bytes. */
export type CertificateInput = X509Certificate | string | BufferSource;

export interface VerifyLoginTokenInput {
  /** The token as received: its JSON text, or the parsed object. */
  token: unknown;
  /** The origin this server is served from, e.g. https://trajectoire.sante-ra.fr (never taken from the request). */
  origin: string;
  /** The nonce this server issued for this login attempt and has just removed from the session. */
  nonce: string;
  /** CA certificates to trust: roots and/or intermediates (production: igc-sante.ts; tests: the test-bench PKI). */
  trustAnchors: readonly CertificateInput[];
  /** Untrusted CA certificates that may help build the chain (e.g. intermediates when only roots are anchors). */
  intermediates?: readonly CertificateInput[];
  now?: Date;
  /** Accept an `http://localhost` server origin (tests only). */
  allowHttpLocalhost?: boolean;
  /** Restrict the algorithms accepted (default: every JWA name of TOKEN_ALGORITHMS). */
  algorithms?: readonly TokenAlgorithm[];
}

export interface VerifiedLogin {
  holder: Holder;
  certificate: X509Certificate;
  /** Leaf first, ending with the trust anchor that accepted it. */
  chain: X509Certificate[];
  algorithm: TokenAlgorithm;
  format: string;
}

function malformed(reason: string, message = `Malformed login token: ${reason}`): BridgeError {
  return new BridgeError("ERR_TOKEN_MALFORMED", message, { reason });
}
function certInvalid(reason: string, extra: Record<string, string> = {}): BridgeError {
  return new BridgeError("ERR_TOKEN_CERT_INVALID", `Login token certificate refused: ${reason}`, { reason, ...extra });
}

function toCertificate(input: CertificateInput): X509Certificate {
  return input instanceof X509Certificate ? input : new X509Certificate(input);
}

function parseToken(token: unknown): LoginToken {
  let raw: unknown = token;
  let length: number;
  if (typeof token === "string") {
    length = token.length;
    if (length > TOKEN_MAX_LENGTH) throw malformed("length");
    try {
      raw = JSON.parse(token);
    } catch {
      throw malformed("json");
    }
  } else {
    try {
      length = JSON.stringify(token ?? null).length;
    } catch {
      throw malformed("json");
    }
  }
  if (length < TOKEN_MIN_LENGTH || length > TOKEN_MAX_LENGTH) throw malformed("length");
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw malformed("not an object");
  const format = (raw as Record<string, unknown>).format;
  if (typeof format === "string" && !/^cps-bridge:1(?:\.|$)/.test(format)) throw malformed("format");
  const parsed = v.safeParse(LoginTokenSchema, raw);
  if (!parsed.success) {
    const field = v.getDotPath(parsed.issues[0]) ?? "token";
    throw malformed(
      field === "format" ? "format" : field === "algorithm" ? "algorithm" : "schema",
      `Malformed login token: ${field}`,
    );
  }
  return parsed.output;
}

/** WebCrypto import/verify parameters for a JWA algorithm. */
function webCryptoParams(algorithm: TokenAlgorithm, cert: X509Certificate) {
  const hash = hashOf(algorithm);
  const family = algorithm.slice(0, 2);
  if (family === "RS") {
    return { importParams: { name: "RSASSA-PKCS1-v1_5", hash }, verifyParams: { name: "RSASSA-PKCS1-v1_5" } };
  }
  if (family === "PS") {
    const saltLength = Number(algorithm.slice(2)) / 8;
    return { importParams: { name: "RSA-PSS", hash }, verifyParams: { name: "RSA-PSS", saltLength } };
  }
  const namedCurve = { "256": "P-256", "384": "P-384", "512": "P-521" }[algorithm.slice(2)] as string;
  const keyCurve = (cert.publicKey.algorithm as EcKeyAlgorithm).namedCurve;
  if (keyCurve !== namedCurve)
    throw malformed("key mismatch", "Malformed login token: the algorithm does not fit the certificate key");
  return { importParams: { name: "ECDSA", namedCurve }, verifyParams: { name: "ECDSA", hash } };
}

function isAnchor(cert: X509Certificate, anchors: readonly X509Certificate[]): boolean {
  return anchors.some((a) => a.equal(cert));
}

/** Checks a CA certificate of the path (basicConstraints, keyUsage, dates, path length). */
function checkCa(ca: X509Certificate, intermediatesBelow: number, now: Date): void {
  const bc = ca.getExtension("2.5.29.19") as { ca: boolean; pathLength?: number } | null;
  if (!bc?.ca) throw certInvalid("ca-invalid", { ca: ca.subject });
  if (typeof bc.pathLength === "number" && intermediatesBelow > bc.pathLength) {
    throw certInvalid("ca-invalid", { ca: ca.subject });
  }
  const ku = ca.getExtension("2.5.29.15") as { usages: number } | null;
  if (ku && (ku.usages & KeyUsageFlags.keyCertSign) === 0) throw certInvalid("ca-invalid", { ca: ca.subject });
  if (now < ca.notBefore || now > ca.notAfter) throw certInvalid("ca-expired", { ca: ca.subject });
}

/**
 * Verifies a login token for this server's origin and session nonce. Resolves to the holder and the certificate;
 * rejects with a BridgeError: ERR_TOKEN_MALFORMED, ERR_TOKEN_CERT_INVALID (`details.reason`: expired,
 * not-yet-valid, key-usage, is-ca, chain, ca-invalid, ca-expired, subject, no-trust-anchors),
 * ERR_TOKEN_SIGNATURE_INVALID (wrong origin, wrong/replayed nonce, tampered signature), or ERR_INVALID_ORIGIN /
 * ERR_INVALID_NONCE when the server's own origin or nonce is unusable (a server bug).
 */
export async function verifyLoginToken(input: VerifyLoginTokenInput): Promise<VerifiedLogin> {
  const now = input.now ?? new Date();
  const origin = normaliseOrigin(input.origin, { allowHttpLocalhost: input.allowHttpLocalhost ?? false });
  const nonce = validateChallengeNonce(input.nonce);

  const token = parseToken(input.token);
  const allowed = input.algorithms ?? TOKEN_ALGORITHMS;
  if (!allowed.includes(token.algorithm)) throw malformed("algorithm");
  const bytes = tokenBytes(token);
  if (!bytes) throw malformed("schema");

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(bytes.certificate);
  } catch {
    throw malformed("certificate");
  }

  // Certificate: dates, purpose, then the chain to a configured anchor.
  if (now < cert.notBefore) throw certInvalid("not-yet-valid");
  if (now > cert.notAfter) throw certInvalid("expired");
  // [U] The exact keyUsage bits of CPS authentication certificates are not published (cps-card.md §3.1): require
  // digitalSignature when the extension is present, as Web eID does; its absence means "no restriction" (RFC 5280).
  const ku = cert.getExtension("2.5.29.15") as { usages: number } | null;
  if (ku && (ku.usages & KeyUsageFlags.digitalSignature) === 0) throw certInvalid("key-usage");
  const leafBc = cert.getExtension("2.5.29.19") as { ca: boolean } | null;
  if (leafBc?.ca) throw certInvalid("is-ca");

  let anchors: X509Certificate[];
  let helpers: X509Certificate[];
  try {
    anchors = input.trustAnchors.map(toCertificate);
    helpers = (input.intermediates ?? []).map(toCertificate);
  } catch (cause) {
    throw new BridgeError(
      "ERR_TOKEN_CERT_INVALID",
      "A configured trust anchor does not parse",
      { reason: "no-trust-anchors" },
      { cause },
    );
  }
  if (anchors.length === 0) throw certInvalid("no-trust-anchors");

  let built: X509Certificate[];
  try {
    built = Array.from(await new X509ChainBuilder({ certificates: [...anchors, ...helpers] }).build(cert));
  } catch {
    throw certInvalid("chain");
  }
  // The builder follows names and key ids and checks each signature; stop at the first configured anchor.
  let anchorIndex = -1;
  for (let i = 1; i < built.length; i++) {
    if (isAnchor(built[i]!, anchors)) {
      anchorIndex = i;
      break;
    }
  }
  if (anchorIndex < 0) throw certInvalid("chain");
  const chain = built.slice(0, anchorIndex + 1);
  for (let i = 0; i < anchorIndex; i++) {
    // Re-check every link ourselves rather than rely on the builder's internal choice.
    const ok = await chain[i]!.verify({ publicKey: chain[i + 1]!, signatureOnly: true }).catch(() => false);
    if (!ok) throw certInvalid("chain");
    checkCa(chain[i + 1]!, i, now);
  }

  // Signature over H(origin) ‖ H(nonce), rebuilt from the server's own values.
  const { importParams, verifyParams } = webCryptoParams(token.algorithm, cert);
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("spki", cert.publicKey.rawData, importParams, false, ["verify"]);
  } catch {
    throw malformed("key mismatch", "Malformed login token: the algorithm does not fit the certificate key");
  }
  const data = await signedData(origin, nonce, token.algorithm);
  const valid = await crypto.subtle.verify(verifyParams, key, bufferSource(bytes.signature), data).catch(() => false);
  if (!valid) {
    throw new BridgeError(
      "ERR_TOKEN_SIGNATURE_INVALID",
      "Login token signature does not verify for this origin and nonce",
      {
        reason: "signature",
      },
    );
  }

  let holder: Holder;
  try {
    holder = holderFromCertificate(cert);
  } catch {
    throw certInvalid("subject");
  }
  return { holder, certificate: cert, chain, algorithm: token.algorithm, format: token.format };
}
