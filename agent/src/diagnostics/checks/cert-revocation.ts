/**
 * cert.revocation (opt-in: a network call): is the certificate's serial in its issuer's CRL? The CRL URLs come from
 * the run's options (test mode: the test PKI's CRL served on 127.0.0.1) or, in production, the IGC-Santé CRL list
 * below. Only CRLs whose issuer is the certificate's issuer count, and only while current (nextUpdate).
 */
import * as x509 from "@cps-bridge/protocol/x509";
import type { AgentCheck, CheckOutcome } from "../check";
import { pickCard } from "./card-present";

/** IGC-Santé CRLs (cps-card.md §3.1 [C] for the roots' ACR-*.crl; the end-entity CAs' CRLs are published beside
 * them under names that are [U] here — the check only uses a CRL whose issuer matches, so a wrong URL gives
 * "unavailable", never a false verdict). */
export const IGC_SANTE_CRL_URLS = [
  "http://igc-sante.esante.gouv.fr/CRL/ACI-FO-PP.crl",
  "http://igc-sante.esante.gouv.fr/CRL/ACI-EL-PP.crl",
  "http://igc-sante.esante.gouv.fr/CRL/ACR-FO.crl",
  "http://igc-sante.esante.gouv.fr/CRL/ACR-EL.crl",
];

const normSerial = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^0-9a-f]/g, "")
    .replace(/^0+/, "");
const normDn = (s: string) => s.replace(/\s*,\s*/g, ",").toLowerCase();

export const certRevocation: AgentCheck = {
  id: "cert.revocation",
  dependsOn: ["card.type"],
  optIn: true,
  codes: ["DIAG_REVOCATION_OK", "DIAG_CERT_REVOKED", "DIAG_REVOCATION_UNAVAILABLE"],
  summary: "Only when the doctor opts in: the certificate's serial is not in its issuer's CRL.",
  async run(ctx): Promise<CheckOutcome> {
    const cert = (await pickCard(ctx))?.certificate;
    if (!cert)
      return {
        verdict: "warning",
        code: "DIAG_REVOCATION_UNAVAILABLE",
        params: { detail: "no certificate" },
        facts: {},
      };
    const urls = ctx.revocation.crlUrls ?? IGC_SANTE_CRL_URLS;
    const errors: string[] = [];
    for (const url of urls) {
      try {
        const res = await ctx.fetch(url, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const crl = new x509.X509Crl(new Uint8Array(await res.arrayBuffer()));
        if (normDn(crl.issuer) !== normDn(cert.issuer)) continue;
        if (crl.nextUpdate && crl.nextUpdate.getTime() < ctx.now().getTime()) throw new Error("CRL out of date");
        const entry = crl.entries.find((e) => normSerial(e.serialNumber) === normSerial(cert.serialNumber));
        const facts = { crl: url, thisUpdate: crl.thisUpdate.toISOString(), entries: crl.entries.length };
        if (entry)
          return {
            verdict: "failed",
            code: "DIAG_CERT_REVOKED",
            params: { revokedAt: entry.revocationDate.toISOString().slice(0, 10) },
            facts: { ...facts, revokedAt: entry.revocationDate.toISOString() },
          };
        return {
          verdict: "ok",
          code: "DIAG_REVOCATION_OK",
          params: { thisUpdate: facts.thisUpdate.slice(0, 10) },
          facts,
        };
      } catch (e) {
        errors.push(`${url}: ${(e as Error).message}`);
      }
    }
    return {
      verdict: "warning",
      code: "DIAG_REVOCATION_UNAVAILABLE",
      params: { detail: errors.length ? errors[0]!.slice(0, 120) : "no CRL of the issuer" },
      facts: { tried: [...urls] },
    };
  },
};
