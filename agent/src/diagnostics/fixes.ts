/**
 * One-click fixes a check may offer (FixOffer.id), applied only on the doctor's explicit request
 * (`diagnostics.fix` from the extension page, `cps-bridge diagnose --fix <id> [--target …]` from the CLI); after a fix
 * its check is re-run. A fix that needs admin rights is never applied: its steps are returned instead.
 */
import type { CheckId } from "@cps-bridge/protocol/diagnostics/model";
import type { DiagContext } from "./context";

export interface FixOutcome {
  applied: boolean;
  /** What the doctor (or the support desk) must do by hand when not applied, or after (restart the browser). */
  steps?: string;
}

export interface AgentFix {
  id: string;
  /** The check to re-run afterwards. */
  check: CheckId;
  apply(ctx: DiagContext, target: string | undefined): Promise<FixOutcome>;
}

const FIXES = new Map<string, AgentFix>();

export function registerFix(fix: AgentFix): void {
  FIXES.set(fix.id, fix);
}

export function findFix(id: string): AgentFix | undefined {
  return FIXES.get(id);
}
