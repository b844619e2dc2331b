/**
 * Options (options.html, opened in a tab): agent port, pairing, allowed portals, language, and a developer
 * section for the mock portal's http://localhost origins. Saved to storage.local; the background applies changes
 * at once (storage.onChanged: a new port reconnects).
 */
import { DEFAULT_AGENT_PORT } from "@cps-bridge/protocol/extension-ids";
import { useState } from "preact/hooks";
import { t } from "../../i18n/index";
import { assistantReaches } from "../../portal/matches";
import { isValidPort, type LanguageSetting, normaliseOrigin, type Settings } from "../../shared/settings";
import type { ExtensionState } from "../../shared/state";
import { Logo } from "../components/Logo";

export interface OptionsActions {
  save(settings: Settings): Promise<void>;
  openPairing(): void;
  forgetPairing(): Promise<void>;
}

function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function OptionsPage({
  state,
  settings,
  actions,
}: {
  state: ExtensionState;
  settings: Settings;
  actions: OptionsActions;
}) {
  const lang = state.language;
  const [port, setPort] = useState(String(settings.agentPort));
  const [portals, setPortals] = useState(settings.portalOrigins.join("\n"));
  const [devOrigins, setDevOrigins] = useState(settings.developerOrigins.join("\n"));
  const [language, setLanguage] = useState<LanguageSetting>(settings.language);
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [forgotten, setForgotten] = useState(false);

  const onSave = async (e: Event) => {
    e.preventDefault();
    const errs: string[] = [];
    const portNum = Number(port);
    if (!isValidPort(portNum)) errs.push(t(lang, "options.portInvalid"));
    const portalList = lines(portals).map((o) => ({ raw: o, origin: normaliseOrigin(o) }));
    const devList = lines(devOrigins).map((o) => ({ raw: o, origin: normaliseOrigin(o, { developer: true }) }));
    for (const o of [...portalList, ...devList]) {
      if (o.origin === undefined) errs.push(t(lang, "options.originInvalid", { value: o.raw }));
      else if (!assistantReaches(o.origin)) errs.push(t(lang, "options.portalUnsupported", { value: o.origin }));
    }
    setProblems(errs);
    setSaved(false);
    if (errs.length > 0) return;
    await actions.save({
      agentPort: portNum,
      portalOrigins: portalList.map((o) => o.origin!),
      developerOrigins: devList.map((o) => o.origin!),
      language,
    });
    setSaved(true);
  };

  return (
    <main class="page" data-page="options">
      <header class="page-head">
        <Logo size={28} />
        <h1>{t(lang, "options.title")}</h1>
      </header>
      <form onSubmit={onSave}>
        <h2>{t(lang, "options.agent")}</h2>
        <label for="agent-port">{t(lang, "options.port")}</label>
        <div style={{ marginTop: "6px" }}>
          <input
            id="agent-port"
            inputMode="numeric"
            value={port}
            onInput={(e) => setPort((e.target as HTMLInputElement).value)}
            style={{ width: "120px" }}
          />
        </div>
        <p class="small muted" style={{ marginTop: "6px" }}>
          {t(lang, "options.portHelp", { port: DEFAULT_AGENT_PORT })}
        </p>

        <h2>{t(lang, "options.pairing")}</h2>
        <p data-paired={String(state.paired)}>
          {state.paired ? t(lang, "options.paired") : t(lang, "options.notPaired")}
        </p>
        {forgotten ? <p class="note">{t(lang, "options.forgotten")}</p> : null}
        <div class="actions" style={{ marginTop: "6px" }}>
          <button type="button" onClick={actions.openPairing} data-action="pair">
            {state.paired ? t(lang, "action.repair") : t(lang, "action.pair")}
          </button>
          {state.paired ? (
            <button
              type="button"
              class="link"
              data-action="forget"
              onClick={() => {
                void actions.forgetPairing().then(() => setForgotten(true));
              }}
            >
              {t(lang, "options.forget")}
            </button>
          ) : null}
        </div>

        <h2>{t(lang, "options.portals")}</h2>
        <textarea
          id="portals"
          rows={3}
          style={{ width: "100%" }}
          value={portals}
          onInput={(e) => setPortals((e.target as HTMLTextAreaElement).value)}
          spellcheck={false}
        />
        <p class="small muted" style={{ marginTop: "6px" }}>
          {t(lang, "options.portalsHelp")}
        </p>

        <h2>{t(lang, "options.language")}</h2>
        <select
          id="language"
          value={language}
          onChange={(e) => setLanguage((e.target as HTMLSelectElement).value as LanguageSetting)}
        >
          <option value="auto">{t(lang, "options.languageAuto")}</option>
          <option value="fr">Français</option>
          <option value="en">English</option>
        </select>

        <details style={{ marginTop: "24px" }} open={settings.developerOrigins.length > 0}>
          <summary style={{ cursor: "pointer", fontWeight: 650 }}>{t(lang, "options.developer")}</summary>
          <p class="small muted" style={{ marginTop: "8px" }}>
            {t(lang, "options.developerHelp")}
          </p>
          <textarea
            id="developer-origins"
            rows={3}
            style={{ width: "100%" }}
            value={devOrigins}
            onInput={(e) => setDevOrigins((e.target as HTMLTextAreaElement).value)}
            spellcheck={false}
            placeholder="http://localhost:8443"
          />
        </details>

        {problems.length > 0 ? (
          <div class="note error" role="alert">
            {problems.map((p) => (
              <p key={p} style={{ margin: 0 }}>
                {p}
              </p>
            ))}
          </div>
        ) : null}
        {saved ? (
          <p class="note ok" role="status" data-saved="true">
            {t(lang, "options.saved")}
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" data-action="save">
            {t(lang, "action.save")}
          </button>
        </div>
      </form>
    </main>
  );
}
