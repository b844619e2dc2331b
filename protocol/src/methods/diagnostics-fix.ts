/**
 * `diagnostics.fix`: applies one fix a check offered (a FixOffer with `needsAdmin: false`) after the doctor clicked
 * it, then re-runs that check. Nothing is changed without this explicit request. A fix the agent cannot apply
 * answers `applied: false` with the exact steps.
 */
import * as v from "valibot";
import { CheckResultSchema } from "../diagnostics/model";
import { defineMethod, GENERIC_ERRORS } from "./define";

export const diagnosticsFix = defineMethod({
  name: "diagnostics.fix",
  summary: "Applies one offered diagnostics fix (doctor's click) and re-runs its check.",
  params: v.strictObject({
    fixId: v.pipe(v.string(), v.maxLength(64), v.regex(/^[a-z]+(\.[a-z-]+)+$/)),
    target: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  }),
  result: v.object({
    applied: v.boolean(),
    steps: v.optional(v.string()),
    result: v.optional(CheckResultSchema),
  }),
  requiresAuth: true,
  cardOperation: false,
  timeoutMs: 20_000,
  errors: [...GENERIC_ERRORS, "ERR_INVALID_PARAMS"],
  since: "1.1",
});
