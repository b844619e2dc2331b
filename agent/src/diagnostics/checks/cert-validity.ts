/** cert.validity: the authentication certificate's validity window against this computer's clock. */
import type { AgentCheck, CheckOutcome } from "../check";
import { pickCard } from "./card-present";

export const certValidity: AgentCheck = {
  id: "cert.validity",
  dependsOn: ["card.type"],
  codes: ["DIAG_CERT_VALID", "DIAG_CERT_EXPIRING", "DIAG_CERT_EXPIRED", "DIAG_CERT_NOT_YET_VALID"],
  summary: "The card's authentication certificate is within its validity dates (warning 30 days before the end).",
  async run(ctx): Promise<CheckOutcome> {
    const c = (await pickCard(ctx))?.certificate;
    if (!c) return { verdict: "failed", code: "DIAG_CARD_UNREADABLE", params: { error: "no certificate" }, facts: {} };
    const params = { notBefore: c.notBefore.slice(0, 10), notAfter: c.notAfter.slice(0, 10), days: c.daysLeft };
    const facts = { notBefore: c.notBefore, notAfter: c.notAfter, daysLeft: c.daysLeft, validity: c.validity };
    switch (c.validity) {
      case "expired":
        return { verdict: "failed", code: "DIAG_CERT_EXPIRED", params, facts };
      case "not-yet-valid":
        return { verdict: "failed", code: "DIAG_CERT_NOT_YET_VALID", params, facts };
      case "expiring":
        return { verdict: "warning", code: "DIAG_CERT_EXPIRING", params, facts };
      default:
        return { verdict: "ok", code: "DIAG_CERT_VALID", params, facts };
    }
  },
};
