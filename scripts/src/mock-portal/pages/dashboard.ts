/**
 * The médecin libéral dashboard (TDB), viatrajectoire.md §8.3: toolbar (Créer un dossier, patient search, search by
 * dossier number), three tabs with counters [B], and `table#tdbDossiers` where each dossier is one
 * `tbody.dossier-group` holding its `tr[data-dossier][data-module][data-statut]` row and its hidden
 * `tr.demande[data-finess][data-statut]` establishment rows (a tbody per dossier keeps them together when sorting).
 * Default order "Dernière modification ↓" [G]; headers sort client-side (tdb.js). Column set per §8.3 [G].
 */
import type { MockAccount } from "../accounts";
import {
  DEMANDE_STATUTS,
  DOSSIER_STATUTS,
  type Dossier,
  MODULE_LABELS,
  ONGLETS,
  type Onglet,
  ORIENTATIONS,
  reponsesSummary,
  VOLET_MEDICAL_ETATS,
} from "../data/model";
import { html, type SafeHtml } from "../html";
import { PATHS } from "../paths";
import { ageLabel, frDate, frDateTime } from "./format";
import { layout } from "./layout";

/** Sorts named by the guide: modification date, dossier number, patient name [B]. */
export type SortKey = "patient" | "numero" | "modifie";

export interface DashboardOptions {
  account: MockAccount;
  onglet: Onglet;
  counts: Record<Onglet, number>;
  dossiers: Dossier[];
  now: Date;
  csrf: string;
  notice?: string;
  /** Search results instead of a tab. */
  search?: { label: string };
}

export function patientName(d: Dossier): string {
  const p = d.patient;
  return `${p.nomUsage ?? p.nomNaissance} ${p.prenom}`;
}

export function sortDossiers(ds: Dossier[], key: SortKey = "modifie", desc = true): Dossier[] {
  const val = (d: Dossier) =>
    key === "patient" ? patientName(d).toLowerCase() : key === "numero" ? d.numero : d.modifieLe;
  return [...ds].sort((a, b) => (desc ? val(b).localeCompare(val(a)) : val(a).localeCompare(val(b))));
}

function statutBadge(d: Dossier): SafeHtml {
  return html`<span class="badge statut-${d.statut}">${DOSSIER_STATUTS[d.statut]}</span>`;
}

function voletCell(d: Dossier): SafeHtml {
  const v = d.voletMedical;
  if (v.etat === "valide") return html`<span class="volet volet-valide">Validé le ${frDate(v.valideLe)}</span>`;
  return html`<span class="volet volet-${v.etat}">${VOLET_MEDICAL_ETATS[v.etat]}</span>`;
}

function actionForms(d: Dossier, csrf: string): SafeHtml {
  const base = PATHS.dossier(d.module, d.numero);
  const form = (action: string, label: string, cls: string, id: string) =>
    html`<form method="post" action="${base}/${action}" class="inline-form"><input type="hidden" name="__RequestVerificationToken" value="${csrf}"><button type="submit" class="btn btn-small ${cls}" data-action="${action.toLowerCase()}" id="${id}">${label}</button></form>`;
  if (d.rattachement === "a_accepter") {
    return html`${form("Accepter", "Accepter", "btn-primary", `btnAccepter-${d.numero}`)}${form("Refuser", "Refuser (je ne suis pas le médecin traitant)", "btn-secondary", `btnRefuser-${d.numero}`)}`;
  }
  if (d.rattachement === "refuse") return form("Accepter", "Accepter", "btn-primary", `btnAccepter-${d.numero}`);
  return html``;
}

function dossierGroup(d: Dossier, now: Date, csrf: string): SafeHtml {
  const p = d.patient;
  const href = PATHS.dossier(d.module, d.numero);
  const owes =
    d.rattachement === "accepte" && d.voletMedical.etat !== "valide" && d.statut !== "annule" && d.statut !== "archive";
  return html`<tbody class="dossier-group" data-group="${d.numero}">
<tr class="dossier" data-dossier="${d.numero}" data-module="${d.module}" data-statut="${d.statut}" data-rattachement="${d.rattachement}" data-volet-medical="${d.voletMedical.etat}" data-cree="${d.creeLe}" data-modifie="${d.modifieLe}" data-patient="${patientName(d)}">
  <td class="col-patient"><a href="${href}" class="patient-link">${patientName(d)}</a>${
    p.nomUsage ? html` <span class="nee">(${p.sexe === "F" ? "née" : "né"} ${p.nomNaissance})</span>` : ""
  }${d.rattachement === "a_accepter" ? html` <span class="badge badge-new">À accepter</span>` : ""}${
    d.rattachement === "refuse" ? html` <span class="badge statut-archive">Hors patientèle</span>` : ""
  }<br><span class="ddn">${frDate(p.dateNaissance)} (${ageLabel(p.dateNaissance, now)})</span></td>
  <td class="col-numero"><a href="${href}">${d.numero}</a><br><span class="muted cree">créé le ${frDate(d.creeLe)}</span></td>
  <td class="col-orientation"><b>${ORIENTATIONS[d.orientation].short}</b><br><span class="muted">${MODULE_LABELS[d.module]}</span></td>
  <td class="col-demandeur">${d.demandeur}</td>
  <td class="col-volet">${voletCell(d)}</td>
  <td class="col-statut">${statutBadge(d)}</td>
  <td class="col-reponses">${
    d.demandes.length > 0
      ? html`<button type="button" class="toggle-demandes" aria-expanded="false" aria-controls="demandes-${d.numero}" title="Afficher les établissements sollicités">${reponsesSummary(d)}</button>`
      : html`<span class="muted">${reponsesSummary(d)}</span>`
  }</td>
  <td class="col-modifie">${frDateTime(d.modifieLe)}<br><span class="par">par ${d.modifiePar}</span></td>
  <td class="col-actions"><a href="${href}" class="action-link">Ouvrir</a>${
    owes ? html`<a href="${href}?volet=medical" class="action-link">Compléter le volet médical</a>` : ""
  }${actionForms(d, csrf)}</td>
</tr>
${
  d.demandes.length > 0
    ? html`<tr class="demandes-entete" data-parent="${d.numero}" hidden><th colspan="2">Établissement</th><th>Type</th><th>Date d'envoi</th><th colspan="2">Statut</th><th>Date du statut</th><th colspan="2">Motif</th></tr>
${d.demandes.map(
  (x) => html`<tr class="demande" data-parent="${d.numero}" data-finess="${x.finess}" data-statut="${x.statut}" hidden>
  <td colspan="2">${x.etablissement}<br><span class="muted">${x.ville} · FINESS ${x.finess}</span></td>
  <td>${x.typePriseEnCharge}</td>
  <td>${frDate(x.dateEnvoi)}</td>
  <td colspan="2"><span class="badge demande-${x.statut}">${DEMANDE_STATUTS[x.statut]}</span>${x.dateEntree ? html`<br><span class="muted">Entrée : ${frDate(x.dateEntree)}</span>` : ""}</td>
  <td>${frDate(x.dateStatut)}</td>
  <td colspan="2">${x.motif ?? ""}</td>
</tr>`,
)}`
    : ""
}
</tbody>`;
}

