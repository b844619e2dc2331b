/**
 * The handler registry: one import per message type (shared/messages.ts). Later issues add
 * `diagnostics-run.ts`, `otp-*.ts`, `dossiers-*.ts` here.
 */
import type { AnyHandler } from "../router";
import agentReconnect from "./agent-reconnect";
import diagnosticsFix from "./diagnostics-fix";
import diagnosticsRun from "./diagnostics-run";
import loginRequestToken from "./login-request-token";
import { mailboxConfigureHandler, mailboxStatusHandler, mailboxTestHandler } from "./mailbox";
import otpCancel from "./otp-cancel";
import otpRequest from "./otp-request";
import otpWebmailCode from "./otp-webmail-code";
import pairingForget from "./pairing-forget";
import pairingSubmit from "./pairing-submit";
import pinCancel from "./pin-cancel";
import pinInfo from "./pin-info";
import pinSubmit from "./pin-submit";
import uiOpen from "./ui-open";

export const HANDLERS: readonly AnyHandler[] = [
  agentReconnect,
  pairingSubmit,
  pairingForget,
  pinInfo,
  pinSubmit,
  pinCancel,
  loginRequestToken,
  uiOpen,
  diagnosticsRun,
  diagnosticsFix,
  otpRequest,
  otpCancel,
  otpWebmailCode,
  mailboxConfigureHandler,
  mailboxTestHandler,
  mailboxStatusHandler,
];
