/**
 * What a detected card type is called in front of a doctor ("Carte Vitale 2", not "vitale2"). The words are the
 * card-core engineer's (protocol/src/card-labels.ts), so the agent's CLI and the extension say the same thing.
 */
import { CARD_TYPE_LABELS } from "@cps-bridge/protocol/card-labels";
import type { CardType } from "@cps-bridge/protocol/model";
import type { UiLanguage } from "../shared/state";

function entry(type: CardType | undefined) {
  return CARD_TYPE_LABELS[type ?? "unknown"] ?? CARD_TYPE_LABELS.unknown;
}

/** The short name: "Carte CPS3", "Carte Vitale 2". */
export function cardLabel(type: CardType | undefined, lang: UiLanguage): string {
  return entry(type).name[lang];
}

/** The sentence for that card in the reader, which says what to do ("Carte Vitale : insérez votre carte CPS"). */
export function cardAdvice(type: CardType | undefined, lang: UiLanguage): string {
  return entry(type).label[lang];
}

/** A card of the CPS family, whether or not it can log in (CPS2ter, contactless face…). */
export function isCpsFamily(type: CardType | undefined): boolean {
  return type !== undefined && entry(type).cpsFamily;
}
