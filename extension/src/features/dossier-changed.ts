/** Marks a dossier changed since the last visit, saying what changed: status, volet médical, answers (§9 item 3). */

import type { Change } from "../dossiers/diff-store";
import { DOSSIER_STATUTS, VOLET_ETATS } from "../portal/dashboard";
import { defineDossierFeature, plural } from "./dossier-feature";

function describe(c: Change): string {
  switch (c.field) {
    case "statut":
      return `statut : ${DOSSIER_STATUTS[c.from as keyof typeof DOSSIER_STATUTS] ?? c.from} → ${DOSSIER_STATUTS[c.to as keyof typeof DOSSIER_STATUTS] ?? c.to}`;
    case "volet":
      return `volet médical : ${VOLET_ETATS[c.from as keyof typeof VOLET_ETATS] ?? c.from} → ${VOLET_ETATS[c.to as keyof typeof VOLET_ETATS] ?? c.to}`;
    case "reponses":
      return "réponses des établissements";
    case "rattachement":
      return "médecin traitant";
    case "modifie":
      return "contenu du dossier";
  }
}

export function changeText(changes: readonly Change[]): string {
  return `Modifié : ${changes.map(describe).join(" ; ")}`;
}

export default defineDossierFeature({
  id: "dossier-changed",
  init(env) {
    const changed = [...env.diffs.values()].filter((d) => d.kind === "changed");
    if (changed.length === 0) return false;
    for (const d of changed) {
      const fields = d.changes.map((c) => c.field);
      const short = fields.includes("statut")
        ? "Statut modifié"
        : fields.includes("volet")
          ? "Volet modifié"
          : fields.includes("reponses")
            ? "Réponses"
            : "Modifié";
      env.mark(d.numero, {
        feature: "dossier-changed",
        text: short,
        detail: changeText(d.changes),
        tone: "info",
        priority: 20,
      });
    }
    env.report({
      feature: "dossier-changed",
      numeros: changed.map((d) => d.numero),
      priority: 40,
      label: (k) => plural(k, "dossier modifié", "dossiers modifiés"),
    });
    return undefined;
  },
});
