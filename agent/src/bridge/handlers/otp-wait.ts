/**
 * `otp.wait` (protocol/src/methods/otp-wait.ts): the code of the portal's mail, nothing else of it. The wait ends
 * with the request (deadline, connection closed). A DKIM/SPF-failed mail is reported to this connection as an
 * `otp.refused` event (a warning) while the wait goes on.
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { allowedPortalOrigin } from "../../diagnostics/portals";
import type { Handler } from "../context";
import { mailboxOf } from "./mailbox-common";

export const otpWait: Handler<"otp.wait"> = async (params, ctx) => {
  if (!allowedPortalOrigin(params.portalOrigin, ctx.services.config.testMode)) {
    throw new BridgeError("ERR_INVALID_PARAMS", "portalOrigin is not a known portal");
  }
  const found = await mailboxOf(ctx).wait(params, {
    signal: ctx.signal,
    onRefused: (reason, mailDate) => {
      try {
        ctx.conn.sendEvent("otp.refused", { reason, code: "OTP_AUTH_FAILED", mailDate });
      } catch (err) {
        ctx.services.log.warn({ err }, "otp.refused not sent");
      }
    },
  });
  return { ...found };
};
