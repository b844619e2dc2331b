/**
 * On the portal's "La lecture de la carte CPS a échoué." page (features/cps-failure-takeover.tsx): the cause as
 * cps-bridge sees it right now, and the other ways in. The portal's own help paths stay below, untouched.
 */
import { t } from "../../i18n/index";
import { diagnoseFailure } from "../../portal/readiness";
import { type Situation, situationOf } from "../../shared/situation";
import type { ExtensionState, UiLanguage } from "../../shared/state";
import { StatusBanner } from "../components/StatusBanner";
import { AssistantHead } from "./AssistantHead";
import { CardSummary } from "./CardSummary";

export interface FailureTakeoverProps {
  state: ExtensionState | undefined;
  /** The portal's login page (same ReturnUrl), for "retry" and the other ways in. */
  loginUrl: string;
  fallbackLang?: UiLanguage;
  onOpenPage(page: "pair" | "options" | "diagnostics", event: Event): void;
  now?: number;
}

const CONNECTING: Situation = { kind: "agent-connecting", tone: "busy" };

/** Fragments the login page's method-focus feature understands (features/login-method-focus.ts). */
export const METHOD_FRAGMENTS = { ecps: "cps-bridge-ecps", password: "cps-bridge-identifiant" } as const;

export function FailureTakeover(p: FailureTakeoverProps) {
  const lang = p.state?.language ?? p.fallbackLang ?? "fr";
  const situation = p.state ? situationOf(p.state) : CONNECTING;
  const diagnosis = diagnoseFailure(situation);
  const now = p.now ?? Date.now();
  const base = p.loginUrl.replace(/#.*$/, "");
  return (
    <section
      class="cpsb-panel takeover"
      data-cps-panel="failure"
      data-situation={situation.kind}
      data-diagnosis={diagnosis}
      lang={lang}
    >
      <AssistantHead lang={lang} />
      <p class="cpsb-title">{t(lang, "portal.failure.title")}</p>
      {diagnosis === "card-fine" ? (
        <>
          <p>{t(lang, "portal.failure.cardFine")}</p>
          <StatusBanner situation={situation} lang={lang} />
          {situation.reader ? <CardSummary reader={situation.reader} lang={lang} now={now} /> : null}
          <p class="cpsb-lead">{t(lang, "portal.failure.cardFineCauses")}</p>
          <ol class="cpsb-causes">
            <li>{t(lang, "portal.failure.causeBrowser")}</li>
            <li>{t(lang, "portal.failure.causeCryptolib")}</li>
            <li>{t(lang, "portal.failure.causeCancelled")}</li>
          </ol>
        </>
      ) : (
        <>
          <p>{t(lang, diagnosis === "card-explains" ? "portal.failure.cardExplains" : "portal.failure.unknown")}</p>
          <StatusBanner situation={situation} lang={lang} />
          {situation.reader ? <CardSummary reader={situation.reader} lang={lang} now={now} /> : null}
          {situation.kind === "agent-unpaired" ? (
            <div class="cpsb-actions">
              <button type="button" class="primary" data-action="open-pairing" onClick={(e) => p.onOpenPage("pair", e)}>
                {t(lang, "action.pair")}
              </button>
            </div>
          ) : null}
        </>
      )}
      <p class="cpsb-lead">{t(lang, "portal.failure.otherWays")}</p>
      <div class="cpsb-ways">
        <a class="cpsb-way" data-action="way-ecps" href={`${base}#${METHOD_FRAGMENTS.ecps}`}>
          <span class="way-title">{t(lang, "portal.failure.ecps")}</span>
          <span class="way-help">{t(lang, "portal.failure.ecpsHelp")}</span>
        </a>
        <a class="cpsb-way" data-action="way-password" href={`${base}#${METHOD_FRAGMENTS.password}`}>
          <span class="way-title">{t(lang, "portal.failure.password")}</span>
          <span class="way-help">{t(lang, "portal.failure.passwordHelp")}</span>
        </a>
      </div>
      <div class="cpsb-actions">
        <a class="cpsb-link" data-action="retry-card" href={base}>
          {t(lang, "portal.failure.retry")}
        </a>
        <button
          type="button"
          class="cpsb-link"
          data-action="open-diagnostics"
          onClick={(e) => p.onOpenPage("diagnostics", e)}
        >
          {t(lang, "action.diagnostics")}
        </button>
      </div>
      <p class="cpsb-hint">{t(lang, "portal.failure.portalHelp")}</p>
    </section>
  );
}
