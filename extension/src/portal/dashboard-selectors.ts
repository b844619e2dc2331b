/**
 * Every CSS selector the dossier reader uses on the médecin libéral dashboard, in one place (the pattern of
 * selectors.ts: each selector has a sibling `<name>_` list of `[expected count, fixture]` that
 * dashboard-selectors.test.ts checks). Kept apart from the login assistant's selectors.ts because the two scripts run
 * on different pages (logged-out vs logged-in) and are owned separately.
 *
 * Fixtures: `mock-tdb-*.html` are the mock's three tabs (refresh-dossiers.ts; 15 / 6 / 4 dossiers);
 * `real-shaped-tdb.html` is hand-written from the real page's known shape [U]: tab labels and column names (guide
 * excerpt [B]) but none of the mock's ids, so each selector lists the mock's hook first and a generic fallback after.
 */
import type { SelectorFixtures } from "./selectors";

/** The dossier table: the mock's `#tdbDossiers` [G], else any table whose header names a "N° dossier" column. */
export const dossierTable = "table#tdbDossiers";
export const dossierTable_: SelectorFixtures = [
  [1, "mock-tdb-encours.html"],
  [1, "mock-tdb-annules.html"],
  [1, "mock-tdb-horspatientele.html"],
  [0, "real-shaped-tdb.html"],
  [0, "mock-login-token.html"],
];
export const anyTable = "table";
export const anyTable_: SelectorFixtures = [
  [1, "real-shaped-tdb.html"],
  [1, "mock-tdb-encours.html"],
];

/** Header cells, used to map columns by their words when the row has no data attributes. */
export const headerCells = "thead th";
export const headerCells_: SelectorFixtures = [
  [9, "mock-tdb-encours.html"],
  [9, "real-shaped-tdb.html"],
];

/** One row per dossier: the mock's `tr.dossier[data-dossier]`; fallback: body rows of the table. */
export const dossierRow = "tr.dossier[data-dossier]";
export const dossierRow_: SelectorFixtures = [
  [15, "mock-tdb-encours.html"],
  [6, "mock-tdb-annules.html"],
  [4, "mock-tdb-horspatientele.html"],
  [0, "real-shaped-tdb.html"],
];
export const bodyRow = "tbody > tr";
export const bodyRow_: SelectorFixtures = [[3, "real-shaped-tdb.html"]];

/** The establishment rows of a dossier (mock: hidden `tr.demande[data-parent][data-finess][data-statut]`). */
export const demandeRow = "tr.demande[data-parent][data-statut]";
export const demandeRow_: SelectorFixtures = [
  [18, "mock-tdb-encours.html"],
  [6, "mock-tdb-annules.html"],
  [0, "mock-tdb-horspatientele.html"],
  [0, "real-shaped-tdb.html"],
];

/** The three tabs: the mock's `#onglet-*` [G]; fallback: tab-like links, recognised by their words (TAB_LABELS). */
export const tabs = '[role="tab"][data-onglet]';
export const tabs_: SelectorFixtures = [
  [3, "mock-tdb-encours.html"],
  [3, "mock-tdb-horspatientele.html"],
  [0, "real-shaped-tdb.html"],
];
export const tabCandidates = '[role="tab"], .nav-link, .nav-tabs a, .tab';
export const tabCandidates_: SelectorFixtures = [
  [3, "real-shaped-tdb.html"],
  [3, "mock-tdb-encours.html"],
];
