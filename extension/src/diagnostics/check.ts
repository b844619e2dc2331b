/**
 * The browser-side diagnostics checks (issue 10 §1, docs/diagnostics.md): one check per file in `checks/`, run by the
 * extension (diagnostics page / background) and merged with the agent's `diagnostics.run` results in CHECK_IDS order.
 * Same `CheckResult` as the agent's, `side: "browser"`. Everything a check reads comes from `BrowserDiagContext`, so
 * unit tests pass fakes and the page passes the real browser.
 */
import {
  type CheckId,
  type CheckOutcome,
  type CheckResult,
  crashedResult,
  passes,
  resultOf,
  skippedResult,
} from "@cps-bridge/protocol/diagnostics/model";

/** What a browser check may read. Every member is injectable; `realContext()` is not defined here (page wiring). */
export interface BrowserDiagContext {
  /** `navigator.userAgent` */
  userAgent: string;
  /** the extension's manifest version (`browser.runtime.getManifest().version`) */
  extensionVersion: string;
  /** the protocol version the extension speaks (protocol/src/version.ts PROTOCOL_VERSION) */
  extensionProtocol: string;
  /** the agent's `hello` answer, or why it could not be had; undefined when not asked yet */
  agentHello?: { ok: true; protocolVersion: string; agentVersion?: string } | { ok: false; code: string };
  /** the background's view of the agent connection (state store) */
  agent?: { status: string; port: number; paired: boolean; errorCode?: string };
  /** `browser.permissions.contains({ origins })` */
  hasOrigins?: (origins: string[]) => Promise<boolean>;
  /** the portal origins the extension needs (e.g. "https://*.viatrajectoire.fr/*") */
  portalOrigins?: readonly string[];
  now: () => number;
}

/** What a browser check returns: the same shape as an agent check's (protocol). */
export type BrowserCheckOutcome = CheckOutcome;

export interface BrowserCheck {
  id: CheckId;
  /** checks (browser or agent side) that must be ok/warning first, else the result is `skipped` */
  dependsOn: readonly CheckId[];
  /** the DIAG_* codes it can produce (registered with registerDiagCodes in ./codes.ts) */
  codes: readonly string[];
  run(ctx: BrowserDiagContext, deps: ReadonlyMap<CheckId, CheckResult>): Promise<BrowserCheckOutcome>;
}

/** Runs one check: skipped when a dependency is not ok/warning, a thrown error becomes a failed DIAG_CHECK_CRASHED (non-blocking). */
export async function runBrowserCheck(
  check: BrowserCheck,
  ctx: BrowserDiagContext,
  deps: ReadonlyMap<CheckId, CheckResult>,
): Promise<CheckResult> {
  const t0 = ctx.now();
  const bad = check.dependsOn.find((dep) => deps.has(dep) && !passes(deps.get(dep)));
  if (bad) return skippedResult(check.id, "browser", bad);
  try {
    return resultOf(check.id, "browser", await check.run(ctx, deps), Math.max(0, ctx.now() - t0));
  } catch (e) {
    return crashedResult(check.id, "browser", String((e as Error)?.message ?? e), Math.max(0, ctx.now() - t0));
  }
}
