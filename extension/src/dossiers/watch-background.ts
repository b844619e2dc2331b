/**
 * The background watch's wiring (issue 12 §3): the alarm, the cycle, the notification, the badge state.
 * Registered synchronously by background/main.ts (an MV3 worker woken by the alarm must find its listener at once).
 *
 * Where the cycle runs: the reader (portal/dashboard.ts) needs a DOM. A Chrome MV3 service worker has no DOMParser,
 * so there the cycle runs in an offscreen document (`watch-offscreen.html`, reason DOM_PARSER) that fetches and parses
 * with the extension's host permission; a Firefox MV2 background page has DOMParser and runs it itself
 * (docs/decisions.md "Dossier watch: where the reader runs").
 */
import { browser } from "wxt/browser";
import { type CycleResult, dashboardUrl, notificationOf, runWatchCycle, type WatchSnapshot } from "./watch";
import {
  DEFAULT_WATCH_STATE,
  intervalFor,
  isSnapshot,
  parseWatchSettings,
  parseWatchState,
  snapshotKey,
  WATCH_ALARM,
  WATCH_SETTINGS_KEY,
  WATCH_STATE_KEY,
  WATCH_TEST_INTERVAL_KEY,
  type WatchSettings,
  type WatchState,
} from "./watch-storage";

export const WATCH_CYCLE_MESSAGE = "cpsb.watch.cycle";
export const WATCH_NOTIFICATION_ID = "cps-bridge.dossier-watch";

export interface CycleRequest {
  type: typeof WATCH_CYCLE_MESSAGE;
  origin: string;
  previous: WatchSnapshot | undefined;
  now: number;
}

/** The real fetch: the doctor's cookies (credentials "include"), never a stored password or code. */
export async function fetchPageWithCookies(url: string) {
  const r = await fetch(url, { credentials: "include", redirect: "follow", cache: "no-store" });
  return { url: r.url, status: r.status, redirected: r.redirected, text: await r.text() };
}

/** Runs the cycle where a DOMParser exists (offscreen document, Firefox background page). */
export function runCycleHere(req: CycleRequest): Promise<CycleResult> {
  return runWatchCycle({
    origin: req.origin,
    previous: req.previous,
    now: req.now,
    fetchPage: fetchPageWithCookies,
    parseHtml: (html) => new DOMParser().parseFromString(html, "text/html"),
  });
}

interface ChromeOffscreen {
  offscreen?: {
    createDocument(o: { url: string; reasons: string[]; justification: string }): Promise<void>;
    closeDocument?(): Promise<void>;
  };
  runtime: { getContexts?(f: { contextTypes: string[] }): Promise<unknown[]> };
}

/** Cycles using the offscreen document now; the last one out closes it (a renderer is not kept for 15+ minutes). */
let offscreenUsers = 0;

async function runCycleSomewhere(req: CycleRequest): Promise<CycleResult> {
  if (typeof DOMParser !== "undefined") return runCycleHere(req);
  const chrome = (globalThis as unknown as { chrome: ChromeOffscreen }).chrome;
  if (!chrome?.offscreen) return { kind: "error", message: "no DOMParser and no offscreen API" };
  offscreenUsers++;
  try {
    const contexts = (await chrome.runtime.getContexts?.({ contextTypes: ["OFFSCREEN_DOCUMENT"] })) ?? [];
    if (contexts.length === 0)
      await chrome.offscreen
        .createDocument({
          url: (browser.runtime.getURL as (path: string) => string)("/watch-offscreen.html"),
          reasons: ["DOM_PARSER"],
          justification: "Read the dossier table of the doctor's dashboard (counts only) for the opt-in watch.",
        })
        .catch((e: unknown) => {
          // two cycles at once: the document exists already
          if (!String(e).includes("single offscreen")) throw e;
        });
    return (await browser.runtime.sendMessage(req)) as CycleResult;
  } finally {
    if (--offscreenUsers === 0) await chrome.offscreen.closeDocument?.().catch(() => undefined);
  }
}

export interface WatchHandle {
  /** Runs one cycle now (the e2e and the bench call it through globalThis.cpsBridge). */
  runNow(): Promise<CycleResult | undefined>;
  state(): WatchState;
  /** The last notification this worker showed (memory only, counts-only text): what the e2e checks. */
  lastNotification(): { title: string; message: string; at: number } | undefined;
}

export interface WatchOptions {
  /** The badge must be recomputed (the watch state changed). */
  onStateChange(state: WatchState): void;
  /** The interface language (settings, else the browser's): the notification's words. */
  language(): "fr" | "en";
}

