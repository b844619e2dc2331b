/** `otp.cancel` (since 1.2, issue 11): ends a running `otp.wait` with OTP_CANCELLED. */
import * as v from "valibot";
import { defineMethod, GENERIC_ERRORS } from "./define";

export const otpCancel = defineMethod({
  name: "otp.cancel",
  summary: "Cancels the running otp.wait.",
  params: v.strictObject({}),
  result: v.looseObject({ cancelled: v.boolean() }),
  requiresAuth: true,
  cardOperation: false,
  timeoutMs: 5_000,
  errors: [...GENERIC_ERRORS],
  since: "1.2",
});
