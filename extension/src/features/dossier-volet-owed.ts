/**
 * The volet médical the doctor owes (§9 item 2: it blocks sending), with the days it has waited. "Waited since":
 * the first time cps-bridge saw it owed, bounded by the dossier's last change (memory field `o`) [G: the portal
 * shows no "requested on" date we know of].
 */
import { DAY_MS, days, defineDossierFeature, plural } from "./dossier-feature";

export default defineDossierFeature({
  id: "dossier-volet-owed",
  init(env) {
    const owed: string[] = [];
    for (const row of env.dashboard.rows) {
      if (row.rattachement !== "accepte" || row.volet === "valide" || row.volet === "inconnu") continue;
      if (row.statut === "annule" || row.statut === "archive" || row.statut === "admis") continue;
      const since = env.memory.current[row.numero]?.o ?? env.now;
      const n = days(env.now - since);
      owed.push(row.numero);
      env.mark(row.numero, {
        feature: "dossier-volet-owed",
        text: n >= 1 ? `Volet médical : ${plural(n, "jour", "jours")}` : "Volet médical à faire",
        detail: `Le volet médical attend votre saisie depuis ${n < 1 ? "aujourd'hui" : plural(n, "jour", "jours")}`,
        tone: env.now - since > 7 * DAY_MS ? "bad" : "warn",
        priority: 5,
      });
    }
    if (owed.length === 0) return false;
    env.report({
      feature: "dossier-volet-owed",
      numeros: owed,
      priority: 20,
      label: (k) => plural(k, "volet médical à compléter", "volets médicaux à compléter"),
    });
    return undefined;
  },
});
