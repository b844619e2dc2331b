/** agent.running: a cps-bridge agent runs for this user (what the extension needs). */
import type { AgentCheck, CheckOutcome } from "../check";

export const agentRunning: AgentCheck = {
  id: "agent.running",
  dependsOn: [],
  codes: ["DIAG_AGENT_RUNNING", "DIAG_AGENT_NOT_RUNNING"],
  summary: "A cps-bridge agent is running for this user (its instance lock and state file).",
  async run(ctx): Promise<CheckOutcome> {
    const info = await ctx.agentRunning();
    if (!info.running) return { verdict: "warning", code: "DIAG_AGENT_NOT_RUNNING", facts: { running: false } };
    return {
      verdict: "ok",
      code: "DIAG_AGENT_RUNNING",
      params: { port: info.port ?? "?" },
      facts: { running: true, port: info.port ?? null, version: ctx.agentVersion },
    };
  },
};
