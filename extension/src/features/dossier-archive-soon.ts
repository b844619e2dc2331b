/**
 * A dossier about to be archived for inactivity (§3.1 [V, values maybe old]: an alert after 6 months unchanged,
 * archived 2 months later). Marked from 150 days without change; the archive date shown is last change + 8 months
 * (243 days) [G].
 */
import { DAY_MS, days, defineDossierFeature, plural } from "./dossier-feature";

export const WARN_AFTER_DAYS = 150;
export const ARCHIVE_AFTER_DAYS = 243;

export default defineDossierFeature({
  id: "dossier-archive-soon",
  init(env) {
    const hit: string[] = [];
    for (const row of env.dashboard.rows) {
      if (row.statut === "annule" || row.statut === "archive" || row.statut === "admis" || !row.modifieLe) continue;
      const m = Date.parse(row.modifieLe);
      const idle = days(env.now - m);
      if (idle < WARN_AFTER_DAYS) continue;
      const left = Math.max(0, ARCHIVE_AFTER_DAYS - idle);
      const date = new Date(m + ARCHIVE_AFTER_DAYS * DAY_MS).toLocaleDateString("fr-FR");
      hit.push(row.numero);
      env.mark(row.numero, {
        feature: "dossier-archive-soon",
        text: `Archivage dans ${plural(left, "jour", "jours")}`,
        detail: `Sans modification depuis ${idle} jours : archivage automatique prévu vers le ${date}`,
        tone: "warn",
        priority: 30,
      });
    }
    if (hit.length === 0) return false;
    env.report({
      feature: "dossier-archive-soon",
      numeros: hit,
      priority: 50,
      label: (k) => plural(k, "dossier bientôt archivé", "dossiers bientôt archivés"),
    });
    return undefined;
  },
});
