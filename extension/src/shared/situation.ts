/**
 * Reduces the whole state to the one situation the doctor must understand first, with the error code whose
 * French text (protocol/src/errors.ts) says what to do next. The badge, the popup headline and the PIN window
 * all read this, so they can never disagree.
 */
import { type ErrorCode, isErrorCode } from "@cps-bridge/protocol/errors";
import { type CardType, type ReaderStatus, SUPPORTED_CARD_TYPES } from "@cps-bridge/protocol/model";
import { updateErrorCode } from "@cps-bridge/protocol/version";
import { isCpsFamily } from "../i18n/card-labels";
import type { ExtensionState } from "./state";

export type Tone = "ok" | "warn" | "error" | "neutral" | "busy";

export type SituationKind =
  | "agent-connecting"
  | "agent-unavailable"
  | "agent-unpaired"
  | "agent-error"
  | "pcsc-down"
  | "readers-loading"
  | "no-reader"
  | "no-card"
  | "card-mute"
  | "not-a-cps"
  | "unsupported-cps"
  | "card-reading"
  | "card-error"
  | "cert-expired"
  | "cert-not-yet-valid"
  | "cert-untrusted"
  | "pin-blocked"
  | "pin-last-try"
  | "ready";

export interface Situation {
  kind: SituationKind;
  tone: Tone;
  /** The error whose `fr`/`remedyFr` explain the situation; absent for `ready`, `card-reading`, loading states. */
  code?: ErrorCode;
  /** The reader the situation is about (the one holding the CPS card when there is one). */
  reader?: ReaderStatus;
}

/**
 * CPS cards the agent can log in with (model.ts SUPPORTED_CARD_TYPES: CPS3 and CPS4 through the contact reader).
 * Other CPS-family cards (CPS2ter, a CPS3 read contactless, an unknown CPx) are recognised but cannot log in.
 */
const USABLE_CPS: ReadonlySet<CardType> = new Set(SUPPORTED_CARD_TYPES);

/** A card of the CPS family (protocol/src/card-labels.ts `cpsFamily`). */
export function isCps(type: CardType | undefined): boolean {
  return isCpsFamily(type);
}

/**
 * The reader that matters: the one with a CPS card, else one with any card (present or mute), else the first.
 * With several readers (a SESAM-Vitale reader often has two slots: CPS + Vitale), the CPS slot wins.
 */
export function mainReader(readers: readonly ReaderStatus[]): ReaderStatus | undefined {
  return (
    readers.find((r) => r.state === "present" && isCps(r.cardType)) ??
    readers.find((r) => r.state !== "empty") ??
    readers[0]
  );
}

export function situationOf(state: ExtensionState): Situation {
  const { agent } = state;
  switch (agent.status) {
    case "connecting":
    case "authenticating":
      return { kind: "agent-connecting", tone: "busy" };
    case "unavailable":
      return { kind: "agent-unavailable", tone: "neutral", code: "ERR_AGENT_UNAVAILABLE" };
    case "unpaired":
      return { kind: "agent-unpaired", tone: "warn", code: "ERR_NOT_PAIRED" };
    case "error":
      // An incompatible peer: the code whose remedy is the update path of the side to update.
      return {
        kind: "agent-error",
        tone: "error",
        code: updateErrorCode(agent.errorCode ?? "ERR_INTERNAL", agent.errorDetails),
      };
    case "connected":
      break;
  }
  if (state.pcsc === "down") return { kind: "pcsc-down", tone: "warn", code: "ERR_PCSC_SERVICE_DOWN" };
  if (!state.readersKnown) return { kind: "readers-loading", tone: "busy" };
  const reader = mainReader(state.readers);
  if (reader === undefined) return { kind: "no-reader", tone: "warn", code: "ERR_NO_READERS" };
  if (reader.state === "empty") return { kind: "no-card", tone: "neutral", code: "ERR_NO_CARD", reader };
  if (reader.state === "mute") return { kind: "card-mute", tone: "warn", code: "ERR_CARD_MUTE", reader };
  if (!isCps(reader.cardType)) return { kind: "not-a-cps", tone: "warn", code: "ERR_NOT_A_CPS", reader };
  if (!USABLE_CPS.has(reader.cardType!)) {
    return { kind: "unsupported-cps", tone: "error", code: "ERR_UNSUPPORTED_CARD", reader };
  }
  // The PIN counter comes before the certificate: a blocked card cannot log in whatever its dates.
  if (reader.pin?.blocked) return { kind: "pin-blocked", tone: "error", code: "ERR_PIN_BLOCKED", reader };
  const cert = reader.certificate;
  if (cert?.validity === "expired") return { kind: "cert-expired", tone: "error", code: "ERR_CERT_EXPIRED", reader };
  if (cert?.validity === "not-yet-valid") {
    return { kind: "cert-not-yet-valid", tone: "error", code: "ERR_CERT_NOT_YET_VALID", reader };
  }
  if (cert?.chain === "untrusted") return { kind: "cert-untrusted", tone: "error", code: "ERR_CERT_UNTRUSTED", reader };
  if (reader.errorCode !== undefined) {
    return { kind: "card-error", tone: "error", code: asErrorCode(reader.errorCode), reader };
  }
  if (reader.holder === undefined || reader.pin === undefined) return { kind: "card-reading", tone: "busy", reader };
  if (reader.pin.triesLeft === 1) return { kind: "pin-last-try", tone: "warn", code: "ERR_PIN_LAST_TRY", reader };
  return { kind: "ready", tone: "ok", reader };
}

/** A reader's `errorCode` is a plain string on the wire; an unknown one (newer agent) is shown as internal. */
function asErrorCode(code: string): ErrorCode {
  return isErrorCode(code) ? code : "ERR_INTERNAL";
}
