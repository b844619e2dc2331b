/** One diagnostics run as the agent and the CLI do it: the registry's checks over a context; and applying a fix. */
import type { CheckResult, DiagnosticsRunResult } from "@cps-bridge/protocol/diagnostics/model";
import type { DiagContext } from "./context";
import { findFix } from "./fixes";
import { AGENT_CHECKS } from "./registry";
import { runChecks } from "./runner";

export async function runDiagnostics(
  ctx: DiagContext,
  options: { revocation?: boolean; onResult?: (r: CheckResult) => void } = {},
): Promise<DiagnosticsRunResult> {
  const startedAt = ctx.now().toISOString();
  const t0 = performance.now();
  const results = await runChecks(AGENT_CHECKS, ctx, {
    ...(options.revocation ? { optIn: ["cert.revocation"] } : {}),
    ...(options.onResult ? { onResult: options.onResult } : {}),
  });
  return {
    results,
    agentVersion: ctx.agentVersion,
    os: ctx.os,
    startedAt,
    totalMs: Math.round(performance.now() - t0),
  };
}

/** Applies a fix then re-runs its check (with its dependencies, so the verdict is the one a full run would give). */
export async function applyFix(
  ctx: DiagContext,
  fixId: string,
  target: string | undefined,
): Promise<{ applied: boolean; steps?: string; result?: CheckResult }> {
  const fix = findFix(fixId);
  if (!fix) return { applied: false, steps: `unknown fix ${fixId}` };
  const outcome = await fix.apply(ctx, target);
  const results = await runChecks(AGENT_CHECKS, ctx, {});
  const result = results.find((r) => r.id === fix.check);
  return { ...outcome, ...(result ? { result } : {}) };
}
