/**
 * The background's composition root. Every listener is registered synchronously when the worker script runs (an
 * MV3 worker woken by an event must find its listener at once); work that needs settings or IndexedDB waits for
 * `ready`. Restoring after a worker restart is simply running this again: settings from storage.local, the
 * pairing from IndexedDB, the last snapshot from storage.session, then a fresh agent connection.
 */

import { AGENT_PORT_RANGE } from "@cps-bridge/protocol/extension-ids";
import { otpCancel } from "@cps-bridge/protocol/methods/otp-cancel";
import { otpWait } from "@cps-bridge/protocol/methods/otp-wait";
import { browser } from "wxt/browser";
import { browserOfUserAgent } from "../diagnostics/run";
import { combineBadge } from "../dossiers/watch";
import { startDossierWatch, type WatchHandle } from "../dossiers/watch-background";
import type { WatchState } from "../dossiers/watch-storage";
import { resolveLanguage } from "../i18n/index";
import {
  DEFAULT_OTP_SETTINGS,
  loadOtpSettings,
  OTP_SETTINGS_KEY,
  type OtpSettings,
  parseOtpSettings,
} from "../shared/otp-settings";
import { DEFAULT_SETTINGS, loadSettings, parseSettings, SETTINGS_KEY, type Settings } from "../shared/settings";
import { initialState } from "../shared/state";
import { AgentClient } from "./agent/agent-client";
import { IndexedDbPairingStore } from "./agent/pairing-store";
import { browserSocketFactory, type SocketFactory } from "./agent/socket";
import { type ActionApi, BADGE_COLORS, createBadgeUpdater } from "./badge";
import { HANDLERS } from "./handlers/index";
import { OtpBroker, sessionUsedStore } from "./otp/broker";
import { type ContentScriptsLike, type ScriptingLike, WebmailScripts } from "./otp/webmail-scripts";
import { PinRequests } from "./pin/pin-requests";
import { Router } from "./router";
import type { Services } from "./services";
import { StateStore } from "./state/store";
import { type PortLike, serveStatePort } from "./state/ui-ports";

/** Wakes the worker once a minute while the agent is away, so the badge turns green without a click. */
export const RECONNECT_ALARM = "cps-bridge.reconnect";

export interface BackgroundOptions {
  createSocket?: SocketFactory;
  indexedDB?: IDBFactory;
}

/** What the worker exposes on `globalThis.cpsBridge` for Puppeteer and the benchmark (DevTools only). */
export interface BackgroundHandle {
  ready: Promise<void>;
  store: StateStore;
  client: AgentClient;
  pins: PinRequests;
  requestPinAndSign: PinRequests["requestPinAndSign"];
  /** epoch ms when this worker's script started */
  workerStart: number;
  /** The dossier watch (issue 12 §3): `runNow()` for the e2e and the bench. */
  watch: WatchHandle;
  /** The webmail content script's run-time registration (issue 11 §2): `registered` for the e2e. */
  webmailScripts: WebmailScripts;
}

const BROWSER_LABELS: Record<string, string> = { edge: "Edge", firefox: "Firefox", chromium: "Chromium" };
function browserName(): string {
  return BROWSER_LABELS[browserOfUserAgent(globalThis.navigator?.userAgent ?? "").browser] ?? "Chrome";
}

