/** `mailbox.status` (since 1.2, issue 11): is a mailbox configured, is the agent connected. */
import * as v from "valibot";
import { isErrorCode } from "../errors";
import { defineMethod, GENERIC_ERRORS } from "./define";
import { ImapSecuritySchema, MailAddressSchema } from "./mailbox-configure";

export const mailboxStatus = defineMethod({
  name: "mailbox.status",
  summary: "Whether a mailbox is configured and the agent is connected to it.",
  params: v.strictObject({}),
  result: v.looseObject({
    configured: v.boolean(),
    connected: v.boolean(),
    host: v.optional(v.string()),
    user: v.optional(v.string()),
    /** Since 1.2 agents of this release: the rest of the saved settings (no password), so a page can re-save them. */
    port: v.optional(v.number()),
    security: v.optional(ImapSecuritySchema),
    senders: v.optional(v.array(MailAddressSchema)),
    deleteAfterUse: v.optional(v.boolean()),
    lastErrorCode: v.optional(
      v.pipe(
        v.string(),
        v.check((s: string) => isErrorCode(s)),
      ),
    ),
  }),
  requiresAuth: true,
  cardOperation: false,
  timeoutMs: 5_000,
  errors: [...GENERIC_ERRORS],
  since: "1.2",
});
