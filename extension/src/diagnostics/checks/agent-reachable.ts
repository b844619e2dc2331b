/**
 * agent.reachable: the extension's WebSocket to the cps-bridge agent on 127.0.0.1 answers (the store's agent status).
 * Unreachable is blocking: without the agent no card can be read. The agent cannot be started from a browser, so
 * the remedy is the exact command (docs/agent.md).
 */
import type { BrowserCheck } from "../check";
import "../codes";

export const agentReachable: BrowserCheck = {
  id: "agent.reachable",
  dependsOn: [],
  codes: ["DIAG_AGENT_REACHABLE", "DIAG_AGENT_UNREACHABLE"],
  async run(ctx) {
    const a = ctx.agent;
    if (!a) throw new Error("agent.reachable ran without the agent state");
    const facts = { status: a.status, port: a.port, errorCode: a.errorCode ?? null };
    if (a.status === "unavailable" || a.status === "connecting")
      return {
        verdict: "failed",
        code: "DIAG_AGENT_UNREACHABLE",
        params: { port: a.port },
        facts,
        fixes: [
          {
            id: "agent.restart",
            needsAdmin: true,
            steps: "cps-bridge start",
          },
        ],
      };
    return { verdict: "ok", code: "DIAG_AGENT_REACHABLE", params: { port: a.port }, facts };
  },
};
