/** `mailbox.status` (protocol/src/methods/mailbox-status.ts). An agent without a mailbox source says "not configured". */
import type { Handler } from "../context";

export const mailboxStatus: Handler<"mailbox.status"> = (_params, { services }) =>
  services.mailbox?.status() ?? { configured: false, connected: false };
