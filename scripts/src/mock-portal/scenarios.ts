/**
 * Scenarios for the dossier overlay (issue 12): a scripted day of changes, and a big account. Built only from the
 * admin API (`MockPortal.admin`, the same calls as `/__admin/…`), so each step also lands in the change log and
 * the dossiers' Historique like any other change. Served as `POST /__admin/scenario/day` and
 * `POST /__admin/scenario/bulk {total}` (routes/admin.ts).
 */
import type { Dossier } from "./data/model";
import { ongletOf } from "./data/model";
import type { AdminApi } from "./portal";

export type DayStepKind = "nouveau-dossier" | "reponse" | "volet-demande" | "archive" | "demande-patientele";

export interface DayStep {
  kind: DayStepKind;
  numero: string;
  at: string;
}

const HOUR = 3_600_000;

/**
 * One day at the practice, in this order, an hour apart on the mock clock:
 * 1. a DAC creates a dossier naming me and already accepted (new dossier in "Dossiers en cours");
 * 2. an establishment accepts a pending request (answer received);
 * 3. an establishment asks for the volet médical again: a validated volet goes back to "À compléter";
 * 4. the least recently changed dossier in progress is archived for inactivity;
 * 5. a family names me as médecin traitant on a new dossier ("Ne fait pas partie de ma patientèle", to accept).
 * Throws when the data set has no dossier fit for a step (a reset data set always has one).
 */
export function scriptedDay(admin: AdminApi): DayStep[] {
  const steps: DayStep[] = [];
  const step = (kind: DayStepKind, d: Dossier) => {
    steps.push({ kind, numero: d.numero, at: admin.state().now });
  };
  const encours = () => admin.dossiers().filter((d) => ongletOf(d) === "encours");

  admin.advanceClock(HOUR);
  step(
    "nouveau-dossier",
    admin.addDossier({
      orientation: "SMR",
      statut: "volet_medical",
      rattachement: "accepte",
      demandeur: "DAC 69 Test Nord",
      patient: { nomNaissance: "TESTPATIENT", prenom: "Nouveau", dateNaissance: "1939-02-03", sexe: "M" },
    }),
  );

  admin.advanceClock(HOUR);
  const pending = encours().find((d) => d.demandes.some((x) => x.statut === "envoyee" || x.statut === "lue"));
  if (!pending) throw new Error("scripted day: no dossier with a pending request");
  const req = pending.demandes.find((x) => x.statut === "envoyee" || x.statut === "lue")!;
  step("reponse", admin.answer(pending.numero, { finess: req.finess, statut: "acceptee" }));

  admin.advanceClock(HOUR);
  const validated = encours().find(
    (d) => d.voletMedical.etat === "valide" && d.statut === "envoye" && d.numero !== pending.numero,
  );
  if (!validated) throw new Error("scripted day: no sent dossier with a validated volet médical");
  step(
    "volet-demande",
    admin.changeDossier(validated.numero, {
      voletMedical: { etat: "a_completer" },
      par: "EHPAD Les Tilleuls",
    }),
  );

  admin.advanceClock(HOUR);
  const oldest = encours()
    .filter((d) => d.numero !== pending.numero && d.numero !== validated.numero)
    .sort((a, b) => a.modifieLe.localeCompare(b.modifieLe))[0];
  if (!oldest) throw new Error("scripted day: no dossier to archive");
  step(
    "archive",
    admin.changeDossier(oldest.numero, { statut: "archive", motif: "Inactivité", par: "ViaTrajectoire" }),
  );

  admin.advanceClock(HOUR);
  step(
    "demande-patientele",
    admin.addDossier({
      orientation: "EHPAD",
      statut: "volet_medical",
      rattachement: "a_accepter",
      demandeur: "Particulier (fille)",
      patient: { nomNaissance: "TESTPATIENT", prenom: "Demande", dateNaissance: "1936-07-08", sexe: "F" },
    }),
  );
  return steps;
}

const BULK_ORIENTATIONS = ["EHPAD", "RA", "USLD", "SMR", "HAD", "USP", "PCO"] as const;
const BULK_STATUTS = ["redaction", "volet_medical", "complet", "envoye", "envoye", "envoye", "annule"] as const;

/**
 * Adds fake dossiers (all accepted by the doctor, so they land in the first two tabs) until the portal holds
 * `total` — what a GP with a large practice could accumulate. Every account sees the same dossiers (data set rule),
 * so "an account with 2,000 dossiers" is any account after `bulk(admin, 2000)`. Bounded: 1 ≤ total ≤ 10,000.
 */
export function bulk(admin: AdminApi, total: number): { total: number; added: number } {
  if (!Number.isInteger(total) || total < 1 || total > 10_000) throw new RangeError("total must be 1…10000");
  let have = admin.dossiers().length;
  let added = 0;
  for (let i = 0; have < total; i++, have++, added++) {
    admin.addDossier({
      orientation: BULK_ORIENTATIONS[i % BULK_ORIENTATIONS.length],
      statut: BULK_STATUTS[i % BULK_STATUTS.length],
      rattachement: "accepte",
      demandeur: i % 3 === 0 ? "Moi-même" : "DAC 69 Test Nord",
      patient: {
        nomNaissance: "TESTPATIENT",
        prenom: `Lot${String(i + 1).padStart(4, "0")}`,
        dateNaissance: `19${30 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
        sexe: i % 2 ? "M" : "F",
      },
    });
  }
  return { total: have, added };
}
