/**
 * The dossiers of the mock and every way to change them: the doctor's own actions (accept, refuse, validate the
 * volet médical), and the test-only changes of the admin API (a new establishment answer, a status, a new dossier).
 * Every change bumps "Dernière modification", appends to the dossier's Historique and to a global change log with a
 * sequence number — what the later dossier-overlay feature will diff against.
 * Business rule kept here: an admission in one establishment cancels the pending requests to the others
 * (viatrajectoire.md §3.1 [V]).
 */
import type { MockClock } from "../clock";
import { DEFAULT_SEED, generateDataset } from "./fake-dataset";
import {
  DEMANDE_STATUTS,
  type Demande,
  type DemandeStatut,
  DOSSIER_STATUTS,
  type Dossier,
  type DossierStatut,
  isDemandeStatut,
  isDossierStatut,
  isOrientation,
  isRattachement,
  isVoletMedicalEtat,
  type Onglet,
  ORIENTATIONS,
  type Orientation,
  ongletOf,
  type Patient,
  type Rattachement,
  type VoletMedical,
  type VoletMedicalEtat,
} from "./model";

export interface ChangeEvent {
  seq: number;
  at: string;
  numero: string;
  kind: "created" | "statut" | "demande" | "volet-medical" | "rattachement" | "edit";
  summary: string;
}

export class StoreError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

const FINAL_DEMANDE: DemandeStatut[] = ["refusee", "annulee", "admis"];

export class DossierStore {
  private dossiers = new Map<string, Dossier>();
  private log: ChangeEvent[] = [];
  private seq = 0;

  constructor(
    private readonly clock: MockClock,
    public seed = DEFAULT_SEED,
  ) {
    this.reset();
  }

  /** Regenerates the data set relative to the clock's current "now". */
  reset(seed = this.seed): void {
    this.seed = seed;
    this.dossiers = new Map(generateDataset({ now: this.clock.now(), seed }).map((d) => [d.numero, d]));
    this.log = [];
    this.seq = 0;
  }

  list(): Dossier[] {
    return [...this.dossiers.values()];
  }

  byOnglet(onglet: Onglet): Dossier[] {
    return this.list().filter((d) => ongletOf(d) === onglet);
  }

  counts(): Record<Onglet, number> {
    const c: Record<Onglet, number> = { encours: 0, annules: 0, horspatientele: 0 };
    for (const d of this.dossiers.values()) c[ongletOf(d)]++;
    return c;
  }

  get(numero: string): Dossier | undefined {
    return this.dossiers.get(numero);
  }

  require(numero: string): Dossier {
    const d = this.dossiers.get(numero);
    if (!d) throw new StoreError(404, `dossier ${numero} not found`);
    return d;
  }

  changes(sinceSeq = 0): ChangeEvent[] {
    return this.log.filter((e) => e.seq > sinceSeq);
  }

  /** Name, first name or birth date (jj/mm/aaaa or aaaa-mm-jj) contains every word of the query. */
  search(query: string): Dossier[] {
    const words = normalise(query).split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    return this.list().filter((d) => {
      const p = d.patient;
      const [y, m, j] = p.dateNaissance.split("-");
      const hay = normalise(`${p.nomNaissance} ${p.nomUsage ?? ""} ${p.prenom} ${p.dateNaissance} ${j}/${m}/${y}`);
      return words.every((w) => hay.includes(w));
    });
  }

  /** Dossiers of the same person by the duplicate rule (§3.1 [V]): same names, birth date and sex; cancelled and archived ones excluded. */
  duplicatesOf(p: Pick<Patient, "nomNaissance" | "prenom" | "dateNaissance" | "sexe">, except?: string): Dossier[] {
    return this.list().filter(
      (d) =>
        d.numero !== except &&
        d.statut !== "annule" &&
        d.statut !== "archive" &&
        normalise(d.patient.nomNaissance) === normalise(p.nomNaissance) &&
        normalise(d.patient.prenom) === normalise(p.prenom) &&
        d.patient.dateNaissance === p.dateNaissance &&
        d.patient.sexe === p.sexe,
    );
  }

  private touch(d: Dossier, par: string, action: string, kind: ChangeEvent["kind"]): void {
    const at = this.clock.now().toISOString();
    d.modifieLe = at;
    d.modifiePar = par;
    d.historique.push({ at, par, action });
    this.log.push({ seq: ++this.seq, at, numero: d.numero, kind, summary: action });
  }

  // ───────── the doctor's actions ─────────

  accept(numero: string): Dossier {
    const d = this.require(numero);
    if (d.rattachement === "accepte") throw new StoreError(409, "dossier already accepted");
    d.rattachement = "accepte";
    this.touch(d, "Moi-même", "Dossier accepté : je suis le médecin traitant", "rattachement");
    return d;
  }

  refuse(numero: string): Dossier {
    const d = this.require(numero);
    if (d.rattachement === "refuse") throw new StoreError(409, "dossier already refused");
    d.rattachement = "refuse";
    this.touch(d, "Moi-même", "Indiqué comme ne faisant pas partie de ma patientèle", "rattachement");
    return d;
  }

