/**
 * The toolbar popup: the situation first (one sentence + what to do), then what is known of the card, then the
 * agent line and the actions. Every state has a French sentence: the headline table (i18n/fr.ts) and the remedy of
 * the matching error code (protocol/src/errors.ts).
 */

import { t } from "../../i18n/index";
import { mainReader, situationOf } from "../../shared/situation";
import type { ExtensionState } from "../../shared/state";
import { AgentLine } from "../components/AgentLine";
import { CardDetails } from "../components/CardDetails";
import { ErrorNote } from "../components/ErrorNote";
import { Logo } from "../components/Logo";
import { StatusBanner } from "../components/StatusBanner";

export interface PopupActions {
  openPairing(): void;
  openOptions(): void;
  openDiagnostics(): void;
  retry(): void;
}

export function Popup({
  state,
  actions,
  now = Date.now(),
}: {
  state: ExtensionState;
  actions: PopupActions;
  now?: number;
}) {
  const lang = state.language;
  const situation = situationOf(state);
  // While a restarted worker reconnects, the last known card is shown dimmed rather than nothing.
  const stale = situation.kind === "agent-connecting" && state.readers.length > 0;
  const reader = situation.reader ?? (stale ? mainReader(state.readers) : undefined);
  const showCard = reader !== undefined && reader.state !== "empty" && situation.kind !== "no-card";
  const needsPairing =
    state.agent.status === "unpaired" ||
    (state.agent.status === "error" &&
      ["ERR_AGENT_UNTRUSTED", "ERR_AUTH_FAILED", "ERR_NOT_PAIRED"].includes(state.agent.errorCode ?? ""));
  const canRetry = state.agent.status === "unavailable" || state.agent.status === "error";
  const lastError =
    state.lastErrorCode !== undefined && state.lastErrorCode !== situation.code ? state.lastErrorCode : undefined;
  return (
    <main class="popup" data-situation={situation.kind}>
      <header class="popup-head">
        <Logo />
        <span class="brand">{t(lang, "app.name")}</span>
        <span class="spacer" />
        <button type="button" class="link" onClick={actions.openOptions} data-action="options">
          {t(lang, "action.options")}
        </button>
      </header>
      <StatusBanner situation={situation} lang={lang} />
      {stale ? (
        <p class="small muted" style={{ margin: "10px 0 0" }}>
          {t(lang, "card.stale")}
        </p>
      ) : null}
      {showCard && reader ? <CardDetails reader={reader} lang={lang} now={now} stale={stale} /> : null}
      {lastError ? <ErrorNote code={lastError} lang={lang} /> : null}
      {needsPairing || canRetry ? (
        <div class="actions">
          {needsPairing ? (
            <button type="button" class="primary" onClick={actions.openPairing} data-action="pair">
              {state.paired ? t(lang, "action.repair") : t(lang, "action.pair")}
            </button>
          ) : null}
          {canRetry ? (
            <button type="button" onClick={actions.retry} data-action="retry">
              {t(lang, "action.retry")}
            </button>
          ) : null}
        </div>
      ) : null}
      <div class="actions">
        <button type="button" class="link" onClick={actions.openDiagnostics} data-action="diagnostics">
          {t(lang, "action.diagnostics")}
        </button>
      </div>
      <footer class="popup-foot">
        <AgentLine agent={state.agent} lang={lang} />
      </footer>
    </main>
  );
}
