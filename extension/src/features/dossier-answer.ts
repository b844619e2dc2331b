/**
 * An establishment answered since the last visit (§9 items 4–5): admission proposée, acceptée, refusée, liste
 * d'attente — the most action-worthy first (an admission date to confirm, then an acceptance to act on, then a
 * refusal that may call for another request, then a waiting list).
 */
import type { DemandeStatut } from "../portal/dashboard";
import { defineDossierFeature, plural, type Tone } from "./dossier-feature";

export const ANSWER_ORDER: ReadonlyArray<readonly [DemandeStatut, string, Tone]> = [
  ["admission_proposee", "Admission proposée", "good"],
  ["acceptee", "Acceptée", "good"],
  ["admis", "Admis", "good"],
  ["refusee", "Refus", "bad"],
  ["liste_attente", "Liste d'attente", "warn"],
];

export default defineDossierFeature({
  id: "dossier-answer",
  init(env) {
    const hit: string[] = [];
    for (const d of env.diffs.values()) {
      const answers = ANSWER_ORDER.filter(([code]) => d.newAnswers.includes(code));
      if (answers.length === 0) continue;
      hit.push(d.numero);
      for (const [i, [, label, tone]] of answers.entries()) {
        env.mark(d.numero, {
          feature: "dossier-answer",
          text: label,
          detail: `Nouvelle réponse d'établissement : ${label}`,
          tone,
          priority: i,
        });
      }
    }
    if (hit.length === 0) return false;
    const rank = (n: string) =>
      Math.min(...ANSWER_ORDER.map(([c], i) => (env.diffs.get(n)!.newAnswers.includes(c) ? i : 99)));
    hit.sort((a, b) => rank(a) - rank(b));
    env.report({
      feature: "dossier-answer",
      numeros: hit,
      priority: 10,
      label: (k) => plural(k, "dossier a une nouvelle réponse", "dossiers ont une nouvelle réponse"),
    });
    return undefined;
  },
});
