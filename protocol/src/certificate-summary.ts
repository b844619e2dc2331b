/**
 * The `CertificateSummary` (model.ts) of a card certificate: names, dates, validity window, fingerprint. The chain
 * verdict is decided by the agent (it knows whether it runs in test mode and which anchors it trusts) and passed in,
 * so this file stays free of trust policy. Pure webcrypto: bundled by the extension too.
 */
import type { CertificateSummary, ChainVerdict } from "./model";
import type { X509Certificate } from "./x509";

/** A certificate that ends within this many days is reported as `expiring`. */
export const EXPIRING_SOON_DAYS = 30;
const DAY_MS = 86_400_000;

export type CertificateValidity = CertificateSummary["validity"];

/** Validity of `cert` at `now`, and whole days left until notAfter (negative once expired). */
export function certificateValidity(
  cert: Pick<X509Certificate, "notBefore" | "notAfter">,
  now: Date = new Date(),
): { validity: CertificateValidity; daysLeft: number } {
  const t = now.getTime();
  const daysLeft = Math.floor((cert.notAfter.getTime() - t) / DAY_MS);
  if (t < cert.notBefore.getTime()) return { validity: "not-yet-valid", daysLeft };
  if (t > cert.notAfter.getTime()) return { validity: "expired", daysLeft };
  return { validity: daysLeft < EXPIRING_SOON_DAYS ? "expiring" : "valid", daysLeft };
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface CertificateSummaryOptions {
  /** The agent's verdict on the chain (production IGC-Santé, test bench PKI, or untrusted). */
  chain: ChainVerdict;
  now?: Date;
}

export async function certificateSummary(
  cert: X509Certificate,
  { chain, now = new Date() }: CertificateSummaryOptions,
): Promise<CertificateSummary> {
  const { validity, daysLeft } = certificateValidity(cert, now);
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    validity,
    daysLeft,
    chain,
    fingerprint: hex(await crypto.subtle.digest("SHA-256", cert.rawData)),
  };
}
