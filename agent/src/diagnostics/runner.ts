/**
 * Runs agent checks in dependency order: every check starts as soon as all its dependencies are done (independent
 * ones run concurrently), a check whose dependency failed or was skipped is recorded `skipped` with the first such
 * dependency, opt-in checks run only when asked, and a check that throws is recorded failed (DIAG_CHECK_CRASHED)
 * without stopping the others. Each result is handed to `onResult` the moment it is known (live progress).
 */
import type { CheckId, CheckResult } from "@cps-bridge/protocol/diagnostics/model";
import { crashedResult, passes, resultOf, skippedResult, sortResults } from "@cps-bridge/protocol/diagnostics/model";
import type { AgentCheck } from "./check";
import type { DiagContext } from "./context";

export interface RunOptions {
  /** Only these checks (and nothing else; their missing dependencies count as ok). Default: all. */
  only?: readonly CheckId[];
  /** Opt-in checks the doctor asked for (cert.revocation). */
  optIn?: readonly CheckId[];
  onResult?: (r: CheckResult) => void;
}

export async function runChecks(
  checks: readonly AgentCheck[],
  ctx: DiagContext,
  options: RunOptions = {},
): Promise<CheckResult[]> {
  const selected = checks.filter(
    (c) => (options.only ? options.only.includes(c.id) : true) && (!c.optIn || (options.optIn ?? []).includes(c.id)),
  );
  const ids = new Set(selected.map((c) => c.id));
  const done = new Map<CheckId, CheckResult>();
  const running = new Map<CheckId, Promise<CheckResult>>();

  const runOne = (check: AgentCheck): Promise<CheckResult> => {
    const existing = running.get(check.id);
    if (existing) return existing;
    const p = (async () => {
      const deps = check.dependsOn.filter((d) => ids.has(d));
      const depResults = await Promise.all(deps.map((d) => runOne(selected.find((c) => c.id === d)!)));
      const t0 = performance.now();
      const bad = depResults.find((r) => !passes(r));
      let result: CheckResult;
      if (bad) {
        result = skippedResult(check.id, "agent", bad.id);
      } else {
        try {
          result = resultOf(check.id, "agent", await check.run(ctx, done), round(performance.now() - t0));
        } catch (e) {
          ctx.log.error({ err: e, check: check.id }, "diagnostics.check-crashed");
          const detail = `${check.id}: ${(e as Error)?.message ?? String(e)}`;
          result = crashedResult(check.id, "agent", detail, round(performance.now() - t0));
        }
      }
      done.set(check.id, result);
      options.onResult?.(result);
      return result;
    })();
    running.set(check.id, p);
    return p;
  };

  await Promise.all(selected.map(runOne));
  return sortResults([...done.values()]);
}

const round = (ms: number) => Math.round(ms * 100) / 100;
