/**
 * The fake data set of the médecin libéral dashboard (viatrajectoire.md §8.3): 25 dossiers — 15 in progress,
 * 6 cancelled or archived, 4 "hors patientèle"; all three modules; every dossier status and every establishment
 * answer at least once; one duplicate pair (same surname, first name, birth date and sex: the duplicate rule, §3.1
 * [V]); one dossier near the 6-month inactivity limit (§3.1 [V], older values); one admitted dossier whose sibling
 * requests were cancelled automatically (§3.1 [V]).
 *
 * The shape of each dossier is fixed below (so coverage never depends on the seed); the seed varies numbers,
 * birth dates, establishments, FINESS and times. All dates are relative to the mock clock's "now", so the set
 * always looks current. Identities are obviously fictitious (TESTPATIENT + NATO alphabet first names).
 */
import {
  DEMANDE_STATUTS,
  type Demande,
  type DemandeStatut,
  type Dossier,
  type DossierStatut,
  type HistoriqueEntry,
  ORIENTATIONS,
  type Orientation,
  type Rattachement,
  type VoletMedical,
  type VoletMedicalEtat,
} from "./model";
import { Rng } from "./prng";

export const DEFAULT_SEED = 20250505;
/** Six months without change → alert, archived two months later (URPS-ML Centre, viatrajectoire.md §3.1). */
export const INACTIVITY_ALERT_DAYS = 182;

type DemandeurKind = "particulier" | "dac" | "moi" | "etablissement";

interface Spec {
  prenom: string;
  sexe: "F" | "M";
  orientation: Orientation;
  statut: DossierStatut;
  rattachement: Rattachement;
  volet: VoletMedicalEtat;
  demandeur: DemandeurKind;
  demandes: DemandeStatut[];
  createdDaysAgo: number;
  modifiedDaysAgo: number;
  /** Reuse the patient of the dossier with this first name (the duplicate pair). */
  samePatientAs?: string;
  motifAnnulation?: string;
}

