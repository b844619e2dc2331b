/**
 * The dossier overlay's feature model (issue 12), the same shape as feature.ts: one feature per file, `init(env,
 * signal)` hangs everything on `signal`, so aborting it leaves the portal's page as it was. The features share one
 * `DossierEnv`: the parsed dashboard (portal/dashboard.ts), the diff against the last visit (dossiers/diff-store.ts),
 * and two outputs — `mark()` puts a small label beside a dossier's number, `report()` tells the summary box what
 * this feature found. Registry: dossier-features.ts (the summary runs last).
 *
 * Look: the portal's own palette (navy, orange and green badges of its stylesheet), inside **closed** shadow roots,
 * one inline host per marked row in the "N° dossier" cell: the portal's CSS cannot reach in, ours cannot leak out.
 */

import type { DossierDiff, DossierMemory } from "../dossiers/diff-store";
import type { Dashboard, DossierRow } from "../portal/dashboard";

export type Tone = "new" | "info" | "good" | "warn" | "bad";

export interface Mark {
  /** Feature id (file name). */
  feature: string;
  text: string;
  /** Longer text for screen readers and the tooltip. */
  detail?: string;
  tone: Tone;
  /** Lower comes first. */
  priority: number;
}

export interface Finding {
  feature: string;
  /** The summary entry, e.g. "2 réponses d'établissement". */
  label: (n: number) => string;
  numeros: string[];
  priority: number;
}

export interface DossierEnv {
  doc: Document;
  dashboard: Dashboard;
  rowsByNumero: Map<string, DossierRow>;
  diffs: Map<string, DossierDiff>;
  memory: DossierMemory;
  now: number;
  mark(numero: string, mark: Mark): void;
  report(f: Finding): void;
  findings: Finding[];
  /** « Tout marquer comme vu ». */
  acknowledge(): Promise<void>;
}

export interface DossierFeature {
  id: string;
  init(env: DossierEnv, signal: AbortSignal): false | undefined;
}

export function defineDossierFeature(f: DossierFeature): DossierFeature {
  return f;
}

export const MARK_TAG = "cpsb-dossier-mark";

const MARK_CSS = `
:host { all: initial; display: inline-block; vertical-align: middle; }
.m { display: inline-flex; flex-wrap: wrap; gap: 3px; margin-left: 4px; font: 600 11px/1.5 Arial, Helvetica, sans-serif; }
.b { border-radius: 4px; padding: 0 5px; border: 1px solid transparent; white-space: nowrap; }
.b:focus-visible { outline: 2px solid #0b5394; outline-offset: 1px; }
.new { background: #0b3a6e; color: #fff; }
.info { background: #e7eef7; color: #0b3a6e; border-color: #b9cbe3; }
.good { background: #e6f4ea; color: #1e7b34; border-color: #b7dfc2; }
.warn { background: #fff4e0; color: #9a5b00; border-color: #f0d29a; }
.bad { background: #fdecea; color: #b3261e; border-color: #f3b8b3; }
`;

/**
 * One constructed stylesheet per document, adopted by every mark's shadow root: 2,000 roots share one parsed sheet
 * instead of 2,000 <style> elements (scripts/bench/dossiers.ts). Undefined where constructable sheets are missing
 * (then each root gets its <style>).
 */
const SHEETS = new WeakMap<Document, CSSStyleSheet>();
function sharedSheet(doc: Document): CSSStyleSheet | undefined {
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (!win?.CSSStyleSheet || !("adoptedStyleSheets" in win.ShadowRoot.prototype)) return undefined;
  let sheet = SHEETS.get(doc);
  if (!sheet) {
    try {
      sheet = new win.CSSStyleSheet();
      sheet.replaceSync(MARK_CSS);
    } catch {
      return undefined;
    }
    SHEETS.set(doc, sheet);
  }
  return sheet;
}

