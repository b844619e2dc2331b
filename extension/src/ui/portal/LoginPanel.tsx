/**
 * The panel beside the portal's "Se connecter par carte CPS" (features/cps-login-panel.tsx): the live card situation
 * in the popup's words (StatusBanner: shared/situation.ts + headline.ts, never a second mapping), the holder, PIN
 * tries and certificate, and — on a portal that accepts cps-bridge tokens — the one-click login button, disabled with
 * the reason whenever the card cannot log in.
 */
import { errorText, t } from "../../i18n/index";
import { portalOutcomeText } from "../../portal/outcome";
import { tokenLoginReadiness } from "../../portal/readiness";
import type { LoginPhase } from "../../portal/token-login";
import { type Situation, situationOf } from "../../shared/situation";
import type { ExtensionState, UiLanguage } from "../../shared/state";
import { ErrorNote } from "../components/ErrorNote";
import { StatusBanner } from "../components/StatusBanner";
import { AssistantHead } from "./AssistantHead";
import { CardSummary } from "./CardSummary";

export interface LoginPanelProps {
  /** Undefined until the background's first snapshot arrives. */
  state: ExtensionState | undefined;
  /** `token`: the page carries a cps-bridge challenge; `real`: today's portal (TLS login by the browser). */
  mode: "token" | "real";
  phase: LoginPhase;
  /** The portal's refusal of a previous token post (`#lblErreur[data-code]`). */
  portalOutcome?: { code: string };
  /** The feature only acts on trusted (real user) events. */
  onLogin(event: Event): void;
  onOpenPage(page: "pair" | "options" | "diagnostics", event: Event): void;
  /** Language before the first snapshot (the portal page's). */
  fallbackLang?: UiLanguage;
  now?: number;
}

const CONNECTING: Situation = { kind: "agent-connecting", tone: "busy" };

/** "… refusé la connexion : votre carte …" — the sentence continues after the colon. */
function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function LoginPanel(p: LoginPanelProps) {
  const lang = p.state?.language ?? p.fallbackLang ?? "fr";
  const situation = p.state ? situationOf(p.state) : CONNECTING;
  const readiness = tokenLoginReadiness(situation);
  const now = p.now ?? Date.now();
  const busy = p.phase.step === "waiting-pin" || p.phase.step === "submitting";
  const outcome =
    p.portalOutcome && p.phase.step === "idle" ? portalOutcomeText(p.portalOutcome.code, lang) : undefined;
  const needsPairing =
    p.state?.agent.status === "unpaired" ||
    (p.state?.agent.status === "error" &&
      ["ERR_AGENT_UNTRUSTED", "ERR_AUTH_FAILED", "ERR_NOT_PAIRED"].includes(p.state.agent.errorCode ?? ""));
  return (
    <section
      class="cpsb-panel"
      data-cps-panel="login"
      data-mode={p.mode}
      data-situation={situation.kind}
      data-readiness={readiness}
      data-phase={p.phase.step}
      lang={lang}
    >
      <AssistantHead lang={lang} />
      <StatusBanner situation={situation} lang={lang} />
      {situation.reader ? <CardSummary reader={situation.reader} lang={lang} now={now} /> : null}
      {outcome ? (
        <div class="note error" role="alert" data-portal-outcome={p.portalOutcome?.code}>
          <p style={{ fontWeight: 650 }}>
            {t(lang, "portal.login.refused")} : {lowerFirst(outcome.text)}
          </p>
          <p style={{ margin: 0 }}>{outcome.remedy}</p>
        </div>
      ) : null}
      {p.phase.step === "failed" && p.phase.code === "ERR_USER_CANCELLED" ? (
        // The doctor closed the PIN window or clicked "Annuler": nothing went wrong, no alarm colour.
        <p class="note" data-error-code={p.phase.code}>
          {errorText(p.phase.code, lang).text} {errorText(p.phase.code, lang).remedy}
        </p>
      ) : p.phase.step === "failed" && p.phase.code !== situation.code ? (
        <ErrorNote code={p.phase.code} lang={lang} />
      ) : null}
      {needsPairing ? (
        <div class="cpsb-actions">
          <button type="button" class="primary" data-action="open-pairing" onClick={(e) => p.onOpenPage("pair", e)}>
            {p.state?.paired ? t(lang, "action.repair") : t(lang, "action.pair")}
          </button>
        </div>
      ) : null}
      {p.mode === "token" ? (
        <>
          <div class="cpsb-actions">
            <button
              type="button"
              class="primary big"
              data-action="cps-login"
              disabled={readiness !== "can-login" || busy}
              onClick={(e) => p.onLogin(e)}
            >
              {t(lang, "portal.login.button")}
            </button>
          </div>
          <p class={`cpsb-hint${busy || readiness === "wait" ? " busy" : ""}`} data-hint>
            {p.phase.step === "waiting-pin"
              ? t(lang, "portal.login.waitingPin")
              : p.phase.step === "submitting"
                ? t(lang, "portal.login.submitting")
                : readiness === "wait"
                  ? t(lang, "portal.login.wait")
                  : situation.kind === "agent-unavailable"
                    ? t(lang, "pair.waitingAgent")
                    : readiness === "blocked"
                      ? t(lang, "portal.login.blocked")
                      : situation.kind === "pin-last-try"
                        ? t(lang, "portal.login.lastTry")
                        : t(lang, "portal.login.pinInWindow")}
          </p>
        </>
      ) : (
        <p class="cpsb-hint" data-hint>
          {t(lang, "portal.real.explain")}
        </p>
      )}
      <div class="cpsb-actions">
        <button
          type="button"
          class="cpsb-link"
          data-action="open-diagnostics"
          onClick={(e) => p.onOpenPage("diagnostics", e)}
        >
          {t(lang, "action.diagnostics")}
        </button>
      </div>
    </section>
  );
}