const A = "accepte";
// biome-ignore format: one dossier per line reads as a table
const SPECS: Spec[] = [
  // ── Dossiers en cours (15) ──
  { prenom: "Alpha", sexe: "F", orientation: "EHPAD", statut: "envoye", rattachement: A, volet: "valide", demandeur: "particulier", demandes: ["envoyee", "lue", "liste_attente", "refusee"], createdDaysAgo: 41, modifiedDaysAgo: 0.2 },
  { prenom: "Bravo", sexe: "M", orientation: "EHPAD", statut: "volet_medical", rattachement: A, volet: "a_completer", demandeur: "particulier", demandes: [], createdDaysAgo: 6, modifiedDaysAgo: 1.1 },
  { prenom: "Charlie", sexe: "F", orientation: "SMR", statut: "envoye", rattachement: A, volet: "valide", demandeur: "dac", demandes: ["acceptee", "envoyee"], createdDaysAgo: 12, modifiedDaysAgo: 0.6 },
  { prenom: "Delta", sexe: "M", orientation: "RA", statut: "redaction", rattachement: A, volet: "en_cours", demandeur: "moi", demandes: [], createdDaysAgo: 3, modifiedDaysAgo: 2.8 },
  { prenom: "Echo", sexe: "F", orientation: "EHPAD", statut: "admis", rattachement: A, volet: "valide", demandeur: "particulier", demandes: ["admis", "annulee", "annulee"], createdDaysAgo: 95, modifiedDaysAgo: 4 },
  { prenom: "Foxtrot", sexe: "M", orientation: "PCO", statut: "envoye", rattachement: A, volet: "valide", demandeur: "moi", demandes: ["envoyee"], createdDaysAgo: 20, modifiedDaysAgo: 9 },
  { prenom: "Golf", sexe: "F", orientation: "USLD", statut: "complet", rattachement: A, volet: "valide", demandeur: "etablissement", demandes: [], createdDaysAgo: 15, modifiedDaysAgo: 5 },
  { prenom: "Hotel", sexe: "M", orientation: "USP", statut: "envoye", rattachement: A, volet: "valide", demandeur: "etablissement", demandes: ["admission_proposee"], createdDaysAgo: 4, modifiedDaysAgo: 0.3 },
  { prenom: "India", sexe: "F", orientation: "EHPAD", statut: "envoye", rattachement: A, volet: "valide", demandeur: "particulier", demandes: ["liste_attente", "liste_attente"], createdDaysAgo: 240, modifiedDaysAgo: INACTIVITY_ALERT_DAYS - 8 },
  { prenom: "Juliett", sexe: "F", orientation: "EHPAD", statut: "volet_medical", rattachement: A, volet: "a_completer", demandeur: "particulier", demandes: [], createdDaysAgo: 30, modifiedDaysAgo: 13 },
  { prenom: "Kilo", sexe: "M", orientation: "PCO", statut: "redaction", rattachement: A, volet: "a_completer", demandeur: "moi", demandes: [], createdDaysAgo: 2, modifiedDaysAgo: 1.9 },
  { prenom: "Lima", sexe: "M", orientation: "SMR", statut: "volet_medical", rattachement: A, volet: "en_cours", demandeur: "dac", demandes: [], createdDaysAgo: 8, modifiedDaysAgo: 2 },
  { prenom: "Juliett", sexe: "F", orientation: "EHPAD", statut: "redaction", rattachement: A, volet: "a_completer", demandeur: "moi", demandes: [], createdDaysAgo: 10, modifiedDaysAgo: 10, samePatientAs: "Juliett" },
  { prenom: "November", sexe: "F", orientation: "EHPAD", statut: "envoye", rattachement: A, volet: "valide", demandeur: "particulier", demandes: ["acceptee", "lue", "envoyee"], createdDaysAgo: 60, modifiedDaysAgo: 3 },
  { prenom: "Oscar", sexe: "M", orientation: "HAD", statut: "envoye", rattachement: A, volet: "valide", demandeur: "dac", demandes: ["refusee", "lue"], createdDaysAgo: 9, modifiedDaysAgo: 1.5 },
  // ── Dossiers annulés ou archivés (6) ──
  { prenom: "Papa", sexe: "M", orientation: "EHPAD", statut: "annule", rattachement: A, volet: "valide", demandeur: "particulier", demandes: ["annulee", "annulee"], createdDaysAgo: 130, modifiedDaysAgo: 70, motifAnnulation: "Annulé à la demande de la personne" },
  { prenom: "Quebec", sexe: "F", orientation: "EHPAD", statut: "archive", rattachement: A, volet: "valide", demandeur: "particulier", demandes: ["liste_attente"], createdDaysAgo: 420, modifiedDaysAgo: 180, motifAnnulation: "Archivé automatiquement : dossier sans modification depuis 8 mois" },
  { prenom: "Romeo", sexe: "M", orientation: "SMR", statut: "annule", rattachement: A, volet: "en_cours", demandeur: "dac", demandes: ["refusee"], createdDaysAgo: 50, modifiedDaysAgo: 35, motifAnnulation: "Retour à domicile sans orientation" },
  { prenom: "Sierra", sexe: "F", orientation: "PCO", statut: "archive", rattachement: A, volet: "valide", demandeur: "moi", demandes: ["admis"], createdDaysAgo: 300, modifiedDaysAgo: 150, motifAnnulation: "Prise en charge terminée" },
  { prenom: "Tango", sexe: "M", orientation: "RA", statut: "annule", rattachement: A, volet: "a_completer", demandeur: "particulier", demandes: [], createdDaysAgo: 90, modifiedDaysAgo: 60, motifAnnulation: "Doublon d'un autre dossier" },
  { prenom: "Uniform", sexe: "F", orientation: "USP", statut: "archive", rattachement: A, volet: "valide", demandeur: "etablissement", demandes: ["admis"], createdDaysAgo: 200, modifiedDaysAgo: 120, motifAnnulation: "Prise en charge terminée" },
  // ── Ne fait pas partie de ma patientèle (4): three waiting for my acceptance, one I refused ──
  { prenom: "Victor", sexe: "M", orientation: "EHPAD", statut: "volet_medical", rattachement: "a_accepter", volet: "a_completer", demandeur: "particulier", demandes: [], createdDaysAgo: 1, modifiedDaysAgo: 0.8 },
  { prenom: "Whiskey", sexe: "F", orientation: "SMR", statut: "redaction", rattachement: "a_accepter", volet: "a_completer", demandeur: "dac", demandes: [], createdDaysAgo: 5, modifiedDaysAgo: 0.1 },
  { prenom: "Xray", sexe: "M", orientation: "PCO", statut: "volet_medical", rattachement: "a_accepter", volet: "a_completer", demandeur: "etablissement", demandes: [], createdDaysAgo: 7, modifiedDaysAgo: 6 },
  { prenom: "Yankee", sexe: "F", orientation: "EHPAD", statut: "volet_medical", rattachement: "refuse", volet: "a_completer", demandeur: "particulier", demandes: [], createdDaysAgo: 25, modifiedDaysAgo: 20 },
];

interface Etab {
  nom: string;
  ville: string;
  type: string;
}

