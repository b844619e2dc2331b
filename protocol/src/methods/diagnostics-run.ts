/**
 * `diagnostics.run`: the agent's checks of the CPS chain (docs/diagnostics.md), in order, with a verdict, a DIAG_*
 * code, the facts each saw and the fixes it offers. Never asks for, nor sends, a PIN. Reads the cards the agent
 * already watches (no PIN try is spent). The extension adds its browser-side checks to these results.
 */
import * as v from "valibot";
import { DiagnosticsRunResultSchema } from "../diagnostics/model";
import { defineMethod, GENERIC_ERRORS } from "./define";

export const diagnosticsRun = defineMethod({
  name: "diagnostics.run",
  summary: "Runs the agent's diagnostics checks (PC/SC, readers, card, certificate, PIN, middleware, portal, clock).",
  params: v.strictObject({
    /** Opt in to the certificate revocation check (a download of the IGC-Santé CRL). */
    revocation: v.optional(v.boolean()),
    /** The portal to test (clock skew, reachability): an https origin, or loopback in test mode. */
    portalOrigin: v.optional(v.pipe(v.string(), v.maxLength(200), v.regex(/^https?:\/\/[^/\s]+$/))),
  }),
  result: DiagnosticsRunResultSchema,
  requiresAuth: true,
  cardOperation: false,
  timeoutMs: 20_000,
  errors: [...GENERIC_ERRORS],
  since: "1.1",
});
