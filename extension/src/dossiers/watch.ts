/**
 * The background watch's cycle (issue 12 §3), pure: no extension API, everything injected, so the unit tests run it
 * with fakes and the background (Firefox MV2 page: its own DOMParser; Chrome MV3 worker: see docs/decisions.md)
 * supplies the real fetch and HTML parser.
 *
 * One cycle: GET the dashboard's three tabs with the doctor's own session (`credentials: "include"`, the browser's
 * cookies; never a replayed password or code), read each with the overlay's reader (portal/dashboard.ts), diff each
 * dossier against the watch's own last snapshot (diff-store.ts `snapOf` / `diffOne`) and return counts only.
 *
 * The watch keeps its own snapshot (`cpsb.watch.v1:<origin>`, same codes-only `Snap` as the overlay) and never
 * touches the overlay's memory: if it did, the dashboard's "since the last visit" marks would lose exactly the changes
 * the notification announced.
 *
 * Session expiry: a tab that does not read as a dashboard (the fetch was redirected to the login page, or the login
 * page is served on the dashboard's URL, or HTTP 401/403) ends the cycle with `expired`; the caller stops the alarm.
 */
import { readDashboard, TABS, type Tab } from "../portal/dashboard";
import { type DossierDiff, diffOne, FORGET_AFTER_MS, type Snap, snapOf } from "./diff-store";

export const DASHBOARD_PATH = "/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB";
/** Choices offered to the doctor (minutes). Never under 15 (issue 12 §3). */
export const WATCH_INTERVALS_MIN = [15, 30, 60, 120] as const;
export const DEFAULT_WATCH_INTERVAL_MIN = 30;
export const MIN_WATCH_INTERVAL_MIN = 15;

export function dashboardUrl(origin: string, tab?: Tab): string {
  return `${origin}${DASHBOARD_PATH}${tab ? `?onglet=${tab}` : ""}`;
}

/** What the watch remembers: per dossier number, the overlay's codes-only snapshot. */
export interface WatchSnapshot {
  v: 1;
  at: number;
  dossiers: Record<string, Snap>;
}

export interface WatchCounts {
  /** new dossiers in « en cours » / « annulés » */
  nouveaux: number;
  /** new requests in « Ne fait pas partie de ma patientèle » */
  demandes: number;
  /** dossiers with a new establishment answer */
  reponses: number;
  /** dossiers whose volet médical became owed (à compléter) */
  volets: number;
  /** other changes (status, rattachement, last change) */
  modifies: number;
}

export type CycleResult =
  | { kind: "ok"; counts: WatchCounts; total: number; snapshot: WatchSnapshot; bytes: number; first: boolean }
  | { kind: "expired"; status: number; url: string }
  | { kind: "error"; message: string };

export interface FetchedPage {
  url: string;
  status: number;
  redirected: boolean;
  text: string;
}

export interface CycleDeps {
  origin: string;
  /** GET with the browser's cookies (credentials: "include"). */
  fetchPage(url: string): Promise<FetchedPage>;
  parseHtml(html: string): Document;
  previous: WatchSnapshot | undefined;
  now: number;
}

export function emptyCounts(): WatchCounts {
  return { nouveaux: 0, demandes: 0, reponses: 0, volets: 0, modifies: 0 };
}

export function countOf(c: WatchCounts): number {
  return c.nouveaux + c.demandes + c.reponses + c.volets + c.modifies;
}

function classify(d: DossierDiff, tab: Tab, c: WatchCounts): void {
  if (d.kind === "new") {
    if (tab === "horspatientele") c.demandes++;
    else c.nouveaux++;
  } else if (d.newAnswers.length > 0) c.reponses++;
  else if (d.changes.some((ch) => ch.field === "volet" && ch.to === "a_completer")) c.volets++;
  else c.modifies++;
}

