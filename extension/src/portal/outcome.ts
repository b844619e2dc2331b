/**
 * The sentence and next step for a portal's refusal of a token login (`#lblErreur[data-code]`): an ERR_TOKEN_* code
 * (or any ERR_ code) reads from protocol/src/errors.ts, a PORTAL_* code from protocol/src/portal-contract.ts. An
 * unknown code gets no text of ours: the portal's own sentence is on the page already.
 */
import { isErrorCode } from "@cps-bridge/protocol/errors";
import { isPortalOutcomeCode, PORTAL_OUTCOME_CODES } from "@cps-bridge/protocol/portal-contract";
import { type ErrorText, errorText } from "../i18n/index";
import type { UiLanguage } from "../shared/state";

export function portalOutcomeText(code: string, lang: UiLanguage): ErrorText | undefined {
  if (isErrorCode(code)) return errorText(code, lang);
  if (isPortalOutcomeCode(code)) {
    const t = PORTAL_OUTCOME_CODES[code];
    return lang === "en" ? { text: t.en, remedy: t.remedyEn } : { text: t.fr, remedy: t.remedyFr };
  }
  return undefined;
}
