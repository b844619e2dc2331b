/**
 * middleware.installed: a PKCS#11 middleware that can read a CPS card is installed — the CPS Cryptolib (files per
 * OS, cps-card.md §4.1), or OpenSC as the stand-in (IAS-ECC "CPx" since 0.22: CPS3 only). An obsolete Cryptolib
 * (cps_pkcs11 names of the 4.x era) alone is reported as such.
 */
import { findModules } from "../../middleware/cryptolib";
import type { AgentCheck, CheckOutcome } from "../check";

export const middlewareInstalled: AgentCheck = {
  id: "middleware.installed",
  dependsOn: [],
  codes: ["DIAG_CRYPTOLIB_OK", "DIAG_OPENSC_ONLY", "DIAG_CRYPTOLIB_OBSOLETE", "DIAG_CRYPTOLIB_MISSING"],
  summary: "The CPS Cryptolib (or OpenSC as a stand-in for CPS3) is installed: its PKCS#11 module files per OS.",
  async run(ctx): Promise<CheckOutcome> {
    const found = await findModules(ctx.fsRoot, ctx.os);
    const facts = { modules: found.map((m) => `${m.kind}: ${m.path}`) };
    const crypto = found.find((m) => m.kind === "cryptolib");
    if (crypto) return { verdict: "ok", code: "DIAG_CRYPTOLIB_OK", params: { module: crypto.path }, facts };
    const opensc = found.find((m) => m.kind === "opensc");
    if (opensc) return { verdict: "warning", code: "DIAG_OPENSC_ONLY", params: { module: opensc.path }, facts };
    if (found.some((m) => m.kind === "cryptolib-obsolete"))
      return { verdict: "failed", code: "DIAG_CRYPTOLIB_OBSOLETE", params: { module: found[0]!.path }, facts };
    return { verdict: "failed", code: "DIAG_CRYPTOLIB_MISSING", facts };
  },
};
