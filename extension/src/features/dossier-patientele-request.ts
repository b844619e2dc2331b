/** A dossier naming me as médecin traitant, to accept or decline (« Ne fait pas partie de ma patientèle », §9 item 1). */
import { defineDossierFeature, plural } from "./dossier-feature";

export default defineDossierFeature({
  id: "dossier-patientele-request",
  init(env) {
    const rows = env.dashboard.rows.filter((r) => r.rattachement === "a_accepter");
    if (rows.length === 0) return false;
    const fresh = rows.filter((r) => env.diffs.get(r.numero)?.kind === "new").map((r) => r.numero);
    for (const r of rows) {
      const isNew = fresh.includes(r.numero);
      env.mark(r.numero, {
        feature: "dossier-patientele-request",
        text: isNew ? "Nouvelle demande" : "À accepter ou refuser",
        detail: "Ce dossier vous désigne comme médecin traitant : acceptez-le ou refusez-le",
        tone: isNew ? "new" : "warn",
        priority: 1,
      });
    }
    env.report({
      feature: "dossier-patientele-request",
      numeros: fresh.length > 0 ? fresh : rows.map((r) => r.numero),
      priority: 0,
      label: (k) =>
        fresh.length > 0
          ? plural(k, "nouvelle demande à accepter", "nouvelles demandes à accepter")
          : plural(k, "demande à accepter", "demandes à accepter"),
    });
    return undefined;
  },
});
