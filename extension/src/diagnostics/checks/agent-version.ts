/**
 * agent.version: the agent's protocol (from its `hello`) is compatible with the extension's (checkCompatibility,
 * protocol/src/version.ts); else says which side to update. Depends on agent.reachable (skipped when unreachable).
 */
import { checkCompatibility } from "@cps-bridge/protocol/version";
import type { BrowserCheck } from "../check";
import "../codes";

export const agentVersion: BrowserCheck = {
  id: "agent.version",
  dependsOn: ["agent.reachable"],
  codes: ["DIAG_AGENT_VERSION_OK", "DIAG_AGENT_VERSION_UPDATE_AGENT", "DIAG_AGENT_VERSION_UPDATE_EXTENSION"],
  async run(ctx) {
    const hello = ctx.agentHello;
    if (!hello?.ok) throw new Error("agent.version ran without an agent hello");
    const c = checkCompatibility(hello.protocolVersion, ctx.extensionProtocol);
    const params = {
      agentVersion: hello.agentVersion ?? "?",
      agentProtocol: hello.protocolVersion.slice(0, 16),
      extensionProtocol: ctx.extensionProtocol,
    };
    const facts = { ...params };
    if (c.compatible) return { verdict: "ok", code: "DIAG_AGENT_VERSION_OK", params, facts };
    return {
      verdict: "failed",
      code: c.requiresUpdate === "agent" ? "DIAG_AGENT_VERSION_UPDATE_AGENT" : "DIAG_AGENT_VERSION_UPDATE_EXTENSION",
      params,
      facts: { ...facts, requiresUpdate: c.requiresUpdate },
    };
  },
};
