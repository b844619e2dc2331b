/** One handler per protocol method; the type makes a method without a handler a compile error. */
import type { HandlerTable } from "../context";
import { authChallenge } from "./auth-challenge";
import { authProve } from "./auth-prove";
import { cardStatus } from "./card-status";
import { diagnosticsFix } from "./diagnostics-fix";
import { diagnosticsRun } from "./diagnostics-run";
import { heartbeat } from "./heartbeat";
import { hello } from "./hello";
import { loginSign } from "./login-sign";
import { mailboxConfigure } from "./mailbox-configure";
import { mailboxStatus } from "./mailbox-status";
import { mailboxTest } from "./mailbox-test";
import { otpCancel } from "./otp-cancel";
import { otpWait } from "./otp-wait";
import { pairComplete } from "./pair-complete";
import { pinStatus } from "./pin-status";
import { pinVerify } from "./pin-verify";
import { readersList } from "./readers-list";

export const HANDLERS: HandlerTable = {
  hello,
  "pair.complete": pairComplete,
  "auth.challenge": authChallenge,
  "auth.prove": authProve,
  heartbeat,
  "readers.list": readersList,
  "card.status": cardStatus,
  "pin.status": pinStatus,
  "pin.verify": pinVerify,
  "login.sign": loginSign,
  "diagnostics.run": diagnosticsRun,
  "diagnostics.fix": diagnosticsFix,
  "mailbox.configure": mailboxConfigure,
  "mailbox.test": mailboxTest,
  "mailbox.status": mailboxStatus,
  "otp.wait": otpWait,
  "otp.cancel": otpCancel,
};
