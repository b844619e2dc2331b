/**
 * The box above the table, « Depuis votre dernière visite : … » (issue 12): one entry per finding of the other
 * features, most action-worthy first; an entry is a toggle button that filters the table to its dossiers (the
 * portal's rows are hidden with the `hidden` attribute and given back on « Tout afficher » or when the overlay goes
 * away). « Tout marquer comme vu » moves the memory's baseline forward. Keyboard: Tab to the buttons, Enter/Space,
 * Escape shows all again.
 */
import { type DossierEnv, defineDossierFeature, type Finding } from "./dossier-feature";

export const SUMMARY_TAG = "cpsb-dossier-summary";

const CSS = `
:host { all: initial; display: block; margin: 0 0 10px; }
.box { font: 13px/1.45 Arial, Helvetica, sans-serif; color: #1e2733; background: #fff; border: 1px solid #d5dbe3;
  border-left: 4px solid #f0a500; border-radius: 4px; padding: 8px 12px; }
h2 { font-size: 14px; color: #0b3a6e; margin: 0 0 6px; }
ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
button { font: inherit; cursor: pointer; border: 1px solid #b9cbe3; background: #e7eef7; color: #0b3a6e;
  border-radius: 4px; padding: 2px 8px; }
button[aria-pressed="true"] { background: #0b3a6e; color: #fff; border-color: #0b3a6e; }
button:focus-visible { outline: 2px solid #0b5394; outline-offset: 2px; }
.tools { margin-top: 6px; display: flex; gap: 6px; }
.tools button { background: #fff; }
.none { color: #5b6675; margin: 0; }
`;

export function summaryEntries(findings: readonly Finding[]): Finding[] {
  return [...findings].filter((f) => f.numeros.length > 0).sort((a, b) => a.priority - b.priority);
}

function applyFilter(env: DossierEnv, keep: Set<string> | undefined, hidden: Set<HTMLElement>): void {
  for (const el of hidden) el.hidden = false;
  hidden.clear();
  if (!keep) return;
  for (const row of env.dashboard.rows) {
    if (keep.has(row.numero) || row.group.hidden) continue;
    row.group.hidden = true;
    hidden.add(row.group);
  }
}

export default defineDossierFeature({
  id: "dossier-summary",
  init(env, signal) {
    const doc = env.doc;
    const entries = summaryEntries(env.findings.filter((f) => f.feature !== "dossier-summary"));
    const host = doc.createElement(SUMMARY_TAG);
    const shadow = host.attachShadow({ mode: "closed" });
    const style = doc.createElement("style");
    style.textContent = CSS;
    const box = doc.createElement("section");
    box.className = "box";
    box.setAttribute("aria-label", "cps-bridge : changements depuis votre dernière visite");
    const h = doc.createElement("h2");
    h.textContent = "Depuis votre dernière visite :";
    box.append(h);
    const hidden = new Set<HTMLElement>();
    const buttons: HTMLButtonElement[] = [];
    const press = (b: HTMLButtonElement | undefined, f: Finding | undefined) => {
      for (const x of buttons) x.setAttribute("aria-pressed", String(x === b));
      applyFilter(env, f ? new Set(f.numeros) : undefined, hidden);
    };
    if (entries.length === 0) {
      const p = doc.createElement("p");
      p.className = "none";
      p.textContent = "rien de nouveau sur cet onglet.";
      box.append(p);
    } else {
      const ul = doc.createElement("ul");
      for (const f of entries) {
        const li = doc.createElement("li");
        const b = doc.createElement("button");
        b.type = "button";
        b.textContent = f.label(f.numeros.length);
        b.setAttribute("aria-pressed", "false");
        b.setAttribute("data-feature", f.feature);
        b.title = "Afficher seulement ces dossiers";
        b.addEventListener(
          "click",
          () =>
            press(
              b.getAttribute("aria-pressed") === "true" ? undefined : b,
              b.getAttribute("aria-pressed") === "true" ? undefined : f,
            ),
          { signal },
        );
        buttons.push(b);
        li.append(b);
        ul.append(li);
      }
      box.append(ul);
      const tools = doc.createElement("div");
      tools.className = "tools";
      const all = doc.createElement("button");
      all.type = "button";
      all.className = "show-all";
      all.textContent = "Tout afficher";
      all.addEventListener("click", () => press(undefined, undefined), { signal });
      const seen = doc.createElement("button");
      seen.type = "button";
      seen.className = "ack";
      seen.textContent = "Tout marquer comme vu";
      seen.addEventListener("click", () => void env.acknowledge(), { signal });
      tools.append(all, seen);
      box.append(tools);
    }
    box.addEventListener(
      "keydown",
      (e) => {
        if (e.key === "Escape") press(undefined, undefined);
      },
      { signal },
    );
    shadow.append(style, box);
    env.dashboard.table.before(host);
    signal.addEventListener(
      "abort",
      () => {
        applyFilter(env, undefined, hidden);
        host.remove();
      },
      { once: true },
    );
    return undefined;
  },
});