const ETABLISSEMENTS: Record<Orientation, Etab[]> = {
  EHPAD: [
    { nom: "EHPAD Les Tilleuls", ville: "Villeurbanne", type: "Hébergement permanent" },
    { nom: "EHPAD Résidence du Parc", ville: "Caluire-et-Cuire", type: "Hébergement permanent" },
    { nom: "EHPAD Le Clos Fleuri", ville: "Écully", type: "Hébergement permanent" },
    { nom: "EHPAD Les Glycines", ville: "Bron", type: "Hébergement temporaire" },
    { nom: "EHPAD La Roseraie", ville: "Vénissieux", type: "Unité de vie protégée" },
  ],
  RA: [{ nom: "Résidence autonomie Les Lilas", ville: "Oullins-Pierre-Bénite", type: "Logement individuel" }],
  USLD: [{ nom: "USLD du Centre hospitalier de Test-sur-Saône", ville: "Neuville-sur-Saône", type: "Long séjour" }],
  SMR: [
    { nom: "SMR Clinique du Val d'Azergues", ville: "Limonest", type: "SMR polyvalent" },
    { nom: "SMR Centre de rééducation Les Cèdres", ville: "Tassin-la-Demi-Lune", type: "SMR locomoteur" },
  ],
  HAD: [
    { nom: "HAD Rhône Test Nord", ville: "Lyon 4e", type: "HAD" },
    { nom: "HAD Soins Test Métropole", ville: "Vaulx-en-Velin", type: "HAD" },
  ],
  USP: [{ nom: "USP Hôpital Test-Sud", ville: "Pierre-Bénite", type: "Soins palliatifs" }],
  PCO: [{ nom: "Plateforme PCO TND Test Rhône", ville: "Lyon 7e", type: "Parcours bilan et intervention précoce" }],
};

const MOTIFS_REFUS = [
  "Pas de place disponible en unité protégée",
  "Prise en charge ne correspondant pas au projet de l'établissement",
  "Besoins en soins techniques trop importants",
];

const MEDICAL_GA = {
  antecedents: [
    "HTA",
    "Diabète de type 2",
    "Fracture du col du fémur gauche (opérée)",
    "Cardiopathie ischémique",
    "Cataracte bilatérale",
  ],
  problemes: [
    "Troubles de la marche, chutes répétées",
    "Perte d'autonomie progressive",
    "Dénutrition modérée",
    "Troubles mnésiques",
  ],
  traitements: [
    "Ramipril 5 mg : 1 cp le matin",
    "Metformine 850 mg : 1 cp matin et soir",
    "Paracétamol 1 g si douleur",
    "Donépézil 10 mg : 1 cp le soir",
  ],
};
const MEDICAL_SAN = {
  antecedents: ["BPCO", "Arthrose des genoux", "Prothèse totale de hanche droite", "Insuffisance cardiaque"],
  problemes: [
    "Rééducation après chirurgie orthopédique",
    "Plaie chronique nécessitant des pansements",
    "Soins de confort",
  ],
  traitements: ["Apixaban 2,5 mg : 1 cp matin et soir", "Furosémide 40 mg : 1 cp le matin", "Morphine LP 10 mg"],
};
const MEDICAL_TND = {
  antecedents: ["Prématurité (34 SA)", "Otites à répétition"],
  problemes: ["Retard de langage", "Difficultés d'interaction sociale repérées à la crèche", "Troubles du sommeil"],
  traitements: ["Aucun traitement au long cours"],
};

const DAY = 86_400_000;

export interface DatasetOptions {
  now: Date;
  seed?: number;
}

