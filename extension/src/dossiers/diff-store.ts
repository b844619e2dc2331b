/**
 * What the dossier overlay remembers between visits, and the diff it computes (issue 12 "Minimal data").
 *
 * Per dossier, only: the dossier number (the key), status codes (dossier status, volet médical, rattachement, the
 * tab), an opaque digest of the establishment answers and their per-status counts (codes and numbers), the
 * "Dernière modification" instant, and when cps-bridge last saw it. Never a patient name, a birth date, an
 * establishment name, the author of a change or any text of the page.
 *
 * "Since the last visit": a visit is a run of dashboard loads less than `VISIT_GAP_MS` apart. At the start of a
 * visit the baseline becomes what the previous visit saw last; the marks compare the baseline with what is seen
 * now, so they stay through reloads and tab changes during the visit, and « Tout marquer comme vu » (acknowledge)
 * moves the baseline forward at once. A dossier unseen for `FORGET_AFTER_MS` (90 days) is dropped.
 */
import type { DemandeStatut, DossierRow, DossierStatut, Rattachement, Tab, VoletEtat } from "../portal/dashboard";

export const VISIT_GAP_MS = 30 * 60_000;
export const FORGET_AFTER_MS = 90 * 86_400_000;

export interface Snap {
  /** dossier status code */
  s: DossierStatut;
  /** volet médical code */
  v: VoletEtat;
  r: Rattachement;
  t: Tab;
  /** digest of the answers */
  d: string;
  /** answer counts, "acceptee=1,refusee=2" (codes only) */
  c: string;
  /** Dernière modification, ms since epoch */
  m?: number;
  /** last seen, ms since epoch */
  seen: number;
  /** Volet médical owed since (ms): first seen owed, at most the last change. */
  o?: number;
}

export interface DossierMemory {
  v: 1;
  baseline: Record<string, Snap>;
  current: Record<string, Snap>;
  /** Last dashboard load (ms). */
  lastLoadAt: number;
  /** When the memory was started (the first visit). */
  since: number;
  /** Tabs read at least once: the rows of a tab read for the first time are remembered, not marked "new". */
  tabs: Tab[];
}

export type ChangeField = "statut" | "volet" | "reponses" | "rattachement" | "modifie";
export interface Change {
  field: ChangeField;
  from?: string;
  to?: string;
}
export interface DossierDiff {
  numero: string;
  kind: "new" | "changed";
  changes: Change[];
  /** Answer codes whose count went up since the baseline (new establishment answers). */
  newAnswers: DemandeStatut[];
}

