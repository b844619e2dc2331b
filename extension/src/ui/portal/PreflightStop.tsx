/**
 * Shown by the pre-flight (features/cps-preflight.tsx) when the doctor clicked the portal's own card button while the
 * card situation dooms a TLS card login: what is wrong (the popup's words) and an escape hatch, since cps-bridge sees
 * the card through its own agent and the portal's middleware might still see something else.
 */
import { t } from "../../i18n/index";
import type { Situation } from "../../shared/situation";
import type { UiLanguage } from "../../shared/state";
import { StatusBanner } from "../components/StatusBanner";
import { AssistantHead } from "./AssistantHead";

export function PreflightStop({
  situation,
  lang,
  onContinue,
  onDismiss,
}: {
  situation: Situation;
  lang: UiLanguage;
  onContinue(event: Event): void;
  onDismiss(event: Event): void;
}) {
  const lastTry = situation.kind === "pin-last-try";
  return (
    <section
      class={`cpsb-panel stop${lastTry ? " warn" : ""}`}
      role="alertdialog"
      aria-labelledby="cpsb-stop-title"
      data-cps-panel="preflight"
      data-situation={situation.kind}
      lang={lang}
    >
      <AssistantHead lang={lang} />
      <p class="cpsb-title" id="cpsb-stop-title">
        {t(lang, "portal.preflight.title")}
      </p>
      <p>{lastTry ? t(lang, "portal.preflight.whyLastTry") : t(lang, "portal.preflight.why")}</p>
      <StatusBanner situation={situation} lang={lang} />
      <div class="cpsb-actions">
        <button type="button" data-action="preflight-continue" onClick={(e) => onContinue(e)}>
          {t(lang, "portal.preflight.continue")}
        </button>
        <button type="button" class="link" data-action="preflight-dismiss" onClick={(e) => onDismiss(e)}>
          {t(lang, "portal.preflight.dismiss")}
        </button>
      </div>
    </section>
  );
}