export function generateDataset({ now, seed = DEFAULT_SEED }: DatasetOptions): Dossier[] {
  const rng = new Rng(seed);
  const nowMs = now.getTime();
  // Times of day land in office hours, so "Dernière modification" looks like real activity.
  // Today's changes are squeezed into the last 4 hours (0.25 → 1 h ago) rather than spread over the night.
  const at = (daysAgo: number) => {
    if (daysAgo < 1) return new Date(nowMs - daysAgo * 4 * 3_600_000).toISOString();
    const t = new Date(nowMs - daysAgo * DAY);
    t.setUTCHours(rng.int(6, 15), rng.int(0, 59), rng.int(0, 59), 0);
    return t.toISOString();
  };
  const usedNumbers = new Set<string>();
  const patients = new Map<string, Dossier["patient"]>();
  const finessByEtab = new Map<string, string>();
  const finessOf = (e: Etab) => {
    let f = finessByEtab.get(e.nom);
    if (!f) {
      f = `99${String(rng.int(0, 9_999_999)).padStart(7, "0")}`;
      finessByEtab.set(e.nom, f);
    }
    return f;
  };

  const dossiers = SPECS.map((spec) => {
    const module = ORIENTATIONS[spec.orientation].module;
    const created = at(spec.createdDaysAgo);
    const modified = latest(created, at(spec.modifiedDaysAgo));
    const within = (iso: string, lo: string) => earliest(latest(iso, lo), modified);
    const patient = (spec.samePatientAs && patients.get(spec.samePatientAs)) || makePatient(spec, module, now, rng);
    patients.set(spec.prenom, patient);

    let numero: string;
    do {
      const prefix = module === "GrandAge" ? "GA" : module === "Sanitaire" ? "SAN" : "TND";
      numero = `${prefix}-${created.slice(0, 4)}-${String(rng.int(1000, 999_999)).padStart(6, "0")}`;
    } while (usedNumbers.has(numero));
    usedNumbers.add(numero);

    const demandeur = demandeurLabel(spec.demandeur, patient, rng);
    const historique: HistoriqueEntry[] = [
      { at: created, par: demandeurAuthor(spec.demandeur, demandeur), action: "Création du dossier" },
    ];

    const etabs = rng.sample(ETABLISSEMENTS[spec.orientation], spec.demandes.length);
    while (etabs.length < spec.demandes.length) etabs.push(rng.pick(ETABLISSEMENTS[spec.orientation]));
    const span = Math.max(0.05, spec.createdDaysAgo - spec.modifiedDaysAgo);
    const admittedAt = spec.demandes.includes("admis") ? modified : undefined;
    const demandes: Demande[] = spec.demandes.map((statut, i) => {
      const e = etabs[i]!;
      const sentDaysAgo = spec.createdDaysAgo - span * (0.3 + 0.1 * i);
      const dateEnvoi = within(at(sentDaysAgo), created);
      // The last answer of the dossier is its last modification; the others fall in between.
      const dateStatut = within(
        statut === "envoyee"
          ? dateEnvoi
          : statut === "annulee" && admittedAt
            ? admittedAt
            : i === 0
              ? modified
              : at(spec.modifiedDaysAgo + span * 0.2 * (i + 1) * 0.5),
        dateEnvoi,
      );
      const d: Demande = {
        finess: finessOf(e),
        etablissement: e.nom,
        ville: e.ville,
        typePriseEnCharge: e.type,
        dateEnvoi,
        statut,
        dateStatut,
      };
      if (statut === "refusee") d.motif = rng.pick(MOTIFS_REFUS);
      if (statut === "annulee")
        d.motif = admittedAt ? "Annulation automatique : admission dans un autre établissement" : "Dossier annulé";
      if (statut === "admission_proposee") d.dateEntree = new Date(nowMs + 3 * DAY).toISOString().slice(0, 10);
      if (statut === "admis") d.dateEntree = modified.slice(0, 10);
      historique.push({ at: dateEnvoi, par: "Moi-même", action: `Demande envoyée à ${e.nom}` });
      if (statut !== "envoyee")
        historique.push({
          at: dateStatut,
          par: e.nom,
          action: `Réponse : ${DEMANDE_STATUTS[statut]}${d.motif ? ` (${d.motif})` : ""}`,
        });
      return d;
    });

    const voletMedical = makeVoletMedical(spec, module, rng, created, modified);
    if (voletMedical.valideLe)
      historique.push({ at: voletMedical.valideLe, par: "Moi-même", action: "Validation du volet médical" });
    const lastAnswer = demandes
      .filter((d) => d.statut !== "envoyee")
      .sort((a, b) => b.dateStatut.localeCompare(a.dateStatut))[0];
    const modifiePar =
      lastAnswer && lastAnswer.dateStatut === modified
        ? lastAnswer.etablissement
        : demandeurAuthor(spec.demandeur, demandeur);
    if (spec.motifAnnulation)
      historique.push({
        at: modified,
        par: modifiePar,
        action: `${spec.statut === "archive" ? "Archivage" : "Annulation"} : ${spec.motifAnnulation}`,
      });
    if (spec.rattachement === "a_accepter")
      historique.push({ at: modified, par: modifiePar, action: "Désignation du médecin traitant : vous" });
    if (spec.rattachement === "refuse")
      historique.push({
        at: modified,
        par: "Moi-même",
        action: "Indiqué comme ne faisant pas partie de ma patientèle",
      });
    historique.sort((a, b) => a.at.localeCompare(b.at));

    const dossier: Dossier = {
      numero,
      module,
      orientation: spec.orientation,
      patient,
      demandeur,
      statut: spec.statut,
      rattachement: spec.rattachement,
      voletMedical,
      soinsEtProjet: soinsEtProjet(spec.orientation),
      creeLe: created,
      modifieLe: modified,
      modifiePar,
      demandes,
      historique,
    };
    if (spec.motifAnnulation) dossier.motifAnnulation = spec.motifAnnulation;
    return dossier;
  });
  return dossiers;
}

