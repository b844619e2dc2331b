/** cert.chain: the certificate chains to IGC-Santé (or, in test mode only, to the test bench PKI). */
import type { AgentCheck, CheckOutcome } from "../check";
import { pickCard } from "./card-present";

const cn = (dn: string) => /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;

export const certChain: AgentCheck = {
  id: "cert.chain",
  dependsOn: ["card.type"],
  codes: ["DIAG_CERT_CHAIN_OK", "DIAG_CERT_CHAIN_TEST", "DIAG_CERT_UNTRUSTED"],
  summary: "The authentication certificate chains to an IGC-Santé anchor (test PKI only in test mode).",
  async run(ctx): Promise<CheckOutcome> {
    const c = (await pickCard(ctx))?.certificate;
    if (!c) return { verdict: "failed", code: "DIAG_CARD_UNREADABLE", params: { error: "no certificate" }, facts: {} };
    const params = { issuer: cn(c.issuer) };
    const facts = { issuer: c.issuer, chain: c.chain, fingerprint: c.fingerprint };
    if (c.chain === "production") return { verdict: "ok", code: "DIAG_CERT_CHAIN_OK", params, facts };
    if (c.chain === "test" && ctx.testMode) return { verdict: "ok", code: "DIAG_CERT_CHAIN_TEST", params, facts };
    return { verdict: "failed", code: "DIAG_CERT_UNTRUSTED", params, facts };
  },
};
