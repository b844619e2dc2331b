/**
 * The dossier model of the mock médecin libéral space (viatrajectoire.md §3, §8.3, §8.4). Exact labels and codes
 * of the real portal are unknown: statuses are the plausible set of §3.3 [G]; modules and orientations are [V]
 * (§1); the three tabs are [B] (guide excerpt). Codes (`data-statut`, `data-module`) are ours and stable, labels
 * are what the page shows. Dates are ISO strings so the admin API can return the model as JSON unchanged.
 */

export const MODULES = ["GrandAge", "Sanitaire", "TND"] as const;
export type Module = (typeof MODULES)[number];

export const ORIENTATIONS = {
  EHPAD: { module: "GrandAge", label: "Hébergement personnes âgées – EHPAD", short: "EHPAD" },
  RA: { module: "GrandAge", label: "Hébergement personnes âgées – Résidence autonomie", short: "Résidence autonomie" },
  USLD: { module: "GrandAge", label: "Hébergement personnes âgées – USLD", short: "USLD" },
  SMR: { module: "Sanitaire", label: "Sanitaire – SMR", short: "SMR" },
  HAD: { module: "Sanitaire", label: "Sanitaire – HAD", short: "HAD" },
  USP: { module: "Sanitaire", label: "Sanitaire – USP", short: "USP" },
  PCO: { module: "TND", label: "TND – Plateforme PCO", short: "Plateforme PCO" },
} as const satisfies Record<string, { module: Module; label: string; short: string }>;

export const MODULE_LABELS: Record<Module, string> = {
  GrandAge: "Hébergement personnes âgées",
  Sanitaire: "Sanitaire",
  TND: "Enfant – TND",
};
export type Orientation = keyof typeof ORIENTATIONS;

/** Dossier lifecycle (§3.3 [G]). */
export const DOSSIER_STATUTS = {
  redaction: "En cours de rédaction",
  volet_medical: "Volet médical à compléter",
  complet: "Complet",
  envoye: "Envoyé",
  admis: "Admis",
  annule: "Annulé",
  archive: "Archivé",
} as const;
export type DossierStatut = keyof typeof DOSSIER_STATUTS;

/**
 * Whether the dossier is part of my patientèle. The guide [B] says the third tab holds the dossiers "pour lesquels
 * le médecin a indiqué que la personne concernée ne faisait pas partie de sa patientèle" (refused); research §8.3
 * also puts there the dossiers naming me that I have not accepted yet [G]. The mock shows both in that tab.
 */
export const RATTACHEMENTS = {
  accepte: "Patient de ma patientèle",
  a_accepter: "À accepter",
  refuse: "Ne fait pas partie de ma patientèle",
} as const;
export type Rattachement = keyof typeof RATTACHEMENTS;

export const VOLET_MEDICAL_ETATS = {
  a_completer: "À compléter",
  en_cours: "En cours",
  valide: "Validé",
} as const;
export type VoletMedicalEtat = keyof typeof VOLET_MEDICAL_ETATS;

/** One establishment's answer (§8.3 child rows; France Bleu articles [V] for lue / liste d'attente / refus / accepté). */
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

export type Onglet = "encours" | "annules" | "horspatientele";
export const ONGLETS: Record<Onglet, string> = {
  encours: "Dossiers en cours",
  annules: "Dossiers annulés ou archivés",
  horspatientele: "Ne fait pas partie de ma patientèle",
};

export interface Patient {
  nomNaissance: string;
  /** Usage (married) name, when different. */
  nomUsage?: string;
  prenom: string;
  /** YYYY-MM-DD */
  dateNaissance: string;
  sexe: "F" | "M";
  adresse: string;
  telephone: string;
}

export interface Demande {
  /** 9-character FINESS of the establishment (fake: department 99 does not exist). */
  finess: string;
  etablissement: string;
  ville: string;
  /** e.g. "Hébergement permanent". */
  typePriseEnCharge: string;
  dateEnvoi: string;
  statut: DemandeStatut;
  dateStatut: string;
  motif?: string;
  /** Planned entry date when an admission is proposed. */
  dateEntree?: string;
}

export interface VoletMedical {
  etat: VoletMedicalEtat;
  valideLe?: string;
  antecedents: string[];
  problemesEnCours: string[];
  traitements: string[];
  allergies: string;
  /** GIR 1–6 (AGGIR) for Grand âge. */
  gir?: number;
  troublesCognitifs: string;
  soinsTechniques: string;
}

export interface HistoriqueEntry {
  at: string;
  par: string;
  action: string;
}

export interface Dossier {
  numero: string;
  module: Module;
  orientation: Orientation;
  patient: Patient;
  /** Who created it: "Particulier (fille : …)", "DAC …", "Moi-même". */
  demandeur: string;
  statut: DossierStatut;
  rattachement: Rattachement;
  voletMedical: VoletMedical;
  soinsEtProjet: string;
  creeLe: string;
  modifieLe: string;
  modifiePar: string;
  demandes: Demande[];
  motifAnnulation?: string;
  historique: HistoriqueEntry[];
}

export function ongletOf(d: Dossier): Onglet {
  if (d.rattachement !== "accepte") return "horspatientele";
  return d.statut === "annule" || d.statut === "archive" ? "annules" : "encours";
}

/** "3 envoyées · 1 liste d'attente · 1 refus · 1 sans réponse" (§8.3 example). */
export function reponsesSummary(d: Dossier): string {
  if (d.demandes.length === 0) return "Aucune demande envoyée";
  const n = (s: DemandeStatut) => d.demandes.filter((x) => x.statut === s).length;
  const plural = (k: number, one: string, many: string) => `${k} ${k > 1 ? many : one}`;
  const parts = [plural(d.demandes.length, "envoyée", "envoyées")];
  const add = (k: number, one: string, many: string) => {
    if (k > 0) parts.push(plural(k, one, many));
  };
  add(n("liste_attente"), "liste d'attente", "listes d'attente");
  add(n("acceptee"), "acceptation", "acceptations");
  add(n("admission_proposee"), "admission proposée", "admissions proposées");
  add(n("admis"), "admission", "admissions");
  add(n("refusee"), "refus", "refus");
  add(n("annulee"), "annulée", "annulées");
  add(n("envoyee") + n("lue"), "sans réponse", "sans réponse");
  return parts.join(" · ");
}

export function moduleOfOrientation(o: Orientation): Module {
  return ORIENTATIONS[o].module;
}

export function isModule(x: unknown): x is Module {
  return typeof x === "string" && (MODULES as readonly string[]).includes(x);
}
export function isOrientation(x: unknown): x is Orientation {
  return typeof x === "string" && Object.hasOwn(ORIENTATIONS, x);
}
export function isDossierStatut(x: unknown): x is DossierStatut {
  return typeof x === "string" && Object.hasOwn(DOSSIER_STATUTS, x);
}
export function isDemandeStatut(x: unknown): x is DemandeStatut {
  return typeof x === "string" && Object.hasOwn(DEMANDE_STATUTS, x);
}
export function isRattachement(x: unknown): x is Rattachement {
  return typeof x === "string" && Object.hasOwn(RATTACHEMENTS, x);
}
export function isVoletMedicalEtat(x: unknown): x is VoletMedicalEtat {
  return typeof x === "string" && Object.hasOwn(VOLET_MEDICAL_ETATS, x);
}
