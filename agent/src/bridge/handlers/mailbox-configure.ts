/** `mailbox.configure` (protocol/src/methods/mailbox-configure.ts): settings to a 0600 file, password to the keyring. */
import type { Handler } from "../context";
import { mailboxOf } from "./mailbox-common";

export const mailboxConfigure: Handler<"mailbox.configure"> = (params, ctx) => mailboxOf(ctx).configure(params);
