import type { ReaderStatus } from "@cps-bridge/protocol/model";
import { describe, expect, it } from "vitest";
import { cps3Reader } from "../test-support/fake-agent";
import { mainReader, type SituationKind, situationOf } from "./situation";
import { type ExtensionState, initialState } from "./state";

function connected(readers: ReaderStatus[], extra: Partial<ExtensionState> = {}): ExtensionState {
  return {
    ...initialState(17777, "fr"),
    agent: { status: "connected", port: 17777, since: 0 },
    pcsc: "up",
    readers,
    readersKnown: true,
    paired: true,
    ...extra,
  };
}

const cases: Array<[string, ExtensionState, SituationKind, string | undefined]> = [
  ["connecting", initialState(17777, "fr"), "agent-connecting", undefined],
  [
    "agent gone",
    { ...initialState(17777, "fr"), agent: { status: "unavailable", port: 1, since: 0 } },
    "agent-unavailable",
    "ERR_AGENT_UNAVAILABLE",
  ],
  [
    "not paired",
    { ...initialState(17777, "fr"), agent: { status: "unpaired", port: 1, since: 0 } },
    "agent-unpaired",
    "ERR_NOT_PAIRED",
  ],
  [
    "untrusted agent",
    { ...initialState(17777, "fr"), agent: { status: "error", errorCode: "ERR_AGENT_UNTRUSTED", port: 1, since: 0 } },
    "agent-error",
    "ERR_AGENT_UNTRUSTED",
  ],
  ["pcsc down", connected([], { pcsc: "down" }), "pcsc-down", "ERR_PCSC_SERVICE_DOWN"],
  ["readers not listed yet", connected([], { readersKnown: false }), "readers-loading", undefined],
  ["no reader", connected([]), "no-reader", "ERR_NO_READERS"],
  ["empty reader", connected([{ name: "R", state: "empty" }]), "no-card", "ERR_NO_CARD"],
  ["mute card", connected([{ name: "R", state: "mute" }]), "card-mute", "ERR_CARD_MUTE"],
  ["Vitale", connected([{ name: "R", state: "present", cardType: "vitale2" }]), "not-a-cps", "ERR_NOT_A_CPS"],
  ["bank card", connected([{ name: "R", state: "present", cardType: "bank" }]), "not-a-cps", "ERR_NOT_A_CPS"],
  [
    "CPS2ter",
    connected([{ name: "R", state: "present", cardType: "cps2ter" }]),
    "unsupported-cps",
    "ERR_UNSUPPORTED_CARD",
  ],
  ["CPS3 being read", connected([{ name: "R", state: "present", cardType: "cps3" }]), "card-reading", undefined],
  ["CPS3 ready", connected([cps3Reader()]), "ready", undefined],
  ["CPS4 ready", connected([cps3Reader({ cardType: "cps4" })]), "ready", undefined],
  [
    "blocked",
    connected([cps3Reader({ pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false } })]),
    "pin-blocked",
    "ERR_PIN_BLOCKED",
  ],
  [
    "last try",
    connected([cps3Reader({ pin: { triesLeft: 1, maxTries: 3, blocked: false, verified: false } })]),
    "pin-last-try",
    "ERR_PIN_LAST_TRY",
  ],
  [
    "expired",
    connected([cps3Reader({ certificate: { ...cps3Reader().certificate!, validity: "expired" } })]),
    "cert-expired",
    "ERR_CERT_EXPIRED",
  ],
  [
    "not yet valid",
    connected([cps3Reader({ certificate: { ...cps3Reader().certificate!, validity: "not-yet-valid" } })]),
    "cert-not-yet-valid",
    "ERR_CERT_NOT_YET_VALID",
  ],
  [
    "untrusted chain",
    connected([cps3Reader({ certificate: { ...cps3Reader().certificate!, chain: "untrusted" } })]),
    "cert-untrusted",
    "ERR_CERT_UNTRUSTED",
  ],
  [
    "unreadable card",
    connected([{ name: "R", state: "present", cardType: "cps3", errorCode: "ERR_CARD_DATA_INVALID" }]),
    "card-error",
    "ERR_CARD_DATA_INVALID",
  ],
  [
    "unknown error code from a newer agent",
    connected([{ name: "R", state: "present", cardType: "cps3", errorCode: "ERR_FROM_THE_FUTURE" }]),
    "card-error",
    "ERR_INTERNAL",
  ],
];

describe("situationOf", () => {
  it.each(cases)("%s", (_name, state, kind, code) => {
    const s = situationOf(state);
    expect(s.kind).toBe(kind);
    expect(s.code).toBe(code);
  });

  it("a blocked card is reported as blocked even when its certificate also expired", () => {
    const r = cps3Reader({
      pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false },
      certificate: { ...cps3Reader().certificate!, validity: "expired" },
    });
    expect(situationOf(connected([r])).kind).toBe("pin-blocked");
  });
});

describe("mainReader", () => {
  it("prefers the reader with the CPS card over the one with the Vitale card (two-slot SESAM-Vitale readers)", () => {
    const vitale: ReaderStatus = { name: "A slot", state: "present", cardType: "vitale2" };
    const cps = cps3Reader({ name: "B slot" });
    expect(mainReader([vitale, cps])?.name).toBe("B slot");
    expect(situationOf(connected([vitale, cps])).kind).toBe("ready");
  });

  it("prefers a reader holding any card over empty ones", () => {
    expect(
      mainReader([
        { name: "A", state: "empty" },
        { name: "B", state: "mute" },
      ])?.name,
    ).toBe("B");
  });
});