/** Builds one row's mark host (closed shadow root) and places it after the dossier number; returns the host. */
function placeMarks(row: DossierRow, marks: Mark[], sheet: CSSStyleSheet | undefined): HTMLElement {
  const doc = row.row.ownerDocument;
  const host = doc.createElement(MARK_TAG);
  host.setAttribute("data-dossier", row.numero);
  const shadow = host.attachShadow({ mode: "closed" });
  if (sheet) shadow.adoptedStyleSheets = [sheet];
  else {
    const style = doc.createElement("style");
    style.textContent = MARK_CSS;
    shadow.append(style);
  }
  const box = doc.createElement("span");
  box.className = "m";
  for (const m of [...marks].sort((a, b) => a.priority - b.priority)) {
    const b = doc.createElement("span");
    b.className = `b ${m.tone}`;
    b.textContent = m.text;
    b.setAttribute("data-feature", m.feature);
    // Focusable so a keyboard user reaches the detail (tooltip) too.
    b.tabIndex = 0;
    b.setAttribute("role", "note");
    b.setAttribute("aria-label", `cps-bridge : ${m.detail ?? m.text}`);
    b.title = m.detail ?? m.text;
    box.append(b);
  }
  shadow.append(box);
  // After the number's link, inside its cell (no new column, no change to the portal's rows).
  const cell =
    row.row.querySelector("td.col-numero") ?? [...row.row.cells].find((c) => c.textContent?.includes(row.numero));
  const anchor = cell?.querySelector("a") ?? cell;
  if (anchor && anchor !== cell) anchor.after(host);
  else (cell ?? row.row.cells[0])?.append(host);
  return host;
}

/** Rows whose marks are placed synchronously: more than a screen of the portal's table (about 25 rows show). */
export const FIRST_SCREEN_ROWS = 120;
/** Rows placed per later task: ≈ 20 ms per 1,000 rows, under the 50-ms long-task line; fewer tasks, fewer relayouts of the table (300: all placed in 742 ms, 1,000: 454 ms on 2,000 dossiers). */
export const CHUNK_ROWS = 1000;

export interface RenderedMarks {
  /** The hosts placed so far (the first screen at return, all of them once `done` resolved). */
  hosts: HTMLElement[];
  /** Resolves when every row's marks are placed (or the signal aborted). */
  done: Promise<void>;
}

/**
 * Renders many rows' marks with one abort listener for all (one per host cost more than the hosts on 2,000 rows).
 * The first FIRST_SCREEN_ROWS entries (the table's order, so the top of the page) are placed at once; the rest in
 * tasks of CHUNK_ROWS, so a 2,000-dossier dashboard shows its first screen's marks without waiting for the whole
 * table (measured in scripts/bench/dossiers.ts, docs/decisions.md).
 */
export function renderAllMarks(entries: Iterable<readonly [DossierRow, Mark[]]>, signal: AbortSignal): RenderedMarks {
  const hosts: HTMLElement[] = [];
  const list = [...entries];
  let sheet: CSSStyleSheet | undefined;
  let doc: Document | undefined;
  const place = (from: number, to: number) => {
    for (let i = from; i < to && i < list.length; i++) {
      const [row, marks] = list[i]!;
      if (row.row.ownerDocument !== doc) {
        doc = row.row.ownerDocument;
        sheet = sharedSheet(doc);
      }
      hosts.push(placeMarks(row, marks, sheet));
    }
  };
  signal.addEventListener(
    "abort",
    () => {
      for (const h of hosts) h.remove();
    },
    { once: true },
  );
  place(0, FIRST_SCREEN_ROWS);
  if (list.length <= FIRST_SCREEN_ROWS) return { hosts, done: Promise.resolve() };
  const done = new Promise<void>((resolve) => {
    let next = FIRST_SCREEN_ROWS;
    const step = () => {
      if (signal.aborted) return resolve();
      place(next, next + CHUNK_ROWS);
      next += CHUNK_ROWS;
      if (next >= list.length) resolve();
      else setTimeout(step, 0);
    };
    setTimeout(step, 0);
  });
  return { hosts, done };
}

export const DAY_MS = 86_400_000;
export function days(ms: number): number {
  return Math.max(0, Math.floor(ms / DAY_MS));
}
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}
