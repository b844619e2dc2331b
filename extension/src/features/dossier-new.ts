/** Marks a dossier that appeared since the last visit (issue 12 §2, research §9 item 3). */
import { defineDossierFeature, plural } from "./dossier-feature";

export default defineDossierFeature({
  id: "dossier-new",
  init(env) {
    const numeros = [...env.diffs.values()]
      .filter((d) => d.kind === "new" && env.rowsByNumero.get(d.numero)?.rattachement === "accepte")
      .map((d) => d.numero);
    if (numeros.length === 0) return false;
    for (const n of numeros)
      env.mark(n, {
        feature: "dossier-new",
        text: "Nouveau",
        detail: "Nouveau dossier depuis votre dernière visite",
        tone: "new",
        priority: 10,
      });
    env.report({
      feature: "dossier-new",
      numeros,
      priority: 30,
      label: (k) => plural(k, "nouveau dossier", "nouveaux dossiers"),
    });
    return undefined;
  },
});
