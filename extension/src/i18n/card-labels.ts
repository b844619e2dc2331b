/**
 * What each detected card type is called in front of a doctor ("Carte Vitale", not "vitale2").
 * Kept here until the card-core engineer's labels land in `@cps-bridge/protocol` (then this file re-exports them).
 */
import type { CardType } from "@cps-bridge/protocol/model";
import type { UiLanguage } from "../shared/state";

const LABELS: Record<CardType, { fr: string; en: string }> = {
  cps3: { fr: "Carte CPS3", en: "CPS3 card" },
  "cps3-contactless": { fr: "Carte CPS3 (sans contact)", en: "CPS3 card (contactless)" },
  cps4: { fr: "Carte CPS4", en: "CPS4 card" },
  cps2ter: { fr: "Carte CPS2ter", en: "CPS2ter card" },
  "cpx-unknown": { fr: "Carte CPS (génération inconnue)", en: "CPS card (unknown generation)" },
  vitale1: { fr: "Carte Vitale", en: "Carte Vitale (health insurance card)" },
  vitale2: { fr: "Carte Vitale", en: "Carte Vitale (health insurance card)" },
  cnie: { fr: "Carte d'identité", en: "Identity card" },
  bank: { fr: "Carte bancaire", en: "Bank card" },
  unknown: { fr: "Carte inconnue", en: "Unknown card" },
  mute: { fr: "Carte muette", en: "Mute card" },
};

export function cardLabel(type: CardType | undefined, lang: UiLanguage): string {
  return (type === undefined ? LABELS.unknown : (LABELS[type] ?? LABELS.unknown))[lang];
}
