/** Test helper: one background state per card situation (shared/situation.ts), for the portal assistant's tests. */
import type { ReaderStatus } from "@cps-bridge/protocol/model";
import type { SituationKind } from "../shared/situation";
import { type ExtensionState, initialState } from "../shared/state";
import { cps3Reader } from "./fake-agent";

export function connected(readers: ReaderStatus[], extra: Partial<ExtensionState> = {}): ExtensionState {
  return {
    ...initialState(17777, "fr"),
    agent: { status: "connected", port: 17777, since: 0, agentVersion: "0.1.0" },
    pcsc: "up",
    readers,
    readersKnown: true,
    paired: true,
    ...extra,
  };
}

const off = (status: ExtensionState["agent"]["status"], errorCode?: ExtensionState["agent"]["errorCode"]) => ({
  ...initialState(17777, "fr"),
  agent: { status, port: 17777, since: 0, ...(errorCode ? { errorCode } : {}) },
});

const cert = cps3Reader().certificate!;

export const STATES: Record<SituationKind, ExtensionState> = {
  "agent-connecting": initialState(17777, "fr"),
  "agent-unavailable": off("unavailable", "ERR_AGENT_UNAVAILABLE"),
  "agent-unpaired": off("unpaired", "ERR_NOT_PAIRED"),
  "agent-error": off("error", "ERR_AGENT_UNTRUSTED"),
  "pcsc-down": connected([], { pcsc: "down" }),
  "readers-loading": connected([], { readersKnown: false }),
  "no-reader": connected([]),
  "no-card": connected([{ name: "R", state: "empty" }]),
  "card-mute": connected([{ name: "R", state: "mute" }]),
  "not-a-cps": connected([{ name: "R", state: "present", cardType: "vitale2" }]),
  "unsupported-cps": connected([{ name: "R", state: "present", cardType: "cps2ter" }]),
  "card-reading": connected([{ name: "R", state: "present", cardType: "cps3" }]),
  "card-error": connected([cps3Reader({ errorCode: "ERR_CARD_DATA_INVALID" })]),
  "cert-expired": connected([cps3Reader({ certificate: { ...cert, validity: "expired" } })]),
  "cert-not-yet-valid": connected([cps3Reader({ certificate: { ...cert, validity: "not-yet-valid" } })]),
  "cert-untrusted": connected([cps3Reader({ certificate: { ...cert, chain: "untrusted" } })]),
  "pin-blocked": connected([cps3Reader({ pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false } })]),
  "pin-last-try": connected([cps3Reader({ pin: { triesLeft: 1, maxTries: 3, blocked: false, verified: false } })]),
  ready: connected([cps3Reader()]),
};
