/**
 * The messages extension pages (and, from issue 6, content scripts) send to the background, with their answers.
 * One entry per message type; each has one handler file in background/handlers/. Room is left for the roadmap's
 * `diagnostics.*`, `otp.*` and `dossiers.*` messages: add an entry here and a handler file there.
 *
 * Every answer is `{ ok: true, ... }` or `{ ok: false, code }` with an ERR_ code of protocol/src/errors.ts, so a UI
 * always has a French sentence to show.
 */

import type { CheckResult } from "@cps-bridge/protocol/diagnostics/model";
import type { ErrorCode } from "@cps-bridge/protocol/errors";
import type { LoginToken } from "@cps-bridge/protocol/login-token-format";
import type { PinRequestInfo, PinSubmitResult } from "../background/pin/pin-requests";
import type { MergedRun } from "../diagnostics/run";

/** Name of the port every UI opens to receive state snapshots (background/state/ui-ports.ts). */
export const STATE_PORT = "cps-bridge.state";
/** Type of the background's broadcast while a diagnostics run goes (not a request: no handler answers it). */
export const DIAGNOSTICS_PROGRESS = "diagnostics.progress";
/** Type of the background's message to a waiting code-step tab: a mail was refused (DKIM/SPF), a warning. */
export const OTP_WARNING = "otp.warning";

export type Failure = { ok: false; code: ErrorCode; details?: Record<string, unknown> };
export type Answer<T extends object = object> = ({ ok: true } & T) | Failure;

export interface MessageMap {
  /** Popup "Réessayer", pairing page waiting for the agent: connect now instead of after the backoff. */
  "agent.reconnect": { request: Record<string, never>; answer: Answer };
  /** Pairing page: the code shown by `cps-bridge pair` (7 digits: port index + code; 6 for a port set in the options). */
  "pairing.submit": { request: { code: string }; answer: Answer };
  /** Options: forget this browser's pairing. */
  "pairing.forget": { request: Record<string, never>; answer: Answer };
  /** PIN window: what to show (origin, holder, tries). */
  "pin.info": { request: { requestId: string }; answer: Answer<{ info: PinRequestInfo }> };
  /** PIN window: the PIN, once. */
  "pin.submit": {
    request: { requestId: string; pin: string; confirmLastTry?: boolean };
    answer: Answer<{ result: PinSubmitResult }>;
  };
  /** PIN window: "Annuler". */
  "pin.cancel": { request: { requestId: string }; answer: Answer };
  /**
   * Portal login assistant (content script, issue 6): sign this challenge for the sender tab's origin.
   * The origin is never part of the request: the background reads it from the sender.
   */
  "login.requestToken": { request: { challengeNonce: string }; answer: Answer<{ token: LoginToken }> };
  /** Portal login assistant: open one of the extension's own pages (pairing, options) in a new tab. */
  "ui.open": { request: { page: "pair" | "options" | "diagnostics" }; answer: Answer };
  /**
   * Diagnostics page: run every check (browser side here, agent side over the bridge). While it runs, the background
   * broadcasts `{ type: DIAGNOSTICS_PROGRESS, runId, result }` to the extension's pages, one per finished check.
   */
  "diagnostics.run": { request: { runId: string; revocation?: boolean }; answer: Answer<{ run: MergedRun }> };
  /**
   * Portal code step (content script, issue 11): wait for the e-mailed code of this tab's login. The origin is the
   * sender tab's, never the message's; the answer goes to that tab only. `sources: "webmail"` after the mailbox failed.
   */
  "otp.request": {
    request: { since: number; timeoutMs: number; sources?: "any" | "webmail" };
    answer: Answer<{
      code: string;
      mailDate: number;
      sender: string;
      source: "mailbox" | "webmail";
      /** The doctor's option: press « Valider » after filling (off by default). */
      autoSubmit: boolean;
    }>;
  };
  /** Portal code step: the doctor typed the code or left the page. */
  "otp.cancel": { request: Record<string, never>; answer: Answer<{ cancelled: boolean }> };
  /** Webmail content script: the portal's code read from an opened or listed message of an allowed sender. */
  "otp.webmail-code": {
    request: { code: string; mailDate: number; sender: string; mailId: string; webmail: string };
    answer: Answer<{ accepted: boolean; reason?: string }>;
  };
  /** Options: save the mailbox settings; the password goes to the agent (its OS credential store), never stored here. */
  "mailbox.configure": {
    request: {
      host: string;
      port: number;
      security: "tls" | "starttls" | "none";
      user: string;
      password?: string;
      deleteAfterUse?: boolean;
      /** The sender allow-list (options « Expéditeurs autorisés »); absent: the agent keeps its saved list. */
      senders?: string[];
    };
    answer: Answer<{ credentialStore: "keyring" | "file" }>;
  };
  /** Options: « Tester la connexion » (given settings, else the saved ones). */
  "mailbox.test": {
    request: { host?: string; port?: number; security?: "tls" | "starttls" | "none"; user?: string; password?: string };
    answer: Answer<{ latencyMs: number; mailboxes: number }>;
  };
  /** Options: is a mailbox configured, connected; last error. */
  "mailbox.status": {
    request: Record<string, never>;
    answer: Answer<{
      configured: boolean;
      connected: boolean;
      host?: string;
      user?: string;
      /** The rest of the saved settings (never the password), so that a page can re-save them. */
      port?: number;
      security?: "tls" | "starttls" | "none";
      senders?: string[];
      deleteAfterUse?: boolean;
      lastErrorCode?: string;
    }>;
  };
  /** Diagnostics page: one fix the doctor clicked (never without the click); the agent re-runs its check. */
  "diagnostics.fix": {
    request: { fixId: string; target?: string };
    answer: Answer<{ applied: boolean; steps?: string; result?: CheckResult }>;
  };
}

export type MessageType = keyof MessageMap;
export type RequestOf<T extends MessageType> = MessageMap[T]["request"];
export type AnswerOf<T extends MessageType> = MessageMap[T]["answer"];
export type Message<T extends MessageType = MessageType> = { type: T } & RequestOf<T>;
