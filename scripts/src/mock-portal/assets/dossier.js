// Dossier page: "Imprimer".
(() => {
  for (const b of document.querySelectorAll(".js-print")) b.addEventListener("click", () => window.print());
})();
