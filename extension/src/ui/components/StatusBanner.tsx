import { headlineOf } from "../../shared/headline";
import type { Situation } from "../../shared/situation";
import type { UiLanguage } from "../../shared/state";
import { StatusIcon } from "./StatusIcon";

/** The one sentence that matters first, and what to do next (remedy from protocol/src/errors.ts). */
export function StatusBanner({ situation, lang }: { situation: Situation; lang: UiLanguage }) {
  const { title, next } = headlineOf(situation, lang);
  return (
    <div class={`banner ${situation.tone}`} role="status" aria-live="polite" data-situation={situation.kind}>
      <StatusIcon tone={situation.tone} />
      <div>
        <p class="title">{title}</p>
        <p class="next">{next}</p>
      </div>
    </div>
  );
}
