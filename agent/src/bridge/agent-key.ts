/**
 * The agent's own identity: one ECDSA P-256 key pair, created on first start and kept in the per-user config
 * directory (mode 0600, atomic write). Its public key is returned by `pair.complete` and pinned by the extension;
 * every later connection the agent proves possession of it (auth.challenge), so another program squatting the port
 * — another user's agent on a terminal server, malware — is detected as ERR_AGENT_UNTRUSTED (anchors.md §(a)).
 *
 * Signatures use the IEEE P1363 encoding (r ‖ s, 64 bytes), the one WebCrypto produces and verifies, so the
 * extension checks them with `crypto.subtle.verify` without any DER handling.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import * as v from "valibot";
import { readFileIfExists, writePrivateFileAtomic } from "./secure-file";

export interface AgentKey {
  /** SubjectPublicKeyInfo DER of the P-256 public key. */
  readonly publicKeySpki: Uint8Array<ArrayBuffer>;
  /** Uncompressed point 04 ‖ X ‖ Y (65 bytes), the WebCrypto "raw" format. */
  readonly publicKeyRaw: Uint8Array<ArrayBuffer>;
  readonly createdAt: string;
  /** ECDSA-SHA256 over `data`, P1363 encoding. */
  sign(data: Uint8Array): Uint8Array<ArrayBuffer>;
}

const KeyFileSchema = v.object({
  version: v.literal(1),
  createdAt: v.string(),
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: v.string(),
});

function fromPrivate(privateKey: KeyObject, createdAt: string): AgentKey {
  const details = privateKey.asymmetricKeyDetails;
  if (privateKey.asymmetricKeyType !== "ec" || details?.namedCurve !== "prime256v1") {
    throw new Error("agent key is not an EC P-256 key");
  }
  const pub = createPublicKey(privateKey);
  const spki = new Uint8Array(pub.export({ type: "spki", format: "der" }));
  const jwk = pub.export({ format: "jwk" });
  const raw = new Uint8Array(65);
  raw[0] = 4;
  raw.set(Buffer.from(jwk.x!, "base64url"), 1);
  raw.set(Buffer.from(jwk.y!, "base64url"), 33);
  return {
    publicKeySpki: spki,
    publicKeyRaw: raw,
    createdAt,
    sign: (data) => new Uint8Array(sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" })),
  };
}

/** Loads the agent key, creating it (0600) on first use. A corrupt key file is an error, never silently replaced:
 * replacing it would break every pairing, and the user must know why (docs/agent.md "Resetting the agent key"). */
export function loadOrCreateAgentKey(path: string, now: () => Date = () => new Date()): AgentKey {
  const text = readFileIfExists(path);
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`agent key file ${path} is not valid JSON`);
    }
    const r = v.safeParse(KeyFileSchema, parsed);
    if (!r.success) throw new Error(`agent key file ${path} is invalid`);
    return fromPrivate(createPrivateKey({ key: r.output.privateKeyPem, format: "pem" }), r.output.createdAt);
  }
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const createdAt = now().toISOString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  writePrivateFileAtomic(path, `${JSON.stringify({ version: 1, createdAt, privateKeyPem }, null, 2)}\n`);
  return fromPrivate(privateKey, createdAt);
}