function latest(a: string, b: string): string {
  return a > b ? a : b;
}

function earliest(a: string, b: string): string {
  return a < b ? a : b;
}

function makePatient(spec: Spec, module: string, now: Date, rng: Rng): Dossier["patient"] {
  const [minAge, maxAge] = module === "GrandAge" ? [76, 98] : module === "Sanitaire" ? [48, 92] : [1, 6];
  const birth = new Date(now.getTime() - (rng.int(minAge, maxAge) * 365.25 + rng.int(0, 364)) * DAY);
  const p: Dossier["patient"] = {
    nomNaissance: "TESTPATIENT",
    prenom: spec.prenom,
    dateNaissance: birth.toISOString().slice(0, 10),
    sexe: spec.sexe,
    adresse: `${rng.int(1, 120)} rue de l'Exemple, 69${String(rng.int(0, 9) * 10 + 0).padStart(3, "0")} ${rng.pick(["Villeurbanne", "Lyon", "Bron", "Caluire-et-Cuire", "Vénissieux"])}`,
    telephone: `06 00 00 ${String(rng.int(0, 99)).padStart(2, "0")} ${String(rng.int(0, 99)).padStart(2, "0")}`,
  };
  if (spec.sexe === "F" && module === "GrandAge" && rng.float() < 0.6) p.nomUsage = "TESTUSAGE";
  return p;
}

function demandeurLabel(kind: DemandeurKind, p: Dossier["patient"], rng: Rng): string {
  switch (kind) {
    case "particulier":
      return `Particulier (${rng.pick(["fille", "fils", "conjoint", "nièce"])} : ${p.nomUsage ?? p.nomNaissance} ${rng.pick(["Claire", "Marc", "Sophie", "Luc"])})`;
    case "dac":
      return rng.pick(["DAC 69 Test Nord", "DAC Rhône Test Centre"]);
    case "etablissement":
      return rng.pick(["Service de médecine – CH Test-sur-Saône", "Service de gériatrie aiguë – Hôpital Test-Sud"]);
    case "moi":
      return "Moi-même";
  }
}

function demandeurAuthor(kind: DemandeurKind, label: string): string {
  return kind === "particulier" ? label.replace(/^Particulier \(([^:]+) : (.*)\)$/, "$2 ($1)") : label;
}

function makeVoletMedical(spec: Spec, module: string, rng: Rng, created: string, modified: string): VoletMedical {
  const src = module === "GrandAge" ? MEDICAL_GA : module === "Sanitaire" ? MEDICAL_SAN : MEDICAL_TND;
  const filled = spec.volet !== "a_completer";
  const v: VoletMedical = {
    etat: spec.volet,
    antecedents: filled ? rng.sample(src.antecedents, 2) : [],
    problemesEnCours: filled ? rng.sample(src.problemes, 2) : [],
    traitements: filled ? rng.sample(src.traitements, 2) : [],
    allergies: filled ? rng.pick(["Aucune allergie connue", "Pénicilline", "Iode"]) : "",
    troublesCognitifs:
      filled && module === "GrandAge"
        ? rng.pick(["Troubles mnésiques légers", "Aucun", "Désorientation temporelle"])
        : "",
    soinsTechniques: filled ? rng.pick(["Aucun", "Pansement quotidien", "Insulinothérapie"]) : "",
  };
  if (module === "GrandAge" && filled) v.gir = rng.int(2, 5);
  if (spec.volet === "valide") {
    const c = Date.parse(created);
    const m = Date.parse(modified);
    v.valideLe = new Date(c + (m - c) * 0.2).toISOString();
  }
  return v;
}

function soinsEtProjet(o: Orientation): string {
  switch (o) {
    case "EHPAD":
    case "RA":
    case "USLD":
      return "Maintien à domicile devenu difficile malgré les aides (SSIAD, portage des repas). Souhait d'un établissement proche de la famille.";
    case "SMR":
      return "Rééducation à la marche après chirurgie ; objectif de retour à domicile.";
    case "HAD":
      return "Soins techniques à domicile (pansements complexes), entourage présent.";
    case "USP":
      return "Prise en charge palliative, confort et accompagnement de la famille.";
    case "PCO":
      return "Orientation vers la plateforme pour bilan pluridisciplinaire et interventions précoces.";
  }
}
