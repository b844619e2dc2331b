/**
 * agent.pairing: this browser is paired with the agent and the agent proved the key pinned at pairing (mutual
 * challenge-response, docs/security.md). Unpaired or untrusted offers the « re-pair » fix (opens the pairing page).
 */
import type { BrowserCheck } from "../check";
import "../codes";

const UNTRUSTED = ["ERR_AGENT_UNTRUSTED", "ERR_AUTH_FAILED"];

export const agentPairing: BrowserCheck = {
  id: "agent.pairing",
  dependsOn: ["agent.reachable"],
  codes: ["DIAG_PAIRING_OK", "DIAG_PAIRING_MISSING", "DIAG_PAIRING_UNTRUSTED", "DIAG_PAIRING_UNCONFIRMED"],
  async run(ctx) {
    const a = ctx.agent;
    if (!a) throw new Error("agent.pairing ran without the agent state");
    const facts = { status: a.status, paired: a.paired, errorCode: a.errorCode ?? null };
    const repair = [{ id: "agent.repair", needsAdmin: false, steps: "cps-bridge pair" }];
    if (a.status === "unpaired" || !a.paired)
      return { verdict: "failed", code: "DIAG_PAIRING_MISSING", facts, fixes: repair };
    if (a.status === "error" && UNTRUSTED.includes(a.errorCode ?? ""))
      return { verdict: "failed", code: "DIAG_PAIRING_UNTRUSTED", facts, fixes: repair };
    if (a.status !== "connected")
      return { verdict: "warning", code: "DIAG_PAIRING_UNCONFIRMED", params: { status: a.status }, facts };
    return { verdict: "ok", code: "DIAG_PAIRING_OK", facts };
  },
};
