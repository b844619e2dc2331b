import { errorText } from "../../i18n/index";
import type { UiLanguage } from "../../shared/state";

/** An error code as a doctor reads it: what happened, then what to do (both from protocol/src/errors.ts). */
export function ErrorNote({
  code,
  lang,
  extra,
  hideRemedy = false,
}: {
  code: string;
  lang: UiLanguage;
  extra?: string;
  /** When the page itself goes on with detailed steps (the PIN window's unblocking instructions). */
  hideRemedy?: boolean;
}) {
  const { text, remedy } = errorText(code, lang);
  return (
    <div class="note error" role="alert" data-error-code={code}>
      <p class="strong" style={{ fontWeight: 650, margin: hideRemedy && !extra ? 0 : undefined }}>
        {text}
      </p>
      {extra ? <p>{extra}</p> : null}
      {hideRemedy ? null : <p style={{ margin: 0 }}>{remedy}</p>}
    </div>
  );
}
