/**
 * clock.skew: this computer's clock against the portal's HTTP `Date` (seconds resolution, so ±1 s is noise).
 * Certificate dates and the 10-minute OTP window depend on it. [U] no source gives the Cryptolib's tolerance
 * (cps-card.md §5.3 "clock skew"): warning from 2 minutes, failed from one hour.
 */
import type { AgentCheck, CheckOutcome } from "../check";

export const SKEW_WARNING_S = 120;
export const SKEW_FAILED_S = 3600;

export const clockSkew: AgentCheck = {
  id: "clock.skew",
  dependsOn: ["portal.reachable"],
  codes: ["DIAG_CLOCK_OK", "DIAG_CLOCK_SKEW", "DIAG_CLOCK_WRONG"],
  summary: "This computer's clock is within 2 minutes of the portal's HTTP Date (failed from one hour).",
  async run(ctx, deps): Promise<CheckOutcome> {
    const date = deps.get("portal.reachable")?.facts.serverDate;
    const server = typeof date === "string" ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(server))
      return {
        verdict: "warning",
        code: "DIAG_CLOCK_SKEW",
        params: { minutes: "?" },
        facts: { serverDate: null },
        blocking: false,
      };
    const skewS = Math.round((ctx.now().getTime() - server) / 1000);
    const facts = { serverDate: date as string, localDate: ctx.now().toISOString(), skewSeconds: skewS };
    const minutes = Math.round(Math.abs(skewS) / 60);
    if (Math.abs(skewS) >= SKEW_FAILED_S)
      return { verdict: "failed", code: "DIAG_CLOCK_WRONG", params: { minutes }, facts };
    if (Math.abs(skewS) >= SKEW_WARNING_S)
      return { verdict: "warning", code: "DIAG_CLOCK_SKEW", params: { minutes }, facts };
    return { verdict: "ok", code: "DIAG_CLOCK_OK", params: { skew: skewS }, facts };
  },
};
