/** `otp.cancel` (protocol/src/methods/otp-cancel.ts). */
import type { Handler } from "../context";

export const otpCancel: Handler<"otp.cancel"> = (_params, { services }) => ({
  cancelled: services.mailbox?.cancel() ?? false,
});
