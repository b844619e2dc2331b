/**
 * The headline and the "what to do next" sentence of a situation, in the interface language. Shared by the badge
 * title, the popup and the PIN window. The remedy always comes from protocol/src/errors.ts.
 */
import { cardAdvice, cardLabel } from "../i18n/card-labels";
import { errorText, type MessageKey, t } from "../i18n/index";
import type { Situation } from "./situation";
import type { UiLanguage } from "./state";

export interface Headline {
  title: string;
  /** The next step for the doctor. */
  next: string;
}

export function headlineOf(s: Situation, lang: UiLanguage): Headline {
  const title = t(lang, `situation.${s.kind}` as MessageKey, { card: cardLabel(s.reader?.cardType, lang) });
  if (s.code === undefined) {
    const detailKey = `situation.${s.kind}.detail` as MessageKey;
    return { title, next: t(lang, detailKey) };
  }
  const err = errorText(s.code, lang);
  // An old or contactless CPS: the card label says exactly what to do ("insérez-la dans le lecteur à contact…").
  if (s.kind === "unsupported-cps" && s.reader?.cardType !== "cpx-unknown") {
    return { title, next: cardAdvice(s.reader?.cardType, lang) };
  }
  // For an arbitrary agent or card error, errors.ts' own sentence says what happened better than a generic title.
  if (s.kind === "agent-error" || s.kind === "card-error") return { title: err.text, next: err.remedy };
  return { title, next: err.remedy };
}
