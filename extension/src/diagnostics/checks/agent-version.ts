/**
 * agent.version: the agent's protocol and release (from its `hello`) are compatible with the extension's
 * (checkCompatibility, protocol/src/version.ts: same major, agent release ≥ MIN_AGENT_RELEASE); else says which side
 * to update and how. Depends on agent.reachable (skipped when unreachable).
 */
import { checkCompatibility, MIN_AGENT_RELEASE } from "@cps-bridge/protocol/version";
import type { BrowserCheck } from "../check";
import "../codes";

export const agentVersion: BrowserCheck = {
  id: "agent.version",
  dependsOn: ["agent.reachable"],
  codes: ["DIAG_AGENT_VERSION_OK", "DIAG_AGENT_VERSION_UPDATE_AGENT", "DIAG_AGENT_VERSION_UPDATE_EXTENSION"],
  async run(ctx) {
    const hello = ctx.agentHello;
    if (!hello?.ok) throw new Error("agent.version ran without an agent hello");
    const releases = hello.agentVersion !== undefined ? { agent: hello.agentVersion } : {};
    const c = checkCompatibility(hello.protocolVersion, ctx.extensionProtocol, releases);
    const params = {
      agentVersion: (hello.agentVersion ?? "?").slice(0, 32),
      minAgentVersion: MIN_AGENT_RELEASE,
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
