/**
 * The dossier reader: which dashboard tab is this (URL + content), and the table as typed dossier rows.
 *
 * **DOM, not JSON.** The mock renders the table on the server; the real dashboard is an Angular page whose data
 * calls are unknown (viatrajectoire.md §10.6: only a logged-in account can check the network tab) [U]. The table is
 * what the doctor sees, the only shape we know, and reading it needs no extra request — so the reader reads the DOM.
 * If the real page turns out to load JSON, a second reader can feed the same `DossierRow` type.
 *
 * **No patient identity.** The reader never reads the patient cell, the `data-patient` attribute or a birth date:
 * a `DossierRow` holds the dossier number, codes, counts, the change time and its author as the page shows it.
 *
 * Tolerance ([U] facts): the mock's data attributes are read first; without them columns are found by their header
 * words and codes derived from the labels (§3.3 [G] vocabulary), so a page with other ids still parses. Unknown
 * labels become the code "inconnu" rather than a failure.
 */
import * as S from "./dashboard-selectors";

export interface UrlDetector {
  (url: URL): boolean;
  readonly examples: readonly string[];
}
function urlDetector(test: (url: URL) => boolean, examples: readonly string[]): UrlDetector {
  return Object.assign((url: URL) => test(url), { examples });
}

export const TABS = ["encours", "annules", "horspatientele"] as const;
export type Tab = (typeof TABS)[number];

/** Tab labels (guide excerpt [B]); matched without case or accents, counters "(n)" ignored. */
export const TAB_LABELS: Record<Tab, string> = {
  encours: "Dossiers en cours",
  annules: "Dossiers annulés ou archivés",
  horspatientele: "Ne fait pas partie de ma patientèle",
};

const DASHBOARD_PATH = /^\/trajectoire\/pages\/accesrestreint\/angular\/app\.aspx\/medecinliberal\/tdb\/?$/i;

/** The médecin libéral dashboard, any tab. `MedecinLiberal/TDB` is a guess [G] on the verified App.aspx shape [V]. */
export const isDashboardUrl = urlDetector(
  (u) => DASHBOARD_PATH.test(u.pathname),
  [
    "https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB",
    "https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB?onglet=annules",
    "https://viatrajectoire.fr/trajectoire/pages/accesrestreint/angular/app.aspx/medecinliberal/tdb",
    "http://localhost:8443/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB?onglet=horspatientele",
    "http://127.0.0.1:39117/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB?onglet=encours",
  ],
);

/** Pages that are not the dashboard (checked by the tests). */
export const NOT_THE_DASHBOARD: readonly string[] = [
  "https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Angular/App.aspx/Sanitaire/TDB/Demandeur",
  "https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Angular/App.aspx/GrandAge/Dossier/GA-2025-1",
  "https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/Recherche?q=x",
  "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
];

/** The tab a dashboard URL names (`?onglet=`, the mock's parameter [G]); undefined when it names none. */
export function tabOfUrl(url: URL): Tab | undefined {
  const q = url.searchParams.get("onglet");
  return (TABS as readonly string[]).includes(q ?? "") ? (q as Tab) : undefined;
}

export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}
function words(el: Element | null | undefined): string {
  return (el?.textContent ?? "").replace(/\s+/g, " ").trim();
}

export interface TabInfo {
  tab: Tab;
  label: string;
  count?: number;
  selected: boolean;
}

/** The three tabs as the page shows them (by the mock's ids, else by their words). */
export function readTabs(doc: Document): TabInfo[] {
  const out: TabInfo[] = [];
  const seen = new Set<Tab>();
  const candidates = [
    ...doc.querySelectorAll<HTMLElement>(S.tabs),
    ...doc.querySelectorAll<HTMLElement>(S.tabCandidates),
  ];
  for (const el of candidates) {
    const text = words(el);
    const data = el.getAttribute("data-onglet");
    const byText = TABS.find((t) => fold(text).startsWith(fold(TAB_LABELS[t])));
    const tab = data && (TABS as readonly string[]).includes(data) ? (data as Tab) : byText;
    if (!tab || seen.has(tab)) continue;
    seen.add(tab);
    const m = /\((\d+)\)\s*$/.exec(text);
    out.push({
      tab,
      label: TAB_LABELS[tab],
      ...(m ? { count: Number(m[1]) } : {}),
      selected: el.getAttribute("aria-selected") === "true" || el.classList.contains("active"),
    });
  }
  return out;
}

