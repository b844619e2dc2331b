/**
 * What the agent says about a card's authentication certificate (cps-card.md §3): validity window (expired, not yet
 * valid, expiring within 30 days — protocol/src/certificate-summary.ts) and the chain verdict:
 *
 *  - `test`: chains, signature by signature, to a test-bench root — only when the agent runs in test mode
 *    (`CPS_BRIDGE_TEST_MODE=1` or an explicit option) and was given the test anchors (a PEM file, usually
 *    `loadTestPki().anchorsPath`, or `--test-anchors <pem>`);
 *  - `production`: issued by an IGC-Santé CA (cps-card.md §3.1). When a CA certificate is available (on the card,
 *    in Cryptolib's "Coffre" directory, or given to the agent) it must be one of the IGC-Santé certificates by its
 *    SHA-1 fingerprint and must verify the card certificate's signature. When none is available the verdict rests on
 *    the issuer DN matching an IGC-Santé intermediate exactly: a diagnostic for the doctor, not a trust decision —
 *    portals decide with `verifyLoginToken` and real anchors;
 *  - `untrusted`: anything else (including a test card when the agent is not in test mode: the test CAs are named
 *    "TEST AC …", never an IGC-Santé name).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { certificateSummary } from "@cps-bridge/protocol/certificate-summary";
import { IGC_SANTE_CAS, IGC_SANTE_DN_PREFIX, type IgcSanteCa, igcSanteCaOf } from "@cps-bridge/protocol/igc-sante";
import type { CertificateSummary, ChainVerdict } from "@cps-bridge/protocol/model";
import { cryptoProvider, Name, PemConverter, X509Certificate, X509ChainBuilder } from "@cps-bridge/protocol/x509";

cryptoProvider.set(globalThis.crypto);

export interface TrustOptions {
  /** Test mode: test-bench anchors are accepted (verdict `test`). */
  testMode: boolean;
  /** Test-bench anchors (root, and intermediate if given); ignored unless testMode. */
  testAnchors?: readonly X509Certificate[];
  /** CA certificates that may complete a chain: found on the card, in Cryptolib's store, given by the user. */
  caCertificates?: readonly X509Certificate[];
  /** The IGC-Santé reference data (names and SHA-1 fingerprints; default protocol/src/igc-sante.ts). */
  igcSante?: readonly IgcSanteCa[];
}

export interface ChainResult {
  verdict: ChainVerdict;
  /** How the verdict was reached (CLI detail, logs). */
  reason:
    | "test-chain"
    | "igc-sante-verified"
    | "igc-sante-issuer-name"
    | "test-card-outside-test-mode"
    | "unknown-issuer"
    | "bad-signature";
}

const sha1 = (der: ArrayBuffer) => createHash("sha1").update(new Uint8Array(der)).digest("hex");

/** Canonical DN text for comparisons: x509's RFC 4514 string of the DER Name. */
const dn = (name: Name | string) => (typeof name === "string" ? new Name(name) : name).toString();

async function signedBy(cert: X509Certificate, issuer: X509Certificate): Promise<boolean> {
  if (dn(cert.issuerName) !== dn(issuer.subjectName)) return false;
  return cert.verify({ publicKey: issuer, signatureOnly: true }).catch(() => false);
}

/** Does `cert` chain, link by link, to one of `anchors` (through `helpers` if needed)? */
async function chainsTo(
  cert: X509Certificate,
  anchors: readonly X509Certificate[],
  helpers: readonly X509Certificate[],
): Promise<boolean> {
  if (anchors.length === 0) return false;
  let chain: X509Certificate[];
  try {
    chain = Array.from(await new X509ChainBuilder({ certificates: [...anchors, ...helpers] }).build(cert));
  } catch {
    return false;
  }
  const anchorFps = new Set(anchors.map((a) => sha1(a.rawData)));
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!(await signedBy(chain[i]!, chain[i + 1]!))) return false;
    if (anchorFps.has(sha1(chain[i + 1]!.rawData))) return true;
  }
  return false;
}

export async function chainVerdict(cert: X509Certificate, options: TrustOptions): Promise<ChainResult> {
  const cas = options.caCertificates ?? [];
  const reference = options.igcSante ?? IGC_SANTE_CAS;
  if (options.testMode && options.testAnchors?.length) {
    if (await chainsTo(cert, options.testAnchors, cas)) return { verdict: "test", reason: "test-chain" };
  }
  const issuerDn = dn(cert.issuerName);
  let issuerCa: X509Certificate | undefined;
  for (const c of cas) {
    if (dn(c.subjectName) === issuerDn && (await igcSanteCaOf(c, reference))) {
      issuerCa = c;
      break;
    }
  }
  if (issuerCa) {
    return (await signedBy(cert, issuerCa))
      ? { verdict: "production", reason: "igc-sante-verified" }
      : { verdict: "untrusted", reason: "bad-signature" };
  }
  const issuerCn = cert.issuerName.getField("2.5.4.3")[0] ?? "";
  const issuerIsIgc = reference.some(
    (r) => r.kind === "intermediate" && issuerDn === dn(`${IGC_SANTE_DN_PREFIX}, CN=${r.commonName}`),
  );
  if (issuerIsIgc) return { verdict: "production", reason: "igc-sante-issuer-name" };
  const looksTest = /^TEST /i.test(issuerCn);
  return { verdict: "untrusted", reason: looksTest ? "test-card-outside-test-mode" : "unknown-issuer" };
}

/** Certificate summary (model.ts) with the chain verdict; `now` for tests. */
export async function summarise(
  cert: X509Certificate,
  trust: TrustOptions,
  now: Date = new Date(),
): Promise<{ summary: CertificateSummary; chain: ChainResult }> {
  const chain = await chainVerdict(cert, trust);
  return { summary: await certificateSummary(cert, { chain: chain.verdict, now }), chain };
}

// ─────────────────────────────── loading anchors ───────────────────────────────

/** Every certificate of a PEM bundle (or a single DER file). Throws on unreadable input. */
export function readCertificates(path: string): X509Certificate[] {
  const bytes = readFileSync(path);
  const text = bytes.toString("latin1");
  if (text.includes("-----BEGIN")) return PemConverter.decode(text).map((der) => new X509Certificate(der));
  return [new X509Certificate(new Uint8Array(bytes))];
}

/**
 * Cryptolib CPS's CA store (cps-card.md §4.1): `/etc/opt/santesocial/CPS/Coffre/*.cer` on Linux,
 * `%ALLUSERSPROFILE%\santesocial\cps\coffre` on Windows. [U] the macOS location is not documented. Unreadable files
 * are skipped: this only helps the `production` verdict.
 */
export function cryptolibCaCertificates(env: NodeJS.ProcessEnv = process.env): X509Certificate[] {
  const dirs = ["/etc/opt/santesocial/CPS/Coffre"];
  if (env.ALLUSERSPROFILE) dirs.push(join(env.ALLUSERSPROFILE, "santesocial", "cps", "coffre"));
  const out: X509Certificate[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (!/\.(cer|crt|pem)$/i.test(f)) continue;
      try {
        out.push(...readCertificates(join(dir, f)));
      } catch {
        // a damaged file in someone else's store is not our failure
      }
    }
  }
  return out;
}

/** `CPS_BRIDGE_TEST_MODE=1` (or `true`) turns test mode on for the agent and its CLI. */
export function testModeFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CPS_BRIDGE_TEST_MODE === "1" || env.CPS_BRIDGE_TEST_MODE === "true";
}
