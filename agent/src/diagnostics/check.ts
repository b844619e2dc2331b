/**
 * One diagnostics check (issue 10): one file each in checks/, listed in registry.ts. A check reads what it needs from
 * the DiagContext (everything injectable for tests), returns a verdict with a DIAG_* code, the facts it saw and the
 * fixes it can offer; the runner (runner.ts) orders checks by `dependsOn`, runs independent ones concurrently, records
 * `skipped` when a dependency failed, and isolates a check that throws.
 */
import type { DiagCodeDefinition } from "@cps-bridge/protocol/diagnostics/codes";
import type { CheckId, CheckOutcome, CheckResult, Fact, FixOffer } from "@cps-bridge/protocol/diagnostics/model";
import type { DiagContext } from "./context";

export interface AgentCheck {
  id: CheckId;
  /** Run after these; if one of them failed or was skipped, this check is recorded `skipped` (skippedBecause). */
  dependsOn: readonly CheckId[];
  /** Only when the doctor opts in (revocation: a network call to the IGC-Santé CRL). */
  optIn?: boolean;
  /** The DIAG_* codes this check can produce (docs/diagnostics.md lists them per check). */
  codes: readonly string[];
  /** What the check looks at, one sentence (docs/diagnostics.md). */
  summary: string;
  run(ctx: DiagContext, deps: ReadonlyMap<CheckId, CheckResult>): Promise<CheckOutcome>;
}

export type { CheckId, CheckOutcome, CheckResult, DiagCodeDefinition, Fact, FixOffer };
