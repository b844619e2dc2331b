// Dashboard (TDB): sortable columns (each dossier is one <tbody class="dossier-group">, so its establishment rows
// move with it) and the expandable establishment rows behind "Réponses".
(() => {
  const table = document.getElementById("tdbDossiers");
  if (!table) return;

  table.addEventListener("click", (ev) => {
    const toggle = ev.target.closest(".toggle-demandes");
    if (!toggle) return;
    const group = toggle.closest("tbody");
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    for (const row of group.querySelectorAll("tr.demande, tr.demandes-entete")) row.hidden = !open;
  });

  const value = (group, key) => {
    const row = group.querySelector("tr.dossier");
    if (!row) return "";
    if (key === "patient") return (row.dataset.patient || "").toLowerCase();
    if (key === "numero") return row.dataset.dossier || "";
    return row.dataset.modifie || "";
  };

  for (const th of table.querySelectorAll("th[data-sort-key]")) {
    th.querySelector("button").addEventListener("click", () => {
      const key = th.dataset.sortKey;
      const desc = th.getAttribute("aria-sort") !== "descending";
      for (const other of table.querySelectorAll("th[data-sort-key]")) {
        other.setAttribute("aria-sort", "none");
        other.querySelector(".sort-arrow").textContent = "";
      }
      th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      th.querySelector(".sort-arrow").textContent = desc ? " ↓" : " ↑";
      const groups = [...table.querySelectorAll("tbody.dossier-group")];
      groups.sort((a, b) => {
        const c = value(a, key).localeCompare(value(b, key));
        return desc ? -c : c;
      });
      for (const g of groups) table.appendChild(g);
    });
  }
})();