export async function runWatchCycle(deps: CycleDeps): Promise<CycleResult> {
  const counts = emptyCounts();
  const dossiers: Record<string, Snap> = {};
  let bytes = 0;
  const first = !deps.previous;
  for (const tab of TABS) {
    const url = dashboardUrl(deps.origin, tab);
    let page: FetchedPage;
    try {
      page = await deps.fetchPage(url);
    } catch (e) {
      return { kind: "error", message: e instanceof Error ? e.message : String(e) };
    }
    bytes += page.text.length;
    if (page.status === 401 || page.status === 403) return { kind: "expired", status: page.status, url: page.url };
    if (page.status >= 400) return { kind: "error", message: `HTTP ${page.status}` };
    let finalUrl: URL;
    try {
      finalUrl = new URL(page.url || url);
    } catch {
      finalUrl = new URL(url);
    }
    const dashboard = readDashboard(finalUrl, deps.parseHtml(page.text));
    // Landed elsewhere (login page after a redirect) or the login form served on the dashboard URL.
    if (!dashboard) return { kind: "expired", status: page.status, url: finalUrl.href };
    for (const row of dashboard.rows) {
      const snap = snapOf(row, tab, deps.now);
      dossiers[row.numero] = snap;
      if (first) continue;
      const d = diffOne(row.numero, deps.previous?.dossiers[row.numero], snap);
      if (d) classify(d, tab, counts);
    }
  }
  // Dossiers not seen this cycle are kept until the overlay's 90-day limit (a dossier may move between tabs).
  for (const [n, s] of Object.entries(deps.previous?.dossiers ?? {}))
    if (!dossiers[n] && deps.now - s.seen <= FORGET_AFTER_MS) dossiers[n] = s;
  return {
    kind: "ok",
    counts,
    total: countOf(counts),
    snapshot: { v: 1, at: deps.now, dossiers },
    bytes,
    first,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}

/**
 * The notification's lines: counts and fixed words only — built from numbers, so no patient name (or any text of
 * the page) can reach it. Most action-worthy first (same order as the summary box).
 */
export function countsLines(c: WatchCounts, lang: "fr" | "en" = "fr"): string[] {
  const w = COUNT_WORDS[lang];
  const out: string[] = [];
  for (const k of ["demandes", "reponses", "volets", "nouveaux", "modifies"] as const)
    if (c[k]) out.push(plural(c[k], w[k][0], w[k][1]));
  return out;
}

/** French first; English for a browser set to English (the notification's only words). */
const COUNT_WORDS = {
  fr: {
    demandes: ["nouvelle demande à accepter", "nouvelles demandes à accepter"],
    reponses: ["dossier a une nouvelle réponse", "dossiers ont une nouvelle réponse"],
    volets: ["volet médical à compléter", "volets médicaux à compléter"],
    nouveaux: ["nouveau dossier", "nouveaux dossiers"],
    modifies: ["dossier modifié", "dossiers modifiés"],
  },
  en: {
    demandes: ["new request to accept", "new requests to accept"],
    reponses: ["dossier has a new answer", "dossiers have a new answer"],
    volets: ["medical section to complete", "medical sections to complete"],
    nouveaux: ["new dossier", "new dossiers"],
    modifies: ["dossier changed", "dossiers changed"],
  },
} as const;
const NOTIFICATION_TITLE = {
  fr: "ViaTrajectoire : du nouveau sur vos dossiers",
  en: "ViaTrajectoire: news on your dossiers",
} as const;

export interface WatchNotification {
  title: string;
  message: string;
}

export function notificationOf(c: WatchCounts, lang: "fr" | "en" = "fr"): WatchNotification | undefined {
  const lines = countsLines(c, lang);
  if (lines.length === 0) return undefined;
  return { title: NOTIFICATION_TITLE[lang], message: lines.join("\n") };
}

/** Badge text for the watch: the count (capped at 3 characters), or « EXP » when the session expired. */
export function watchBadgeText(state: { expired: boolean; pending: number }): string | undefined {
  if (state.expired) return "EXP";
  if (state.pending <= 0) return undefined;
  return state.pending > 99 ? "99+" : String(state.pending);
}

/**
 * The interval actually used (minutes). A doctor's build never goes under 15 min; `testSeconds` (a storage key) is
 * honoured only when `testBuild` is true (the e2e / dev build).
 */
export function effectiveIntervalMinutes(chosen: number, testSeconds: number | undefined, testBuild: boolean): number {
  if (testBuild && testSeconds !== undefined && Number.isFinite(testSeconds) && testSeconds > 0)
    return testSeconds / 60;
  return Number.isFinite(chosen) ? Math.max(MIN_WATCH_INTERVAL_MIN, chosen) : DEFAULT_WATCH_INTERVAL_MIN;
}

/** A badge as background/badge.ts builds it (structural, so this file stays free of extension code). */
export interface BadgeLike {
  text: string;
  color: string;
  title: string;
}

export const WATCH_BADGE_COLOR = "#1D4ED8";
export const WATCH_EXPIRED_COLOR = "#B54708";

/**
 * Badge priority (issue 12 §3): a card / agent problem wins (its badge is orange or red: "!", "?", "1"); then the
 * watch (expired session « EXP », else the count of changed dossiers); else the card badge as it is ("OK", "–", …).
 */
export function combineBadge(
  card: BadgeLike,
  watch: { expired: boolean; pending: number },
  problemColors: readonly string[],
): BadgeLike {
  if (problemColors.includes(card.color)) return card;
  const text = watchBadgeText(watch);
  if (!text) return card;
  if (watch.expired)
    return {
      text,
      color: WATCH_EXPIRED_COLOR,
      title: `${card.title}\nSuivi des dossiers arrêté : session ViaTrajectoire expirée, reconnectez-vous puis réactivez-le.`,
    };
  return {
    text,
    color: WATCH_BADGE_COLOR,
    title: `${card.title}\n${plural(watch.pending, "dossier a changé", "dossiers ont changé")} sur ViaTrajectoire.`,
  };
}
