/**
 * The dossier overlay on a dashboard page: read the table (portal/dashboard.ts), diff it against the memory
 * (diff-store.ts), save the new memory, run the features (features/dossier-features.ts). `runOverlay` is the pure
 * part (tests call it on fixtures); `startDossierOverlay` adds the storage and the doctor's settings.
 */
import { originEnabled } from "../features/assistant";
import {
  type DossierEnv,
  type DossierFeature,
  type Finding,
  type Mark,
  renderMarks,
} from "../features/dossier-feature";
import { DOSSIER_FEATURES } from "../features/dossier-features";
import { readDashboard } from "../portal/dashboard";
import { loadSettings } from "../shared/settings";
import { acknowledge, type DossierMemory, observe } from "./diff-store";
import { loadMemory, saveMemory } from "./storage";

export interface OverlayRun {
  env: DossierEnv;
  ran: string[];
  memory: DossierMemory;
  /** What each marked dossier shows (the marks live in closed shadow roots). */
  marks: Map<string, Mark[]>;
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
  for (const [n, list] of marks) {
    const row = env.rowsByNumero.get(n);
    if (row) renderMarks(row, list, signal);
  }
  return { env, ran, memory, marks };
}

/** Content-script start (entrypoints/dossiers.content): only on origins the doctor enabled in the options. */
export async function startDossierOverlay(
  doc: Document = document,
  location: Location = window.location,
): Promise<void> {
  const url = new URL(location.href);
  const settings = await loadSettings().catch(() => undefined);
  if (!settings || !originEnabled(url.origin, settings)) return;
  let current: AbortController | undefined;
  const run = (memory: DossierMemory | undefined) => {
    current?.abort();
    const mine = new AbortController();
    current = mine;
    runOverlay(
      {
        doc,
        url,
        memory,
        now: Date.now(),
        save: (m) => saveMemory(url.origin, m),
        onAcknowledged: (m) => run(m),
      },
      mine.signal,
    );
  };
  run(await loadMemory(url.origin).catch(() => undefined));
}
