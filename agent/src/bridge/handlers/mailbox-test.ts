/** `mailbox.test` (protocol/src/methods/mailbox-test.ts): connect + login + LIST, errors as OTP_IMAP_*. */
import type { Handler } from "../context";
import { mailboxOf } from "./mailbox-common";

export const mailboxTest: Handler<"mailbox.test"> = (params, ctx) => mailboxOf(ctx).test(params);
