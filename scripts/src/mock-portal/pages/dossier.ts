/**
 * A dossier (viatrajectoire.md §8.4): identity strip, volet tabs (Administratif · Médical · Soins et projet ·
 * Orientation / Établissements sollicités · Historique; names [V] for Sanitaire, the split [G]), and the read-only
 * rule: a dossier I have not accepted is shown read-only under an "Accepter ce dossier" banner.
 */
import type { MockAccount } from "../accounts";
import { DEMANDE_STATUTS, DOSSIER_STATUTS, type Dossier, ORIENTATIONS, VOLET_MEDICAL_ETATS } from "../data/model";
import { html, type SafeHtml } from "../html";
import { PATHS } from "../paths";
import { patientName } from "./dashboard";
import { ageLabel, frDate, frDateTime } from "./format";
import { layout } from "./layout";

export const VOLETS = {
  administratif: "Administratif",
  medical: "Médical",
  soins: "Soins et projet",
  orientation: "Orientation / Établissements sollicités",
  historique: "Historique",
} as const;
export type Volet = keyof typeof VOLETS;

export function isVolet(x: string | null): x is Volet {
  return x !== null && Object.hasOwn(VOLETS, x);
}

function dl(rows: [string, SafeHtml | string][]): SafeHtml {
  return html`<dl class="fields">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v === "" ? html`<span class="muted">Non renseigné</span>` : v}</dd>`)}</dl>`;
}

function list(xs: string[]): SafeHtml {
  return xs.length
    ? html`<ul class="plain">${xs.map((x) => html`<li>${x}</li>`)}</ul>`
    : html`<span class="muted">Non renseigné</span>`;
}

function voletContent(d: Dossier, volet: Volet, readOnly: boolean, csrf: string, now: Date): SafeHtml {
  const p = d.patient;
  const v = d.voletMedical;
  const base = PATHS.dossier(d.module, d.numero);
  switch (volet) {
    case "administratif":
      return dl([
        ["Nom de naissance", p.nomNaissance],
        ["Nom utilisé", p.nomUsage ?? ""],
        ["Premier prénom de naissance", p.prenom],
        ["Date de naissance", `${frDate(p.dateNaissance)} (${ageLabel(p.dateNaissance, now)})`],
        ["Sexe", p.sexe === "F" ? "Féminin" : "Masculin"],
        ["Adresse actuelle", p.adresse],
        ["Téléphone portable", p.telephone],
        ["Demandeur", d.demandeur],
      ]);
    case "medical":
      return html`${dl([
        [
          "État du volet",
          html`<span class="volet volet-${v.etat}" id="etatVoletMedical">${VOLET_MEDICAL_ETATS[v.etat]}${v.valideLe ? ` le ${frDate(v.valideLe)}` : ""}</span>`,
        ],
        ["Antécédents", list(v.antecedents)],
        ["Problèmes en cours", list(v.problemesEnCours)],
        ["Traitements", list(v.traitements)],
        ["Allergies", v.allergies],
        ...(d.module === "GrandAge" ? ([["Autonomie (GIR)", v.gir ? `GIR ${v.gir}` : ""]] as [string, string][]) : []),
        ["Troubles cognitifs / du comportement", v.troublesCognitifs],
        ["Soins techniques", v.soinsTechniques],
      ])}
<div class="actions">
  <button type="button" class="btn btn-secondary" id="btnEnregistrer" disabled title="${readOnly ? "Dossier en lecture seule" : "Aucune modification à enregistrer"}">Enregistrer</button>
  ${
    !readOnly && v.etat !== "valide"
      ? html`<form method="post" action="${base}/ValiderVoletMedical" class="inline-form"><input type="hidden" name="__RequestVerificationToken" value="${csrf}"><button type="submit" class="btn btn-primary" id="btnValiderVoletMedical">Valider le volet médical</button></form>`
      : ""
  }
  <button type="button" class="btn btn-secondary js-print" id="btnImprimer">Imprimer</button>
</div>`;
    case "soins":
      return dl([["Projet de soins et de vie", d.soinsEtProjet]]);
    case "orientation":
      return html`${dl([["Orientation", ORIENTATIONS[d.orientation].label]])}
