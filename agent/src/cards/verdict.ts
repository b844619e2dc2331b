/**
 * One sentence per reader saying whether the card in it can log in, and if not why — French first. Used by
 * `cps-bridge card` and reusable by diagnostics. Texts come from the error table (protocol/src/errors.ts) and the
 * card labels (protocol/src/card-labels.ts); only the "ready" and "expiring" sentences are written here.
 * Order of checks: what stops a login first (no card, wrong card, unreadable card, blocked PIN, certificate dates,
 * chain), then warnings (last try, expiring soon).
 */
import { CARD_TYPE_LABELS } from "@cps-bridge/protocol/card-labels";
import { ERRORS, type ErrorCode } from "@cps-bridge/protocol/errors";
import type { ReaderStatus } from "@cps-bridge/protocol/model";

export interface Verdict {
  /** `ok`: ready to log in; `warning`: can log in, with a caveat; `error`: cannot; `info`: nothing inserted. */
  level: "ok" | "warning" | "error" | "info";
  /** The ERR_ code behind an error or warning (stable, documented in docs/errors.md). */
  code?: ErrorCode;
  fr: string;
  en: string;
  remedyFr?: string;
  remedyEn?: string;
}

const fromCode = (level: Verdict["level"], code: ErrorCode, details?: { fr?: string; en?: string }): Verdict => {
  const d = ERRORS[code];
  return {
    level,
    code,
    fr: details?.fr ?? d.fr,
    en: details?.en ?? d.en,
    remedyFr: d.remedyFr,
    remedyEn: d.remedyEn,
  };
};

export function verdictOf(s: ReaderStatus): Verdict {
  if (s.state === "empty")
    return {
      level: "info",
      code: "ERR_NO_CARD",
      fr: ERRORS.ERR_NO_CARD.fr,
      en: ERRORS.ERR_NO_CARD.en,
      remedyFr: ERRORS.ERR_NO_CARD.remedyFr,
      remedyEn: ERRORS.ERR_NO_CARD.remedyEn,
    };
  if (s.state === "mute") return fromCode("error", "ERR_CARD_MUTE");
  const type = s.cardType ?? "unknown";
  const label = CARD_TYPE_LABELS[type];
  if (!label.cpsFamily) return fromCode("error", "ERR_NOT_A_CPS", { fr: label.label.fr, en: label.label.en });
  if (type === "cps2ter" || (type === "cpx-unknown" && !s.holder)) {
    return fromCode("error", "ERR_UNSUPPORTED_CARD", { fr: label.label.fr, en: label.label.en });
  }
  if (s.errorCode && s.errorCode in ERRORS) return fromCode("error", s.errorCode as ErrorCode);
  if (s.pin?.blocked) return fromCode("error", "ERR_PIN_BLOCKED");
  const cert = s.certificate;
  if (cert?.validity === "expired") return fromCode("error", "ERR_CERT_EXPIRED");
  if (cert?.validity === "not-yet-valid") return fromCode("error", "ERR_CERT_NOT_YET_VALID");
  if (cert?.chain === "untrusted") return fromCode("error", "ERR_CERT_UNTRUSTED");
  if (type === "cps3-contactless") return { level: "warning", fr: label.label.fr, en: label.label.en };
  if (type === "cpx-unknown")
    return fromCode("warning", "ERR_UNSUPPORTED_CARD", { fr: label.label.fr, en: label.label.en });
  if (s.pin && s.pin.triesLeft === 1) return fromCode("warning", "ERR_PIN_LAST_TRY");
  if (cert?.validity === "expiring") {
    return {
      level: "warning",
      fr: `Le certificat de votre carte expire dans ${cert.daysLeft} jour${cert.daysLeft > 1 ? "s" : ""}.`,
      en: `Your card's certificate expires in ${cert.daysLeft} day${cert.daysLeft === 1 ? "" : "s"}.`,
      remedyFr: "Demandez dès maintenant le renouvellement de votre carte (esante.gouv.fr, espace CPS).",
      remedyEn: "Ask for your card's renewal now (esante.gouv.fr, CPS space).",
    };
  }
  return {
    level: "ok",
    fr:
      cert?.chain === "test"
        ? "Carte de test prête pour la connexion (mode test)."
        : "Carte CPS prête pour la connexion.",
    en: cert?.chain === "test" ? "Test card ready to log in (test mode)." : "CPS card ready to log in.",
  };
}
