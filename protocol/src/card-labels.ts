/**
 * What each card type code (model.ts CARD_TYPES) is called, in French first: the agent's CLI and the extension's
 * popup / diagnostics show the same words. `label` is the sentence a doctor reads when that card is in the reader
 * ("Carte Vitale : insérez votre carte CPS"); `name` is the short noun.
 * Written by the agent card-core engineer (issue 3); the ATR → type decision is agent/src/cards/atr-table.ts.
 */
import type { CardType } from "./model";

export interface CardTypeLabel {
  name: { fr: string; en: string };
  label: { fr: string; en: string };
  /** A CPS-family card (even one we cannot log in with). */
  cpsFamily: boolean;
}

export const CARD_TYPE_LABELS: Record<CardType, CardTypeLabel> = {
  cps3: {
    name: { fr: "Carte CPS3", en: "CPS3 card" },
    label: { fr: "Carte CPS3", en: "CPS3 card" },
    cpsFamily: true,
  },
  "cps3-contactless": {
    name: { fr: "Carte CPS3 (sans contact)", en: "CPS3 card (contactless)" },
    label: {
      fr: "Carte CPS3 lue sans contact : insérez-la dans le lecteur à contact pour vous connecter",
      en: "CPS3 card read contactless: insert it in the contact reader to log in",
    },
    cpsFamily: true,
  },
  cps4: {
    name: { fr: "Carte CPS4", en: "CPS4 card" },
    label: { fr: "Carte CPS4", en: "CPS4 card" },
    cpsFamily: true,
  },
  cps2ter: {
    name: { fr: "Carte CPS2ter", en: "CPS2ter card" },
    label: {
      fr: "Ancienne carte CPS2ter : demandez son renouvellement à l'ANS",
      en: "Old CPS2ter card: ask ANS for a renewal",
    },
    cpsFamily: true,
  },
  "cpx-unknown": {
    name: { fr: "Carte CPx (version inconnue)", en: "CPx card (unknown version)" },
    label: {
      fr: "Carte de professionnel de santé d'une version non reconnue",
      en: "Health professional card of an unrecognised version",
    },
    cpsFamily: true,
  },
  vitale1: {
    name: { fr: "Carte Vitale 1", en: "Carte Vitale 1" },
    label: { fr: "Carte Vitale : insérez votre carte CPS", en: "Carte Vitale (patient card): insert your CPS card" },
    cpsFamily: false,
  },
  vitale2: {
    name: { fr: "Carte Vitale 2", en: "Carte Vitale 2" },
    label: { fr: "Carte Vitale : insérez votre carte CPS", en: "Carte Vitale (patient card): insert your CPS card" },
    cpsFamily: false,
  },
  cnie: {
    name: { fr: "Carte nationale d'identité", en: "French national ID card" },
    label: {
      fr: "Carte nationale d'identité : insérez votre carte CPS",
      en: "National ID card: insert your CPS card",
    },
    cpsFamily: false,
  },
  bank: {
    name: { fr: "Carte bancaire", en: "Bank card" },
    label: { fr: "Carte bancaire : insérez votre carte CPS", en: "Bank card: insert your CPS card" },
    cpsFamily: false,
  },
  unknown: {
    name: { fr: "Carte inconnue", en: "Unknown card" },
    label: {
      fr: "Carte non reconnue (ce n'est pas une carte CPS) : insérez votre carte CPS",
      en: "Unrecognised card (not a CPS card): insert your CPS card",
    },
    cpsFamily: false,
  },
  mute: {
    name: { fr: "Carte muette", en: "Mute card" },
    label: {
      fr: "La carte ne répond pas : vérifiez son sens (puce vers le haut) et réinsérez-la",
      en: "The card does not answer: check its orientation (chip up) and reinsert it",
    },
    cpsFamily: false,
  },
};

export function cardTypeLabel(type: CardType, lang: "fr" | "en" = "fr"): string {
  return CARD_TYPE_LABELS[type].label[lang];
}
