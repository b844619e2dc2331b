/** What handlers may use: built once in background/main.ts, faked in unit tests. */
import type { Settings } from "../shared/settings";
import type { AgentClient } from "./agent/agent-client";
import type { OtpBroker } from "./otp/broker";
import type { PinRequests } from "./pin/pin-requests";
import type { StateStore } from "./state/store";

export interface Services {
  store: StateStore;
  client: Pick<
    AgentClient,
    "pair" | "forgetPairing" | "reconnectNow" | "call" | "supports" | "onEvent" | "lastAgentProtocol" | "hello"
  >;
  pins: Pick<PinRequests, "requestPinAndSign" | "info" | "submit" | "cancel">;
  /** The e-mailed code broker (issue 11): one wait per portal tab, mailbox and webmail sources. */
  otp: Pick<OtpBroker, "request" | "cancel" | "offerWebmail">;
  settings(): Settings;
  /** Label the agent shows in `cps-bridge pairings` for this browser, e.g. "Chrome (Linux) — 25/11/2026". */
  pairingLabel(): string;
}