// ───────────────────────────── vocabulary (§3.3 [G]) ─────────────────────────────

export const DOSSIER_STATUTS = {
  redaction: "En cours de rédaction",
  volet_medical: "Volet médical à compléter",
  complet: "Complet",
  envoye: "Envoyé",
  admis: "Admis",
  annule: "Annulé",
  archive: "Archivé",
} as const;
export type DossierStatut = keyof typeof DOSSIER_STATUTS | "inconnu";

export const VOLET_ETATS = { a_completer: "À compléter", en_cours: "En cours", valide: "Validé" } as const;
export type VoletEtat = keyof typeof VOLET_ETATS | "inconnu";

export const DEMANDE_STATUTS = {
  envoyee: "Envoyée",
  lue: "Lue",
  liste_attente: "Inscrit en liste d'attente",
  acceptee: "Acceptée",
  refusee: "Refusée",
  admission_proposee: "Admission proposée",
  admis: "Admis",
  annulee: "Annulée",
} as const;
export type DemandeStatut = keyof typeof DEMANDE_STATUTS;

export type Rattachement = "accepte" | "a_accepter" | "refuse";

/** Words of the summary cell ("3 envoyées · 1 liste d'attente · 1 refus · 1 sans réponse", §8.3) → status codes. */
const SUMMARY_WORDS: ReadonlyArray<readonly [RegExp, DemandeStatut | "total"]> = [
  [/^envoyees?$/, "total"],
  [/^listes? d'attente$/, "liste_attente"],
  [/^acceptations?$/, "acceptee"],
  [/^admissions? proposees?$/, "admission_proposee"],
  [/^admissions?$/, "admis"],
  [/^refus$/, "refusee"],
  [/^annulees?$/, "annulee"],
  [/^sans reponse$/, "envoyee"],
];

function codeOf<K extends string>(table: Record<K, string>, label: string): K | "inconnu" {
  const f = fold(label);
  for (const k of Object.keys(table) as K[]) if (fold(table[k]) === f) return k;
  return "inconnu";
}

// ───────────────────────────── rows ─────────────────────────────

export interface Reponses {
  /** Requests sent to establishments. */
  total: number;
  /** Per establishment answer code. From the summary text, "sans réponse" counts as `envoyee` (with `lue`). */
  counts: Partial<Record<DemandeStatut, number>>;
  /** Opaque digest of the answers (sorted `finess:statut` when the rows are there, else the counts). */
  digest: string;
}

export interface DossierRow {
  numero: string;
  module?: string;
  /** As shown, e.g. "EHPAD", "SMR", "Plateforme PCO". */
  orientation: string;
  statut: DossierStatut;
  statutLabel: string;
  rattachement: Rattachement;
  volet: VoletEtat;
  voletLabel: string;
  reponses: Reponses;
  /** ISO instant of "Dernière modification" (from `data-modifie`, else the dd/mm/yyyy hh:mm text read as local). */
  modifieLe?: string;
  /** "par …": an establishment, a DAC, "Moi-même", or a relative's role only (authorOf); shown, never stored. */
  modifiePar?: string;
  /** The dossier's row, and the element that holds it with its establishment rows (hidden together by a filter). */
  row: HTMLTableRowElement;
  group: HTMLElement;
}

export interface Dashboard {
  tab: Tab;
  tabs: TabInfo[];
  table: HTMLTableElement;
  rows: DossierRow[];
}

/** 32-bit FNV-1a as 8 hex digits: a digest, not a secret (the inputs are status codes). */
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

type Column = "numero" | "orientation" | "volet" | "statut" | "reponses" | "modifie";
const HEADER_WORDS: ReadonlyArray<readonly [Column, RegExp]> = [
  ["numero", /^n[°o]?\s*(de )?dossier/],
  ["orientation", /^orientation/],
  ["volet", /^volet medical/],
  ["statut", /^statut/],
  ["reponses", /^reponses?/],
  ["modifie", /^derniere modification/],
];

function columnsOf(table: HTMLTableElement): Partial<Record<Column, number>> {
  const cols: Partial<Record<Column, number>> = {};
  let i = 0;
  for (const th of table.querySelectorAll(S.headerCells)) {
    const f = fold(words(th));
    for (const [c, re] of HEADER_WORDS) if (cols[c] === undefined && re.test(f)) cols[c] = i;
    i += Number(th.getAttribute("colspan") ?? 1) || 1;
  }
  return cols;
}

/** The dossier table: the mock's id, else the first table whose headers name a dossier-number column. */
export function findDossierTable(doc: Document): HTMLTableElement | undefined {
  const byId = doc.querySelector<HTMLTableElement>(S.dossierTable);
  if (byId) return byId;
  for (const t of doc.querySelectorAll<HTMLTableElement>(S.anyTable)) if (columnsOf(t).numero !== undefined) return t;
  return undefined;
}

/** "05/05/2025 14:32" (local time of the browser, the portal's zone for a French doctor) → ISO. */
export function parseFrDateTime(text: string): string | undefined {
  const m = /(\d{2})\/(\d{2})\/(\d{4})(?:\s+(\d{2})[:h](\d{2}))?/.exec(text);
  if (!m) return undefined;
  const d = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function reponsesFromSummary(text: string): Reponses {
  const counts: Partial<Record<DemandeStatut, number>> = {};
  let total = 0;
  for (const part of text.split("·")) {
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(part);
    if (!m) continue;
    const f = fold(m[2]!);
    const hit = SUMMARY_WORDS.find(([re]) => re.test(f));
    if (!hit) continue;
    if (hit[1] === "total") total = Number(m[1]);
    else counts[hit[1]] = (counts[hit[1]] ?? 0) + Number(m[1]);
  }
  const key = Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return { total, counts, digest: fnv1a(`${total}|${key}`) };
}

function reponsesFromRows(demandes: Element[]): Reponses {
  const counts: Partial<Record<DemandeStatut, number>> = {};
  const keys: string[] = [];
  for (const d of demandes) {
    const s = d.getAttribute("data-statut") ?? "";
    if (s in DEMANDE_STATUTS) counts[s as DemandeStatut] = (counts[s as DemandeStatut] ?? 0) + 1;
    keys.push(`${d.getAttribute("data-finess") ?? ""}:${s}`);
  }
  keys.sort();
  return { total: demandes.length, counts, digest: fnv1a(keys.join(",")) };
}

/**
 * Who made the last change, without a private person's name: the mock writes a relative as "NOM Prénom (fille)" and
 * a family as "Particulier (…)" [G]; those become "Famille (fille)" / "Particulier". Establishments, DACs and
 * "Moi-même" are kept as written.
 */
export function authorOf(raw: string | undefined): string | undefined {
  const t = raw?.trim();
  if (!t) return undefined;
  if (/^particulier\b/i.test(t)) return "Particulier";
  const role = /\(([^()]{2,30})\)\s*$/.exec(t);
  if (role && !/^(ehpad|smr|had|usp|usld|dac|ch|chu|clinique|service|hôpital|plateforme|résidence)\b/i.test(t))
    return `Famille (${role[1]!.trim()})`;
  return t;
}

function rattachementOf(row: Element, tab: Tab): Rattachement {
  const a = row.getAttribute("data-rattachement");
  if (a === "accepte" || a === "a_accepter" || a === "refuse") return a;
  if (tab !== "horspatientele") return "accepte";
  // Without the attribute: a row offering "Accepter" and "Refuser" waits for my answer [G].
  return /refuser/i.test(words(row)) ? "a_accepter" : "refuse";
}

function readRow(
  row: HTMLTableRowElement,
  cols: Partial<Record<Column, number>>,
  tab: Tab,
  demandesOf: Map<string, Element[]>,
  rowsIn: Map<Element, number>,
): DossierRow | undefined {
  // A plain array: indexing the live `row.cells` collection was the reader's costliest line on 2,000 rows.
  const cells = Array.from(row.cells);
  const cell = (c: Column) => (cols[c] === undefined ? undefined : cells[cols[c]!]);
  // First line of a cell (the mock puts "créé le …" or "par …" on a second line).
  const firstLine = (el: Element | undefined) => {
    if (!el) return "";
    const br = el.querySelector("br");
    if (!br) return words(el);
    let s = "";
    for (let n = el.firstChild; n && n !== br; n = n.nextSibling) s += n.textContent ?? "";
    return s.replace(/\s+/g, " ").trim();
  };
  const numero = row.getAttribute("data-dossier")?.trim() || firstLine(cell("numero"));
  if (!numero || !/^[A-Za-z0-9][A-Za-z0-9\-_/.]{2,40}$/.test(numero)) return undefined;
  const statutLabel = words(cell("statut"));
  const statutAttr = row.getAttribute("data-statut");
  const statut: DossierStatut =
    statutAttr && statutAttr in DOSSIER_STATUTS ? (statutAttr as DossierStatut) : codeOf(DOSSIER_STATUTS, statutLabel);
  const voletLabel = words(cell("volet"));
  const voletAttr = row.getAttribute("data-volet-medical");
  const volet: VoletEtat =
    voletAttr && voletAttr in VOLET_ETATS
      ? (voletAttr as VoletEtat)
      : /^valide/.test(fold(voletLabel))
        ? "valide"
        : codeOf(VOLET_ETATS, voletLabel);
  // The group: the mock's tbody per dossier; otherwise the row alone.
  const tbody = row.parentElement;
  const ownGroup = tbody?.tagName === "TBODY" && rowsIn.get(tbody) === 1 ? tbody : row;
  const demandes = demandesOf.get(numero) ?? [];
  const reponses = demandes.length > 0 ? reponsesFromRows(demandes) : reponsesFromSummary(words(cell("reponses")));
  const modCell = cell("modifie");
  const modifieLe = (() => {
    const a = row.getAttribute("data-modifie");
    if (a && !Number.isNaN(Date.parse(a))) return new Date(a).toISOString();
    return parseFrDateTime(words(modCell));
  })();
  const par = authorOf(/(?:^|[\s\d])par\s+(.+)$/.exec(words(modCell))?.[1]);
  const module = row.getAttribute("data-module") ?? undefined;
  return {
    numero,
    ...(module ? { module } : {}),
    orientation: firstLine(cell("orientation")),
    statut,
    statutLabel,
    rattachement: rattachementOf(row, tab),
    volet,
    voletLabel,
    reponses,
    ...(modifieLe ? { modifieLe } : {}),
    ...(par ? { modifiePar: par } : {}),
    row,
    group: ownGroup,
  };
}

/**
 * The dashboard of this page, or undefined when it is not one: the URL must be the dashboard's and the content must
 * have the dossier table (a login page served on that URL after a session expiry is not a dashboard).
 */
export function readDashboard(url: URL, doc: Document): Dashboard | undefined {
  if (!isDashboardUrl(url)) return undefined;
  const table = findDossierTable(doc);
  if (!table) return undefined;
  const tabs = readTabs(doc);
  const tab = tabOfUrl(url) ?? tabs.find((t) => t.selected)?.tab ?? "encours";
  const cols = columnsOf(table);
  const marked = [...table.querySelectorAll<HTMLTableRowElement>(S.dossierRow)];
  const candidates = marked.length > 0 ? marked : [...table.querySelectorAll<HTMLTableRowElement>(S.bodyRow)];
  // Establishment rows indexed once by their dossier (a per-row query made 2,000 rows quadratic).
  const demandesOf = new Map<string, Element[]>();
  for (const d of table.querySelectorAll(S.demandeRow)) {
    const parent = d.getAttribute("data-parent") ?? "";
    const list = demandesOf.get(parent);
    if (list) list.push(d);
    else demandesOf.set(parent, [d]);
  }
  // How many dossier rows each tbody holds, counted once (a tbody of one dossier is its group).
  const rowsIn = new Map<Element, number>();
  for (const r of marked) if (r.parentElement) rowsIn.set(r.parentElement, (rowsIn.get(r.parentElement) ?? 0) + 1);
  const rows: DossierRow[] = [];
  for (const r of candidates) {
    const row = readRow(r, cols, tab, demandesOf, rowsIn);
    if (row) rows.push(row);
  }
  return { tab, tabs, table, rows };
}
