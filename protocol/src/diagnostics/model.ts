/**
 * The shapes of a diagnostics run (issue 10), shared by the agent (`cps-bridge diagnose`, `diagnostics.run`) and the
 * extension (diagnostics page, report viewer). Each is a valibot schema validated at both ends, its type beside it.
 * Field names are part of the wire contract.
 */
import * as v from "valibot";

/** Stable ids. APPEND ONLY, never reorder: the support code encodes results by index in this list. */
export const CHECK_IDS = [
  // agent side, in dependency order
  "agent.running",
  "pcsc.service",
  "readers.visible",
  "readers.usb",
  "card.present",
  "card.type",
  "cert.validity",
  "cert.chain",
  "cert.revocation",
  "pin.status",
  "middleware.installed",
  "middleware.version",
  "middleware.cache",
  "middleware.registered",
  "middleware.token",
  "clock.skew",
  "portal.reachable",
  // browser side (extension)
  "agent.reachable",
  "agent.version",
  "agent.pairing",
  "browser.version",
  "browser.extension",
  "browser.site-access",
  "portal.tls-client-auth",
] as const;
export const CheckIdSchema = v.picklist(CHECK_IDS);
export type CheckId = (typeof CHECK_IDS)[number];

export const VERDICTS = ["ok", "warning", "failed", "skipped"] as const;
export const VerdictSchema = v.picklist(VERDICTS);
export type Verdict = (typeof VERDICTS)[number];

export const FactSchema = v.union([
  v.string(),
  v.number(),
  v.boolean(),
  v.null(),
  v.pipe(v.array(v.string()), v.readonly()),
]);
export type Fact = string | number | boolean | null | readonly string[];

export const FixOfferSchema = v.object({
  /** "middleware.register" | "middleware.clear-cache" | "agent.restart" | "agent.repair" | … */
  id: v.string(),
  /** e.g. the NSS database or Firefox profile the fix applies to */
  target: v.optional(v.string()),
  /** true: cps-bridge cannot do it; `steps` says the exact command or steps, per OS */
  needsAdmin: v.boolean(),
  steps: v.optional(v.string()),
  /** e.g. "Redémarrez Firefox" */
  afterFr: v.optional(v.string()),
  afterEn: v.optional(v.string()),
});
export interface FixOffer {
  id: "middleware.register" | "middleware.clear-cache" | "agent.restart" | "agent.repair" | (string & {});
  target?: string;
  needsAdmin: boolean;
  steps?: string;
  afterFr?: string;
  afterEn?: string;
}

export const ParamsSchema = v.record(v.string(), v.union([v.string(), v.number()]));

export const CheckResultSchema = v.object({
  id: CheckIdSchema,
  side: v.picklist(["agent", "browser"]),
  verdict: VerdictSchema,
  /** DIAG_* code (protocol/src/diagnostics/codes.ts) giving the French/English sentence + remedy; for ok too */
  code: v.string(),
  /** values substituted into the code's texts ({reader}, {days}, …) — never a PIN, never an OTP */
  params: v.optional(ParamsSchema),
  /** the id of the check whose failure made this one skipped */
  skippedBecause: v.optional(CheckIdSchema),
  /** a failed check that stops the login (the first blocking failure is shown on top) */
  blocking: v.boolean(),
  facts: v.record(v.string(), FactSchema),
  fixes: v.optional(v.array(FixOfferSchema)),
  durationMs: v.number(),
});
export interface CheckResult {
  id: CheckId;
  side: "agent" | "browser";
  verdict: Verdict;
  code: string;
  params?: Record<string, string | number>;
  skippedBecause?: CheckId;
  blocking: boolean;
  facts: Record<string, Fact>;
  fixes?: FixOffer[];
  durationMs: number;
}

/** What one check returns, agent or browser side; the runners turn it into a CheckResult with `resultOf`. */
export interface CheckOutcome {
  verdict: "ok" | "warning" | "failed";
  code: string;
  params?: Record<string, string | number>;
  facts: Record<string, Fact>;
  fixes?: FixOffer[];
  /** Default: true for failed (the login cannot work), false otherwise. */
  blocking?: boolean;
}

type Side = CheckResult["side"];

export function resultOf(id: CheckId, side: Side, o: CheckOutcome, durationMs: number): CheckResult {
  return {
    id,
    side,
    verdict: o.verdict,
    code: o.code,
    ...(o.params ? { params: o.params } : {}),
    blocking: o.blocking ?? o.verdict === "failed",
    facts: o.facts,
    ...(o.fixes?.length ? { fixes: o.fixes } : {}),
    durationMs,
  };
}

/** A check not run because `because` failed or was not run itself (DIAG_SKIPPED). */
export function skippedResult(id: CheckId, side: Side, because: CheckId): CheckResult {
  return {
    id,
    side,
    verdict: "skipped",
    code: "DIAG_SKIPPED",
    params: { dependency: because },
    skippedBecause: because,
    blocking: false,
    facts: {},
    durationMs: 0,
  };
}

/** A check that threw: failed, not blocking (DIAG_CHECK_CRASHED), the message cut to 200 characters. */
export function crashedResult(id: CheckId, side: Side, detail: string, durationMs: number): CheckResult {
  return {
    id,
    side,
    verdict: "failed",
    code: "DIAG_CHECK_CRASHED",
    params: { detail: detail.slice(0, 200) },
    blocking: false,
    facts: {},
    durationMs,
  };
}

/** A dependency that lets its dependents run. */
export const passes = (r: CheckResult | undefined): boolean => r?.verdict === "ok" || r?.verdict === "warning";

/** The agent's answer to `diagnostics.run`. */
export const DiagnosticsRunResultSchema = v.object({
  results: v.array(CheckResultSchema),
  agentVersion: v.string(),
  /** "linux" | "win32" | "darwin" | … (Node's process.platform) */
  os: v.string(),
  /** ISO 8601 */
  startedAt: v.string(),
  totalMs: v.number(),
});
export type DiagnosticsRunResult = v.InferOutput<typeof DiagnosticsRunResultSchema>;

/** Checks in CHECK_IDS order (the order the page and the report show them). */
export function sortResults<T extends { id: CheckId }>(results: readonly T[]): T[] {
  return [...results].sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id));
}

/** The first blocking failure in CHECK_IDS order (what the page and the CLI show on top), if any. */
export function firstBlocking<T extends CheckResult>(results: readonly T[]): T | undefined {
  return sortResults(results).find((r) => r.verdict === "failed" && r.blocking);
}
