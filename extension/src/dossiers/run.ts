/**
 * The dossier overlay's pure run on a document (no extension API): read the table (portal/dashboard.ts), diff it
 * against the memory (diff-store.ts), hand the new memory to `save`, run the features (features/dossier-features.ts)
 * and render their marks. Used by the content script (overlay.ts), the unit tests and scripts/bench/dossiers.ts.
 */
import {
  type DossierEnv,
  type DossierFeature,
  type Finding,
  type Mark,
  renderAllMarks,
} from "../features/dossier-feature";
import { DOSSIER_FEATURES } from "../features/dossier-features";
import { type DossierRow, readDashboard } from "../portal/dashboard";
import { acknowledge, type DossierMemory, observe } from "./diff-store";

export interface OverlayRun {
  env: DossierEnv;
  ran: string[];
  memory: DossierMemory;
  /** What each marked dossier shows (the marks live in closed shadow roots). */
  marks: Map<string, Mark[]>;
  /** Resolves once every mark is in the page (the first screen's are there when runOverlay returns). */
  rendered: Promise<void>;
}

export interface OverlayOptions {
  doc: Document;
  url: URL;
  memory: DossierMemory | undefined;
  now: number;
  save(memory: DossierMemory): Promise<void>;
  /** Called after « Tout marquer comme vu » was saved (the caller reruns). */
  onAcknowledged?(memory: DossierMemory): void;
  features?: readonly DossierFeature[];
}

export function runOverlay(o: OverlayOptions, signal: AbortSignal): OverlayRun | undefined {
  const dashboard = readDashboard(o.url, o.doc);
  if (!dashboard) return undefined;
  const { memory, diffs } = observe(o.memory, dashboard.tab, dashboard.rows, o.now);
  void o.save(memory).catch(() => undefined);
  const marks = new Map<string, Mark[]>();
  const findings: Finding[] = [];
  const env: DossierEnv = {
    doc: o.doc,
    dashboard,
    rowsByNumero: new Map(dashboard.rows.map((r) => [r.numero, r])),
    diffs,
    memory,
    now: o.now,
    mark: (n, m) => {
      const list = marks.get(n) ?? [];
      list.push(m);
      marks.set(n, list);
    },
    report: (f) => findings.push(f),
    findings,
    acknowledge: async () => {
      const next = acknowledge(memory);
      await o.save(next);
      o.onAcknowledged?.(next);
    },
  };
  const ran: string[] = [];
  for (const f of o.features ?? DOSSIER_FEATURES) {
    try {
      if (f.init(env, signal) !== false) ran.push(f.id);
    } catch (e) {
      console.warn(`cps-bridge: feature ${f.id} failed`, e);
    }
  }
  const placed: Array<readonly [DossierRow, Mark[]]> = [];
  for (const [n, list] of marks) {
    const row = env.rowsByNumero.get(n);
    if (row) placed.push([row, list]);
  }
  const { done } = renderAllMarks(placed, signal);
  return { env, ran, memory, marks, rendered: done };
}