<table class="demandes-table" id="tableDemandes"><thead><tr><th>Établissement</th><th>Type</th><th>Date d'envoi</th><th>Statut</th><th>Date du statut</th><th>Motif</th></tr></thead>
<tbody>${
        d.demandes.length === 0
          ? html`<tr class="empty"><td colspan="6">Aucun établissement sollicité</td></tr>`
          : d.demandes.map(
              (x) =>
                html`<tr class="demande" data-finess="${x.finess}" data-statut="${x.statut}"><td>${x.etablissement}<br><span class="muted">${x.ville} · FINESS ${x.finess}</span></td><td>${x.typePriseEnCharge}</td><td>${frDate(x.dateEnvoi)}</td><td><span class="badge demande-${x.statut}">${DEMANDE_STATUTS[x.statut]}</span>${x.dateEntree ? html`<br><span class="muted">Entrée : ${frDate(x.dateEntree)}</span>` : ""}</td><td>${frDate(x.dateStatut)}</td><td>${x.motif ?? ""}</td></tr>`,
            )
      }</tbody></table>`;
    case "historique":
      return html`<table class="historique" id="tableHistorique"><thead><tr><th>Date</th><th>Par</th><th>Action</th></tr></thead><tbody>${[
        ...d.historique,
      ]
        .reverse()
        .map((h) => html`<tr><td>${frDateTime(h.at)}</td><td>${h.par}</td><td>${h.action}</td></tr>`)}</tbody></table>`;
  }
}

export function dossierPage(o: {
  account: MockAccount;
  dossier: Dossier;
  volet: Volet;
  csrf: string;
  now: Date;
  notice?: string;
}): SafeHtml {
  const d = o.dossier;
  const p = d.patient;
  const readOnly = d.rattachement !== "accepte";
  const base = PATHS.dossier(d.module, d.numero);
  const hidden = html`<input type="hidden" name="__RequestVerificationToken" value="${o.csrf}">`;
  const banner = readOnly
    ? html`<div class="banner-accept" id="bandeauAccepter" role="region" aria-label="Accepter ce dossier">
  <p><strong>${d.rattachement === "refuse" ? "Vous avez indiqué que cette personne ne fait pas partie de votre patientèle." : "Vous êtes désigné comme médecin traitant de cette personne."}</strong> Ce dossier est en lecture seule tant que vous ne l'avez pas accepté.</p>
  <div class="actions">
    <form method="post" action="${base}/Accepter" class="inline-form">${hidden}<button type="submit" class="btn btn-primary" id="btnAccepterDossier">Accepter ce dossier</button></form>
    ${
      d.rattachement === "a_accepter"
        ? html`<form method="post" action="${base}/Refuser" class="inline-form">${hidden}<button type="submit" class="btn btn-secondary" id="btnRefuserDossier">Refuser (je ne suis pas le médecin traitant)</button></form>`
        : ""
    }
  </div>
</div>`
    : "";
  const tabs = (Object.keys(VOLETS) as Volet[]).map(
    (k) =>
      html`<a role="tab" class="tab${k === o.volet ? " active" : ""}" id="volet-${k}" href="${base}?volet=${k}" aria-selected="${k === o.volet ? "true" : "false"}">${VOLETS[k]}</a>`,
  );
  const body = html`
<p class="breadcrumb"><a href="${PATHS.dashboard}">Tableau de bord</a> › Dossier ${d.numero}</p>
<div class="dossier-head" id="enteteDossier" data-dossier="${d.numero}" data-module="${d.module}" data-statut="${d.statut}" data-rattachement="${d.rattachement}">
  <div>
    <h1 class="page-title">${patientName(d)}${p.nomUsage ? html` <span class="nee">(${p.sexe === "F" ? "née" : "né"} ${p.nomNaissance})</span>` : ""}</h1>
    <p class="muted">${frDate(p.dateNaissance)} (${ageLabel(p.dateNaissance, o.now)}) · ${p.sexe === "F" ? "Femme" : "Homme"}</p>
  </div>
  <dl class="head-facts">
    <div><dt>N° dossier</dt><dd id="numeroDossier">${d.numero}</dd></div>
    <div><dt>Orientation</dt><dd>${ORIENTATIONS[d.orientation].label}</dd></div>
    <div><dt>Statut</dt><dd><span class="badge statut-${d.statut}" id="statutDossier">${DOSSIER_STATUTS[d.statut]}</span></dd></div>
    <div><dt>Dernière modification</dt><dd>${frDateTime(d.modifieLe)} par ${d.modifiePar}</dd></div>
  </dl>
</div>
${d.motifAnnulation ? html`<p class="info" id="motifAnnulation">${d.motifAnnulation}</p>` : ""}
${o.notice ? html`<p class="info" id="lblInfo" role="status">${o.notice}</p>` : ""}
${banner}
<nav class="tabs volet-tabs" role="tablist" aria-label="Volets du dossier">${tabs}</nav>
<section class="tab-panel volet${readOnly ? " read-only" : ""}" role="tabpanel" id="contenuVolet" data-volet="${o.volet}" aria-labelledby="volet-${o.volet}">
${voletContent(d, o.volet, readOnly, o.csrf, o.now)}
</section>`;
  return layout({
    title: `Dossier ${d.numero}`,
    body,
    account: o.account,
    nav: "tdb",
    scripts: ["dossier.js"],
    pageClass: "page-dossier",
  });
}