export function dossiersTable(ds: Dossier[], now: Date, csrf: string): SafeHtml {
  const th = (key: SortKey | null, label: string, cls: string, sort?: "descending") =>
    key
      ? html`<th class="${cls}" data-sort-key="${key}" aria-sort="${sort ?? "none"}"><button type="button" class="sort">${label}<span class="sort-arrow" aria-hidden="true">${sort === "descending" ? " ↓" : ""}</span></button></th>`
      : html`<th class="${cls}">${label}</th>`;
  return html`<table id="tdbDossiers" class="tdb">
<thead><tr>
  ${th("patient", "Patient", "col-patient")}
  ${th("numero", "N° dossier", "col-numero")}
  ${th(null, "Orientation", "col-orientation")}
  ${th(null, "Demandeur / origine", "col-demandeur")}
  ${th(null, "Volet médical", "col-volet")}
  ${th(null, "Statut du dossier", "col-statut")}
  ${th(null, "Réponses", "col-reponses")}
  ${th("modifie", "Dernière modification", "col-modifie", "descending")}
  ${th(null, "Actions", "col-actions")}
</tr></thead>
${ds.length === 0 ? html`<tbody><tr class="empty"><td colspan="9">Aucun dossier</td></tr></tbody>` : ds.map((d) => dossierGroup(d, now, csrf))}
</table>`;
}

export function toolbar(): SafeHtml {
  return html`<div class="toolbar" id="barreOutils">
  <details class="menu" id="menuCreerDossier">
    <summary class="btn btn-primary">Créer un dossier</summary>
    <ul class="menu-list">
      <li><a href="${PATHS.newDossier}?module=GrandAge">Personne âgée – hébergement</a></li>
      <li><a href="${PATHS.newDossier}?module=Sanitaire">Sanitaire – SMR / HAD / USP</a></li>
      <li><a href="${PATHS.newDossier}?module=TND">Enfant – TND / PCO</a></li>
    </ul>
  </details>
  <form method="get" action="${PATHS.search}" class="search" role="search" id="formRecherchePatient">
    <label for="txtRecherchePatient" class="sr-only">Rechercher un patient</label>
    <input type="search" id="txtRecherchePatient" name="q" placeholder="Rechercher un patient (nom, prénom, date de naissance)">
    <button type="submit" class="btn btn-secondary">Rechercher</button>
  </form>
  <form method="get" action="${PATHS.search}" class="search" id="formRechercheNumero">
    <label for="txtNumeroDossier" class="sr-only">Rechercher un dossier par numéro</label>
    <input type="search" id="txtNumeroDossier" name="numero" placeholder="N° de dossier">
    <button type="submit" class="btn btn-secondary">Rechercher un dossier par numéro</button>
  </form>
</div>`;
}

export function dashboardPage(o: DashboardOptions): SafeHtml {
  const tabs = (Object.keys(ONGLETS) as Onglet[]).map(
    (k) =>
      html`<a role="tab" class="tab${!o.search && k === o.onglet ? " active" : ""}" id="onglet-${k}" data-onglet="${k}" href="${PATHS.dashboard}?onglet=${k}" aria-selected="${!o.search && k === o.onglet ? "true" : "false"}">${ONGLETS[k]} <span class="count">(${o.counts[k]})</span></a>`,
  );
  const body = html`
<h1 class="page-title">Tableau de bord</h1>
${toolbar()}
${o.notice ? html`<p class="info" id="lblInfo" role="status">${o.notice}</p>` : ""}
<nav class="tabs" role="tablist" aria-label="Onglets du tableau de bord">${tabs}</nav>
<section class="tab-panel" role="tabpanel" aria-labelledby="onglet-${o.onglet}">
${o.search ? html`<h2 class="results-title">${o.search.label}</h2>` : ""}
${dossiersTable(sortDossiers(o.dossiers), o.now, o.csrf)}
</section>`;
  return layout({
    title: "Tableau de bord",
    body,
    account: o.account,
    nav: "tdb",
    scripts: ["tdb.js"],
    pageClass: "page-tdb",
  });
}
