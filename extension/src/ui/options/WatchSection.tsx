/**
 * Options: the background watch of the dossiers (issue 12 §3), off by default. Turning it on asks the browser for
 * the optional host permission of the chosen portal — in the click itself (a user gesture: permissions.request
 * refuses otherwise). The state line says when the session expired and the watch stopped itself.
 */
import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { WATCH_INTERVALS_MIN } from "../../dossiers/watch";
import {
  DEFAULT_WATCH_SETTINGS,
  parseWatchSettings,
  parseWatchState,
  WATCH_SETTINGS_KEY,
  WATCH_STATE_KEY,
  type WatchSettings,
  type WatchState,
  watchOriginPattern,
} from "../../dossiers/watch-storage";

function stateLine(s: WatchSettings, st: WatchState | undefined): string {
  if (st?.expired)
    return "Suivi arrêté : votre session ViaTrajectoire a expiré. Reconnectez-vous au portail puis réactivez le suivi.";
  if (!s.enabled) return "Suivi désactivé.";
  if (st?.lastError === "permission") return "Suivi en attente : l'autorisation d'accès au portail a été retirée.";
  if (st?.lastError)
    return "Suivi actif ; la dernière vérification a échoué (réseau), nouvel essai au prochain intervalle.";
  if (st?.lastRunAt)
    return `Suivi actif, toutes les ${s.intervalMin} minutes ; dernière vérification à ${new Date(st.lastRunAt).toLocaleTimeString("fr-FR")}.`;
  return `Suivi actif, toutes les ${s.intervalMin} minutes.`;
}

export function WatchSection({ origins }: { origins: readonly string[] }) {
  const [settings, setSettings] = useState<WatchSettings>(DEFAULT_WATCH_SETTINGS);
  const [state, setState] = useState<WatchState>();
  const [message, setMessage] = useState<string>();
  const [origin, setOrigin] = useState<string>(origins[0] ?? "");
  useEffect(() => {
    const load = () =>
      void browser.storage.local.get([WATCH_SETTINGS_KEY, WATCH_STATE_KEY]).then((got) => {
        const s = parseWatchSettings(got[WATCH_SETTINGS_KEY]);
        setSettings(s);
        if (s.origin) setOrigin(s.origin);
        setState(parseWatchState(got[WATCH_STATE_KEY]));
      });
    load();
    const listener = (changes: Record<string, unknown>, area: string) => {
      if (area === "local" && (WATCH_SETTINGS_KEY in changes || WATCH_STATE_KEY in changes)) load();
    };
    browser.storage.onChanged.addListener(listener);
    return () => browser.storage.onChanged.removeListener(listener);
  }, []);

  const save = (s: WatchSettings) => browser.storage.local.set({ [WATCH_SETTINGS_KEY]: s });

  const toggle = (on: boolean) => {
    if (!on) {
      void save({ ...settings, enabled: false });
      setMessage(undefined);
      return;
    }
    if (!origin) return;
    // No await before this call: the permission prompt needs the click's user gesture.
    void browser.permissions.request({ origins: [watchOriginPattern(origin)] }).then(
      (granted) => {
        if (!granted) {
          setMessage("Autorisation refusée : le suivi reste désactivé.");
          return;
        }
        setMessage(undefined);
        void save({ ...settings, enabled: true, origin });
      },
      () => setMessage("Le navigateur n'a pas pu demander l'autorisation."),
    );
  };

  return (
    <main class="page">
      <section class="card" aria-labelledby="watch-title" id="cpsb-watch-options">
        <h2 id="watch-title">Suivi en arrière-plan</h2>
        <p>
          Si vous l'activez, cps-bridge relit votre tableau de bord à l'intervalle choisi, avec votre session ouverte
          dans ce navigateur (jamais votre mot de passe ni un code), et vous prévient par une notification qui ne
          contient que des nombres (« 2 dossiers ont une nouvelle réponse ») — jamais le nom d'un patient. Le navigateur
          vous demandera d'autoriser l'accès au portail.
        </p>
        {origins.length > 1 && (
          <label>
            Portail{" "}
            <select
              id="cpsb-watch-origin"
              value={origin}
              disabled={settings.enabled}
              onChange={(e) => setOrigin((e.target as HTMLSelectElement).value)}
            >
              {origins.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
        )}
        <p>
          <label>
            Intervalle{" "}
            <select
              id="cpsb-watch-interval"
              value={String(settings.intervalMin)}
              onChange={(e) => void save({ ...settings, intervalMin: Number((e.target as HTMLSelectElement).value) })}
            >
              {WATCH_INTERVALS_MIN.map((m) => (
                <option key={m} value={String(m)}>
                  {m < 60 ? `${m} minutes` : `${m / 60} heure${m > 60 ? "s" : ""}`}
                </option>
              ))}
            </select>
          </label>
        </p>
        <p>
          <label>
            <input
              type="checkbox"
              id="cpsb-watch-enabled"
              checked={settings.enabled}
              onChange={(e) => toggle((e.target as HTMLInputElement).checked)}
            />{" "}
            Me prévenir des changements sur mes dossiers
          </label>
        </p>
        <p id="cpsb-watch-state" role="status">
          {stateLine(settings, state)}
        </p>
        {message && <p role="alert">{message}</p>}
      </section>
    </main>
  );
}
