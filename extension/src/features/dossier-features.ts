/** The dossier overlay's features, one file each (dossier-feature.ts). The summary reads the others' findings: last. */
import dossierAnswer from "./dossier-answer";
import dossierArchiveSoon from "./dossier-archive-soon";
import dossierChanged from "./dossier-changed";
import type { DossierFeature } from "./dossier-feature";
import dossierNew from "./dossier-new";
import dossierPatienteleRequest from "./dossier-patientele-request";
import dossierSummary from "./dossier-summary";
import dossierVoletOwed from "./dossier-volet-owed";

export const DOSSIER_FEATURES: readonly DossierFeature[] = [
  dossierPatienteleRequest,
  dossierAnswer,
  dossierVoletOwed,
  dossierNew,
  dossierChanged,
  dossierArchiveSoon,
  dossierSummary,
];