export function startBackground(options: BackgroundOptions = {}): BackgroundHandle {
  const workerStart = Math.round(performance.timeOrigin);
  let settings: Settings = { ...DEFAULT_SETTINGS };
  let otpSettings: OtpSettings = { ...DEFAULT_OTP_SETTINGS };
  const language = () => resolveLanguage(settings.language, browser.i18n?.getUILanguage?.());
  const store = new StateStore(initialState(settings.agentPort, language()), browser.storage.session);
  const ownBaseUrl = browser.runtime.getURL("/");
  const client = new AgentClient({
    store,
    pairings: new IndexedDbPairingStore(options.indexedDB ?? indexedDB),
    createSocket: options.createSocket ?? browserSocketFactory,
    port: () => settings.agentPort,
    // The agent takes the first free port of the range: the client scans it for the key it pinned.
    fallbackPorts: AGENT_PORT_RANGE,
    ownOrigin: new URL(ownBaseUrl).origin,
    clientVersion: browser.runtime.getManifest().version,
    language,
  });
  const pins = new PinRequests({
    client,
    store,
    windows: browser.windows,
    settings: () => settings,
    pinPageUrl: browser.runtime.getURL("/pin.html"),
  });
  const otp = new OtpBroker({
    agentWait: async (p) => {
      const r = await client.call(otpWait, p, p.timeoutMs + 15_000);
      return { code: r.code, mailDate: r.mailDate, sender: r.sender, mailId: r.mailId, auth: r.auth };
    },
    agentCancel: async () => {
      if (client.supports("otp.cancel")) await client.call(otpCancel, {});
    },
    used: sessionUsedStore(browser.storage.session),
    now: () => Date.now(),
    // The doctor's allow-list (options); the agent applies the same list, sent with mailbox.configure.
    webmailSenders: () => otpSettings.senders,
  });
  const scripting = (browser as unknown as { scripting?: Partial<ScriptingLike> }).scripting;
  const webmailScripts = new WebmailScripts({
    scripting: typeof scripting?.registerContentScripts === "function" ? (scripting as ScriptingLike) : undefined,
    contentScripts: (browser as unknown as { contentScripts?: ContentScriptsLike }).contentScripts,
    granted: (origins) => browser.permissions.contains({ origins }),
  });
  const syncWebmails = () => webmailScripts.sync(otpSettings.webmails).catch(() => []);
  const services: Services = {
    store,
    client,
    pins,
    otp,
    settings: () => settings,
    pairingLabel: () => `${browserName()} — ${new Date().toLocaleDateString("fr-FR")}`,
  };
  const router = new Router(HANDLERS, services, { id: browser.runtime.id, baseUrl: ownBaseUrl });

  const action = (browser.action ?? (browser as unknown as { browserAction: ActionApi }).browserAction) as ActionApi;
  let watchState: WatchState = { pending: 0, expired: false };
  const updateBadge = createBadgeUpdater(action, (b) =>
    combineBadge(b, watchState, [BADGE_COLORS.error, BADGE_COLORS.warn]),
  );
  store.subscribe((s) => {
    updateBadge(s).catch(() => {});
  });
  const watch = startDossierWatch({
    language,
    onStateChange: (w) => {
      watchState = w;
      updateBadge(store.get()).catch(() => {});
    },
  });

  const ready = (async () => {
    settings = await loadSettings();
    store.setLanguage(language());
    store.setPort(settings.agentPort);
    await store.restore().catch(() => false);
    otpSettings = await loadOtpSettings().catch(() => ({ ...DEFAULT_OTP_SETTINGS }));
    await syncWebmails();
    client.start();
    await updateBadge(store.get()).catch(() => {});
    browser.alarms.create(RECONNECT_ALARM, { periodInMinutes: 1 });
  })();

  // ── listeners, all registered synchronously ──
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    const answer = router.accepts(message) ? ready.then(() => router.dispatch(message, sender)) : undefined;
    return answer as Promise<unknown> | undefined;
  });
  browser.runtime.onConnect.addListener((port) => {
    serveStatePort(port as unknown as PortLike, store, browser.runtime.id, (w) => {
      void ready.then(() => client.setWatched(w));
    });
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RECONNECT_ALARM) void ready.then(() => client.reconnectNow());
  });
  browser.windows.onRemoved.addListener((windowId) => pins.windowRemoved(windowId));
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    if (OTP_SETTINGS_KEY in changes) {
      otpSettings = parseOtpSettings(changes[OTP_SETTINGS_KEY]?.newValue);
      void ready.then(syncWebmails);
    }
    if (!(SETTINGS_KEY in changes)) return;
    const before = settings;
    settings = parseSettings(changes[SETTINGS_KEY]?.newValue);
    store.setLanguage(language());
    if (settings.agentPort !== before.agentPort) {
      store.setPort(settings.agentPort);
      client.reconnectNow({ force: true });
    }
  });
  // A permission granted or withdrawn outside the options page (chrome://extensions, about:addons).
  browser.permissions.onAdded?.addListener(() => void ready.then(syncWebmails));
  browser.permissions.onRemoved?.addListener(() => void ready.then(syncWebmails));
  browser.runtime.onInstalled.addListener(({ reason }) => {
    // First install: the doctor's next step is pairing, so show it.
    if (reason === "install") void browser.tabs.create({ url: browser.runtime.getURL("/pair.html") });
  });

  return {
    ready,
    store,
    client,
    pins,
    requestPinAndSign: (req) => pins.requestPinAndSign(req),
    workerStart,
    watch,
    webmailScripts,
  };
}
