/**
 * Where the background watch keeps its few things (all storage.local, nothing else anywhere):
 * - `cpsb.watch.v1.settings`: on/off, the interval, the portal origin watched (the doctor's choice in the options);
 * - `cpsb.watch.v1.state`: counts-only state for the badge and the options (pending changes, expired, last run);
 * - `cpsb.watch.v1:<origin>`: the watch's own snapshot — per dossier number the overlay's codes-only `Snap`.
 * « Tout effacer » (options) removes the snapshot too (prefix `cpsb.watch.v1:`).
 * `cpsb.watch.testIntervalSeconds` (e2e only): honoured only when the watched origin is a loopback http origin (the
 * mock portal, a developer origin) — a doctor's https portal is never watched more often than every 15 minutes.
 */
import { DEFAULT_WATCH_INTERVAL_MIN, effectiveIntervalMinutes, type WatchSnapshot } from "./watch";

export const WATCH_SETTINGS_KEY = "cpsb.watch.v1.settings";
export const WATCH_STATE_KEY = "cpsb.watch.v1.state";
export const WATCH_SNAPSHOT_PREFIX = "cpsb.watch.v1:";
export const WATCH_TEST_INTERVAL_KEY = "cpsb.watch.testIntervalSeconds";
export const WATCH_ALARM = "cps-bridge.dossier-watch";

export interface WatchSettings {
  enabled: boolean;
  intervalMin: number;
  origin?: string;
}
export interface WatchState {
  /** Dossiers changed since the doctor last clicked the notification or opened the dashboard from it. */
  pending: number;
  /** The session expired during the watch: the watch stopped itself. */
  expired: boolean;
  lastRunAt?: number;
  lastError?: string;
  lastCycleMs?: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = { enabled: false, intervalMin: DEFAULT_WATCH_INTERVAL_MIN };
export const DEFAULT_WATCH_STATE: WatchState = { pending: 0, expired: false };

export function parseWatchSettings(x: unknown): WatchSettings {
  const o = (x && typeof x === "object" ? x : {}) as Partial<WatchSettings>;
  return {
    enabled: o.enabled === true,
    intervalMin: typeof o.intervalMin === "number" ? o.intervalMin : DEFAULT_WATCH_INTERVAL_MIN,
    ...(typeof o.origin === "string" ? { origin: o.origin } : {}),
  };
}
export function parseWatchState(x: unknown): WatchState {
  const o = (x && typeof x === "object" ? x : {}) as Partial<WatchState>;
  return { ...DEFAULT_WATCH_STATE, ...o, pending: Number(o.pending) || 0, expired: o.expired === true };
}

export function isLoopbackHttp(origin: string | undefined): boolean {
  if (!origin) return false;
  try {
    const u = new URL(origin);
    return u.protocol === "http:" && (u.hostname === "localhost" || u.hostname === "127.0.0.1");
  } catch {
    return false;
  }
}

export function intervalFor(settings: WatchSettings, testSeconds: unknown): number {
  const t = typeof testSeconds === "number" ? testSeconds : undefined;
  return effectiveIntervalMinutes(settings.intervalMin, t, isLoopbackHttp(settings.origin));
}

export function snapshotKey(origin: string): string {
  return `${WATCH_SNAPSHOT_PREFIX}${origin}`;
}
export function isSnapshot(x: unknown): x is WatchSnapshot {
  return (
    !!x && typeof x === "object" && (x as WatchSnapshot).v === 1 && typeof (x as WatchSnapshot).dossiers === "object"
  );
}

/** The optional host permission the watch asks for at opt-in: the portal's dashboard pages only. */
export function watchOriginPattern(origin: string): string {
  const u = new URL(origin);
  // Firefox forbids a port in a match pattern; Chrome matches any port without one.
  return `${u.protocol}//${u.hostname}/*`;
}
