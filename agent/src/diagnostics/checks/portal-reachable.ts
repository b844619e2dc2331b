/** portal.reachable: one HTTPS request to the configured portal (4 s); its `Date` header feeds clock.skew. */
import type { AgentCheck, CheckOutcome } from "../check";

export const PORTAL_TIMEOUT_MS = 4000;

export const portalReachable: AgentCheck = {
  id: "portal.reachable",
  dependsOn: [],
  codes: ["DIAG_PORTAL_OK", "DIAG_PORTAL_UNREACHABLE"],
  summary: "The configured portal answers over HTTPS (one request, 4 s timeout); its Date header is kept.",
  async run(ctx): Promise<CheckOutcome> {
    const origin = ctx.portalOrigin;
    if (!origin)
      return {
        verdict: "warning",
        code: "DIAG_PORTAL_UNREACHABLE",
        params: { portal: "?", detail: "no portal configured" },
        facts: {},
        blocking: false,
      };
    const t0 = performance.now();
    try {
      const res = await ctx.fetch(`${origin}/`, {
        method: "GET",
        redirect: "manual",
        signal: AbortSignal.timeout(PORTAL_TIMEOUT_MS),
      });
      await res.body?.cancel().catch(() => {});
      const facts = {
        portal: origin,
        status: res.status,
        serverDate: res.headers.get("date"),
        latencyMs: Math.round(performance.now() - t0),
      };
      if (res.status >= 500)
        return {
          verdict: "failed",
          code: "DIAG_PORTAL_UNREACHABLE",
          params: { portal: origin, detail: `HTTP ${res.status}` },
          facts,
        };
      return { verdict: "ok", code: "DIAG_PORTAL_OK", params: { portal: origin }, facts };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const detail = err.name === "TimeoutError" ? "timeout" : (err.cause?.code ?? err.message);
      return {
        verdict: "failed",
        code: "DIAG_PORTAL_UNREACHABLE",
        params: { portal: origin, detail },
        facts: { portal: origin, error: detail },
      };
    }
  },
};