export function startDossierWatch(options: WatchOptions): WatchHandle {
  let state: WatchState = { ...DEFAULT_WATCH_STATE };
  let running: Promise<CycleResult | undefined> | undefined;
  let lastNotification: { title: string; message: string; at: number } | undefined;

  const loaded = (async () => {
    const got = (await browser.storage.local.get([WATCH_STATE_KEY])) as Record<string, unknown>;
    state = parseWatchState(got[WATCH_STATE_KEY]);
    options.onStateChange(state);
    await schedule();
  })();

  async function settings(): Promise<{ s: WatchSettings; test: unknown }> {
    const got = (await browser.storage.local.get([WATCH_SETTINGS_KEY, WATCH_TEST_INTERVAL_KEY])) as Record<
      string,
      unknown
    >;
    return { s: parseWatchSettings(got[WATCH_SETTINGS_KEY]), test: got[WATCH_TEST_INTERVAL_KEY] };
  }

  async function setState(next: WatchState): Promise<void> {
    state = next;
    await browser.storage.local.set({ [WATCH_STATE_KEY]: next });
    options.onStateChange(next);
  }

  async function schedule(): Promise<void> {
    const { s, test } = await settings();
    await browser.alarms.clear(WATCH_ALARM);
    if (!s.enabled || !s.origin) return;
    const minutes = intervalFor(s, test);
    // Chrome clamps alarms under 30 s (packed) / lets unpacked go lower; the e2e's seconds are loopback-only.
    browser.alarms.create(WATCH_ALARM, { delayInMinutes: minutes, periodInMinutes: minutes });
  }

  async function cycle(): Promise<CycleResult | undefined> {
    await loaded;
    const { s } = await settings();
    if (!s.enabled || !s.origin) return undefined;
    const origin = s.origin;
    const granted = await browser.permissions
      .contains({ origins: [`${new URL(origin).protocol}//${new URL(origin).hostname}/*`] })
      .catch(() => false);
    if (!granted) {
      await setState({ ...state, lastError: "permission" });
      return { kind: "error", message: "permission" };
    }
    const key = snapshotKey(origin);
    const got = (await browser.storage.local.get(key)) as Record<string, unknown>;
    const previous = isSnapshot(got[key]) ? got[key] : undefined;
    const t0 = performance.now();
    const result = await runCycleSomewhere({ type: WATCH_CYCLE_MESSAGE, origin, previous, now: Date.now() }).catch(
      (e: unknown): CycleResult => ({ kind: "error", message: e instanceof Error ? e.message : String(e) }),
    );
    const ms = Math.round(performance.now() - t0);
    if (result.kind === "expired") {
      // Stop, instead of looping on the login page; the doctor turns it on again after logging in.
      await browser.storage.local.set({ [WATCH_SETTINGS_KEY]: { ...s, enabled: false } });
      await browser.alarms.clear(WATCH_ALARM);
      await setState({ ...state, expired: true, lastRunAt: Date.now(), lastCycleMs: ms, lastError: undefined });
      return result;
    }
    if (result.kind === "error") {
      await setState({ ...state, lastRunAt: Date.now(), lastCycleMs: ms, lastError: result.message });
      return result;
    }
    await browser.storage.local.set({ [key]: result.snapshot });
    const pending = state.pending + result.total;
    await setState({ pending, expired: false, lastRunAt: Date.now(), lastCycleMs: ms });
    const n = notificationOf(result.counts, options.language());
    if (n) {
      await browser.notifications.create(WATCH_NOTIFICATION_ID, {
        type: "basic",
        iconUrl: browser.runtime.getURL("/icon/128.png"),
        title: n.title,
        message: n.message,
      });
      lastNotification = { ...n, at: Date.now() };
    }
    return result;
  }

  function runNow(): Promise<CycleResult | undefined> {
    running ??= cycle().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function openDashboard(): Promise<void> {
    const { s } = await settings();
    await setState({ ...state, pending: 0 });
    if (!s.origin) return;
    const u = new URL(s.origin);
    const tabs = await browser.tabs
      .query({
        url: `${u.protocol}//${u.hostname}/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB*`,
      })
      .catch(() => []);
    const tab = tabs.find((t) => t.url?.startsWith(s.origin!));
    if (tab?.id !== undefined) {
      await browser.tabs.update(tab.id, { active: true });
      if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => {});
      await browser.tabs.reload(tab.id).catch(() => {});
    } else await browser.tabs.create({ url: dashboardUrl(s.origin) });
  }

  // ── listeners, registered synchronously ──
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === WATCH_ALARM) void runNow();
  });
  browser.notifications?.onClicked.addListener((id) => {
    if (id !== WATCH_NOTIFICATION_ID) return;
    void browser.notifications.clear(id);
    void openDashboard();
  });
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    if (WATCH_SETTINGS_KEY in changes || WATCH_TEST_INTERVAL_KEY in changes) {
      const next = parseWatchSettings(changes[WATCH_SETTINGS_KEY]?.newValue);
      // Turned on again (after a new login): the expiry is over.
      if (WATCH_SETTINGS_KEY in changes && next.enabled && state.expired)
        void setState({ ...state, expired: false, lastError: undefined });
      void loaded.then(schedule);
    }
  });

  return { runNow, state: () => state, lastNotification: () => lastNotification };
}
