import type { PinStatus } from "@cps-bridge/protocol/model";
import { t } from "../../i18n/index";
import type { UiLanguage } from "../../shared/state";

/** Tries left as dots (filled = left) plus the sentence, so it reads without colour too. */
export function PinTries({ pin, lang }: { pin: PinStatus; lang: UiLanguage }) {
  const max = Math.max(pin.maxTries, pin.triesLeft, 1);
  const tone = pin.blocked || pin.triesLeft === 0 ? "error" : pin.triesLeft === 1 ? "warn" : "ok";
  const text = pin.blocked
    ? t(lang, "card.pinBlocked")
    : pin.triesLeft === 1
      ? t(lang, "card.pinOneTry", { max })
      : t(lang, "card.pinTries", { n: pin.triesLeft, max });
  return (
    <span data-pin-tries={pin.triesLeft}>
      <span class={`dots ${tone}`} aria-hidden="true">
        {Array.from({ length: max }, (_, i) => (
          <span key={i} class={i < pin.triesLeft && !pin.blocked ? "" : "used"} />
        ))}
      </span>
      {tone === "ok" ? text : <span class={`tag ${tone}`}>{text}</span>}
    </span>
  );
}