  validateVoletMedical(numero: string): Dossier {
    const d = this.require(numero);
    if (d.rattachement !== "accepte") throw new StoreError(409, "accept the dossier first");
    if (d.voletMedical.etat === "valide") throw new StoreError(409, "volet médical already validated");
    d.voletMedical.etat = "valide";
    d.voletMedical.valideLe = this.clock.now().toISOString();
    if (d.statut === "volet_medical" || d.statut === "redaction") d.statut = "complet";
    this.touch(d, "Moi-même", "Validation du volet médical", "volet-medical");
    return d;
  }

  // ───────── test-only changes (admin API) ─────────

  /** A new dossier; every field optional, with plausible defaults. */
  add(input: Record<string, unknown>): Dossier {
    const orientation = input.orientation ?? "EHPAD";
    if (!isOrientation(orientation))
      throw new StoreError(400, `orientation must be one of ${Object.keys(ORIENTATIONS).join(", ")}`);
    const statut = input.statut ?? "volet_medical";
    if (!isDossierStatut(statut))
      throw new StoreError(400, `statut must be one of ${Object.keys(DOSSIER_STATUTS).join(", ")}`);
    const rattachement = input.rattachement ?? "a_accepter";
    if (!isRattachement(rattachement)) throw new StoreError(400, "rattachement must be accepte, a_accepter or refuse");
    const module = ORIENTATIONS[orientation].module;
    const now = this.clock.now().toISOString();
    const p = (input.patient ?? {}) as Record<string, unknown>;
    const patient: Patient = {
      nomNaissance: str(p.nomNaissance, "TESTPATIENT"),
      prenom: str(p.prenom, "Zulu"),
      dateNaissance: str(p.dateNaissance, "1940-01-01"),
      sexe: p.sexe === "M" ? "M" : "F",
      adresse: str(p.adresse, "1 rue de l'Exemple, 69000 Lyon"),
      telephone: str(p.telephone, "06 00 00 00 00"),
    };
    if (typeof p.nomUsage === "string") patient.nomUsage = p.nomUsage;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(patient.dateNaissance))
      throw new StoreError(400, "patient.dateNaissance must be YYYY-MM-DD");
    const prefix = module === "GrandAge" ? "GA" : module === "Sanitaire" ? "SAN" : "TND";
    let numero = str(input.numero, "");
    if (!numero) {
      let n = 900_000 + this.dossiers.size;
      do numero = `${prefix}-${now.slice(0, 4)}-${String(n++).padStart(6, "0")}`;
      while (this.dossiers.has(numero));
    } else if (this.dossiers.has(numero)) throw new StoreError(409, `dossier ${numero} exists`);
    const demandeur = str(input.demandeur, "DAC 69 Test Nord");
    const d: Dossier = {
      numero,
      module,
      orientation,
      patient,
      demandeur,
      statut,
      rattachement,
      voletMedical: {
        etat: "a_completer",
        antecedents: [],
        problemesEnCours: [],
        traitements: [],
        allergies: "",
        troublesCognitifs: "",
        soinsTechniques: "",
      },
      soinsEtProjet: str(input.soinsEtProjet, ""),
      creeLe: now,
      modifieLe: now,
      modifiePar: demandeur,
      demandes: [],
      historique: [],
    };
    this.dossiers.set(numero, d);
    this.touch(d, demandeur, "Création du dossier", "created");
    return d;
  }

  /** Changes the dossier-level fields given; returns the dossier. */
  update(numero: string, patch: Record<string, unknown>): Dossier {
    const d = this.require(numero);
    const par = str(patch.par, "ViaTrajectoire");
    const done: string[] = [];
    if (patch.statut !== undefined) {
      if (!isDossierStatut(patch.statut))
        throw new StoreError(400, `statut must be one of ${Object.keys(DOSSIER_STATUTS).join(", ")}`);
      this.setStatut(d, patch.statut, str(patch.motif, ""));
      done.push(`Statut : ${DOSSIER_STATUTS[patch.statut]}`);
    }
    if (patch.rattachement !== undefined) {
      if (!isRattachement(patch.rattachement))
        throw new StoreError(400, "rattachement must be accepte, a_accepter or refuse");
      d.rattachement = patch.rattachement as Rattachement;
      done.push("Médecin traitant modifié");
    }
    if (patch.voletMedical !== undefined) {
      done.push(this.patchVolet(d.voletMedical, patch.voletMedical));
    }
    if (patch.soinsEtProjet !== undefined) {
      d.soinsEtProjet = str(patch.soinsEtProjet, d.soinsEtProjet);
      done.push("Volet soins et projet modifié");
    }
    if (patch.patient !== undefined) {
      const p = patch.patient as Record<string, unknown>;
      for (const k of ["nomNaissance", "nomUsage", "prenom", "dateNaissance", "adresse", "telephone"] as const) {
        if (typeof p[k] === "string") d.patient[k] = p[k] as string;
      }
      if (p.sexe === "F" || p.sexe === "M") d.patient.sexe = p.sexe;
      done.push("Volet administratif modifié");
    }
    if (patch.demandeur !== undefined) d.demandeur = str(patch.demandeur, d.demandeur);
    if (done.length === 0)
      throw new StoreError(400, "nothing to change: give statut, rattachement, voletMedical, soinsEtProjet or patient");
    const kind: ChangeEvent["kind"] =
      patch.statut !== undefined
        ? "statut"
        : patch.voletMedical !== undefined
          ? "volet-medical"
          : patch.rattachement !== undefined
            ? "rattachement"
            : "edit";
    this.touch(d, par, done.join(" ; "), kind);
    return d;
  }

  private setStatut(d: Dossier, statut: DossierStatut, motif: string): void {
    d.statut = statut;
    if (statut === "annule" || statut === "archive") {
      if (motif) d.motifAnnulation = motif;
      for (const x of d.demandes)
        if (!FINAL_DEMANDE.includes(x.statut)) this.setDemandeStatut(x, "annulee", "Dossier annulé");
    }
  }

  private patchVolet(v: VoletMedical, raw: unknown): string {
    if (!raw || typeof raw !== "object") throw new StoreError(400, "voletMedical must be an object");
    const p = raw as Record<string, unknown>;
    if (p.etat !== undefined) {
      if (!isVoletMedicalEtat(p.etat))
        throw new StoreError(400, "voletMedical.etat must be a_completer, en_cours or valide");
      v.etat = p.etat as VoletMedicalEtat;
      if (v.etat === "valide") v.valideLe = this.clock.now().toISOString();
      else delete v.valideLe;
    }
    for (const k of ["antecedents", "problemesEnCours", "traitements"] as const) {
      if (Array.isArray(p[k])) v[k] = (p[k] as unknown[]).map(String);
    }
    for (const k of ["allergies", "troublesCognitifs", "soinsTechniques"] as const) {
      if (typeof p[k] === "string") v[k] = p[k] as string;
    }
    if (typeof p.gir === "number") v.gir = p.gir;
    return p.etat === "valide" ? "Validation du volet médical" : "Volet médical modifié";
  }

  private setDemandeStatut(x: Demande, statut: DemandeStatut, motif?: string): void {
    x.statut = statut;
    x.dateStatut = this.clock.now().toISOString();
    if (motif) x.motif = motif;
    else delete x.motif;
  }

  /**
   * An establishment's answer (new request when the FINESS is new). `admis` cancels the other pending requests
   * and makes the dossier "Admis".
   */
  answer(
    numero: string,
    input: {
      finess?: unknown;
      etablissement?: unknown;
      ville?: unknown;
      statut?: unknown;
      motif?: unknown;
      dateEntree?: unknown;
    },
  ): Dossier {
    const d = this.require(numero);
    const statut = input.statut ?? "envoyee";
    if (!isDemandeStatut(statut))
      throw new StoreError(400, `statut must be one of ${Object.keys(DEMANDE_STATUTS).join(", ")}`);
    let x = typeof input.finess === "string" ? d.demandes.find((y) => y.finess === input.finess) : undefined;
    const now = this.clock.now().toISOString();
    if (!x) {
      const finess =
        typeof input.finess === "string"
          ? input.finess
          : `99${String(1_000_000 + d.demandes.length * 7919 + this.seq).slice(-7)}`;
      if (!/^[0-9A-Z]{9}$/.test(finess)) throw new StoreError(400, "finess must be 9 characters");
      x = {
        finess,
        etablissement: str(input.etablissement, "EHPAD Nouvel Exemple"),
        ville: str(input.ville, "Lyon"),
        typePriseEnCharge: "Hébergement permanent",
        dateEnvoi: now,
        statut: "envoyee",
        dateStatut: now,
      };
      d.demandes.push(x);
      if (d.statut === "complet" || d.statut === "redaction" || d.statut === "volet_medical") d.statut = "envoye";
    }
    this.setDemandeStatut(x, statut, typeof input.motif === "string" ? input.motif : undefined);
    if (typeof input.dateEntree === "string") x.dateEntree = input.dateEntree;
    if (statut === "admis") {
      x.dateEntree ??= now.slice(0, 10);
      d.statut = "admis";
      for (const y of d.demandes) {
        if (y !== x && !FINAL_DEMANDE.includes(y.statut))
          this.setDemandeStatut(y, "annulee", "Annulation automatique : admission dans un autre établissement");
      }
    }
    this.touch(d, x.etablissement, `Réponse : ${DEMANDE_STATUTS[statut]}${x.motif ? ` (${x.motif})` : ""}`, "demande");
    return d;
  }
}

function str(x: unknown, dflt: string): string {
  return typeof x === "string" ? x : dflt;
}

function normalise(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .trim();
}

export type { Orientation };
