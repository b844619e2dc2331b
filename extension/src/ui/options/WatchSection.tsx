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

/** The section's words, French first (the options page follows the extension's language). */
const W = {
  fr: {
    expired:
      "Suivi arrêté : votre session ViaTrajectoire a expiré. Reconnectez-vous au portail puis réactivez le suivi.",
    off: "Suivi désactivé.",
    permission: "Suivi en attente : l'autorisation d'accès au portail a été retirée.",
    failed: "Suivi actif ; la dernière vérification a échoué (réseau), nouvel essai au prochain intervalle.",
    activeAt: "Suivi actif, toutes les {m} minutes ; dernière vérification à {t}.",
    active: "Suivi actif, toutes les {m} minutes.",
    refused: "Autorisation refusée : le suivi reste désactivé.",
    noPrompt: "Le navigateur n'a pas pu demander l'autorisation.",
    title: "Suivi en arrière-plan",
    lead: "Si vous l'activez, cps-bridge relit votre tableau de bord à l'intervalle choisi, avec votre session ouverte dans ce navigateur (jamais votre mot de passe ni un code), et vous prévient par une notification qui ne contient que des nombres (« 2 dossiers ont une nouvelle réponse ») — jamais le nom d'un patient. Le navigateur vous demandera d'autoriser l'accès au portail.",
    portal: "Portail",
    interval: "Intervalle",
    minutes: "{n} minutes",
    hour: "1 heure",
    hours: "{n} heures",
    enable: "Me prévenir des changements sur mes dossiers",
  },
  en: {
    expired: "Watch stopped: your ViaTrajectoire session expired. Log in to the portal again, then turn the watch on.",
    off: "Watch off.",
    permission: "Watch waiting: the permission to access the portal was withdrawn.",
    failed: "Watch on; the last check failed (network), next try at the next interval.",
    activeAt: "Watch on, every {m} minutes; last check at {t}.",
    active: "Watch on, every {m} minutes.",
    refused: "Permission refused: the watch stays off.",
    noPrompt: "The browser could not ask for the permission.",
    title: "Background watch",
    lead: "If you turn it on, cps-bridge reads your dashboard again at the chosen interval, with the session open in this browser (never your password nor a code), and tells you with a notification that holds numbers only (“2 dossiers have a new answer”) — never a patient's name. The browser will ask you to allow access to the portal.",
    portal: "Portal",
    interval: "Interval",
    minutes: "{n} minutes",
    hour: "1 hour",
    hours: "{n} hours",
    enable: "Tell me about changes to my dossiers",
  },
} as const;
type Lang = keyof typeof W;
const fill = (s: string, p: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (m, k: string) => String(p[k] ?? m));

function stateLine(s: WatchSettings, st: WatchState | undefined, lang: Lang): string {
  const w = W[lang];
  if (st?.expired) return w.expired;
  if (!s.enabled) return w.off;
  if (st?.lastError === "permission") return w.permission;
  if (st?.lastError) return w.failed;
  if (st?.lastRunAt)
    return fill(w.activeAt, {
      m: s.intervalMin,
      t: new Date(st.lastRunAt).toLocaleTimeString(lang === "en" ? "en-GB" : "fr-FR"),
    });
  return fill(w.active, { m: s.intervalMin });
}

export function WatchSection({ origins, lang = "fr" }: { origins: readonly string[]; lang?: Lang }) {
  const w = W[lang];
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
          setMessage(w.refused);
          return;
        }
        setMessage(undefined);
        void save({ ...settings, enabled: true, origin });
      },
      () => setMessage(w.noPrompt),
    );
  };

  return (
    <main class="page">
      <section class="card" aria-labelledby="watch-title" id="cpsb-watch-options">
        <h2 id="watch-title">{w.title}</h2>
        <p>{w.lead}</p>
        {origins.length > 1 && (
          <label>
            {w.portal}{" "}
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
            {w.interval}{" "}
            <select
              id="cpsb-watch-interval"
              value={String(settings.intervalMin)}
              onChange={(e) => void save({ ...settings, intervalMin: Number((e.target as HTMLSelectElement).value) })}
            >
              {WATCH_INTERVALS_MIN.map((m) => (
                <option key={m} value={String(m)}>
                  {m < 60 ? fill(w.minutes, { n: m }) : m === 60 ? w.hour : fill(w.hours, { n: m / 60 })}
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
            {w.enable}
          </label>
        </p>
        <p id="cpsb-watch-state" role="status">
          {stateLine(settings, state, lang)}
        </p>
        {message && <p role="alert">{message}</p>}
      </section>
    </main>
  );
}