export function countsKey(counts: Partial<Record<DemandeStatut, number>>): string {
  return Object.entries(counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k}=${n}`)
    .join(",");
}
function parseCounts(c: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of c ? c.split(",") : []) {
    const [k, n] = part.split("=");
    if (k) out[k] = Number(n) || 0;
  }
  return out;
}

export function snapOf(row: DossierRow, tab: Tab, now: number): Snap {
  const m = row.modifieLe ? Date.parse(row.modifieLe) : Number.NaN;
  return {
    s: row.statut,
    v: row.volet,
    r: row.rattachement,
    t: tab,
    d: row.reponses.digest,
    c: countsKey(row.reponses.counts),
    ...(Number.isFinite(m) ? { m } : {}),
    seen: now,
  };
}

export function emptyMemory(now: number): DossierMemory {
  return { v: 1, baseline: {}, current: {}, lastLoadAt: 0, since: now, tabs: [] };
}

/** The diff of one dossier against the baseline (undefined: unchanged). */
export function diffOne(numero: string, before: Snap | undefined, after: Snap): DossierDiff | undefined {
  if (!before) return { numero, kind: "new", changes: [], newAnswers: [] };
  const changes: Change[] = [];
  if (before.s !== after.s) changes.push({ field: "statut", from: before.s, to: after.s });
  if (before.v !== after.v) changes.push({ field: "volet", from: before.v, to: after.v });
  if (before.r !== after.r) changes.push({ field: "rattachement", from: before.r, to: after.r });
  const newAnswers: DemandeStatut[] = [];
  if (before.d !== after.d || before.c !== after.c) {
    changes.push({ field: "reponses" });
    const b = parseCounts(before.c);
    const a = parseCounts(after.c);
    for (const [k, n] of Object.entries(a)) if (n > (b[k] ?? 0)) newAnswers.push(k as DemandeStatut);
  }
  if (changes.length === 0 && before.m !== undefined && after.m !== undefined && after.m > before.m)
    changes.push({ field: "modifie" });
  return changes.length > 0 ? { numero, kind: "changed", changes, newAnswers } : undefined;
}

export interface Observation {
  memory: DossierMemory;
  /** Keyed by dossier number; only new or changed dossiers. */
  diffs: Map<string, DossierDiff>;
  /** True when this tab was never read before: its rows are remembered, nothing is marked. */
  firstVisit: boolean;
}

/** Drops dossiers unseen for 90 days (both maps). */
export function prune(memory: DossierMemory, now: number): void {
  for (const map of [memory.baseline, memory.current])
    for (const [n, s] of Object.entries(map)) if (now - s.seen > FORGET_AFTER_MS) delete map[n];
}

/**
 * Records what this tab shows now and returns the diff against the visit's baseline. Pure: returns a new memory
 * (the input is not changed), so a failed write leaves the stored one valid.
 */
export function observe(
  previous: DossierMemory | undefined,
  tab: Tab,
  rows: readonly DossierRow[],
  now: number,
): Observation {
  const memory: DossierMemory = previous
    ? { ...previous, baseline: { ...previous.baseline }, current: { ...previous.current }, tabs: [...previous.tabs] }
    : emptyMemory(now);
  const firstVisit = !memory.tabs.includes(tab);
  if (previous && now - memory.lastLoadAt > VISIT_GAP_MS) memory.baseline = { ...memory.current };
  if (firstVisit) memory.tabs.push(tab);
  for (const row of rows) {
    const snap = snapOf(row, tab, now);
    if (row.rattachement === "accepte" && row.volet !== "valide") {
      const prev = memory.current[row.numero];
      snap.o = prev?.o ?? Math.min(now, snap.m ?? now);
    }
    memory.current[row.numero] = snap;
    if (firstVisit && !memory.baseline[row.numero]) memory.baseline[row.numero] = snap;
  }
  memory.lastLoadAt = now;
  prune(memory, now);
  const diffs = new Map<string, DossierDiff>();
  for (const row of rows) {
    const before = memory.baseline[row.numero];
    const d = diffOne(row.numero, before, memory.current[row.numero]!);
    if (d) diffs.set(row.numero, d);
  }
  return { memory, diffs, firstVisit };
}

/** « Tout marquer comme vu »: the baseline catches up with what was seen. */
export function acknowledge(memory: DossierMemory, numeros?: readonly string[]): DossierMemory {
  const baseline = { ...memory.baseline };
  for (const n of numeros ?? Object.keys(memory.current)) if (memory.current[n]) baseline[n] = memory.current[n]!;
  return { ...memory, baseline };
}

/** Bytes of the memory as stored (JSON). */
export function memoryBytes(memory: DossierMemory): number {
  return new TextEncoder().encode(JSON.stringify(memory)).length;
}

/** A stored value that is not a memory of ours (old version, damaged) is treated as no memory. */
export function isMemory(x: unknown): x is DossierMemory {
  if (!x || typeof x !== "object") return false;
  const m = x as Partial<DossierMemory>;
  return (
    m.v === 1 &&
    typeof m.baseline === "object" &&
    typeof m.current === "object" &&
    typeof m.lastLoadAt === "number" &&
    Array.isArray(m.tabs)
  );
}
