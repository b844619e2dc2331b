/** The mailbox handlers' shared access to the agent's MailboxService (absent in bridge tests that do not need it). */
import { BridgeError } from "@cps-bridge/protocol/errors";
import type { MailboxService } from "../../otp/mailbox-service";
import type { HandlerContext } from "../context";

export function mailboxOf(ctx: HandlerContext): MailboxService {
  const m = ctx.services.mailbox;
  if (!m) throw new BridgeError("OTP_MAILBOX_NOT_CONFIGURED", "this agent has no mailbox source");
  return m;
}
