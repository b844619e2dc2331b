/**
 * The fake Pro Santé Connect wallet pages (cps-card.md §4.3, viatrajectoire.md §2.4 [V] for the protocol; the UI is
 * ours [G]): the doctor types the national identifier, then "validates on the phone" (a button stands in for the
 * e-CPS app's PIN or biometrics). Own look, no portal header: it is another site in real life.
 */
import { html, type SafeHtml } from "../html";
import { PATHS } from "../paths";

function pscLayout(title: string, body: SafeHtml): SafeHtml {
  return html`<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - Pro Santé Connect</title><link rel="stylesheet" href="${PATHS.css}"></head>
<body class="page-psc">
<header class="psc-header"><span class="psc-logo">Pro Santé <b>Connect</b></span><span class="psc-sub">Simulation locale (test)</span></header>
<main class="psc-main">${body}</main>
<footer class="psc-footer">Fournisseur d'identité simulé pour les tests cps-bridge — aucune donnée réelle.</footer>
</body></html>`;
}

export function pscLoginPage(o: { tx: string; clientName: string; error?: string; idnat?: string }): SafeHtml {
  return pscLayout(
    "Connexion",
    html`<section class="psc-card">
  <h1>Connectez-vous avec votre e-CPS</h1>
  <p>Le service <strong>${o.clientName}</strong> vous demande de vous identifier.</p>
  ${o.error ? html`<p class="erreur" id="pscErreur" role="alert">${o.error}</p>` : ""}
  <form method="post" action="${PATHS.psc}/auth/login">
    <input type="hidden" name="tx" value="${o.tx}">
    <label for="idnat">Identifiant national</label>
    <input id="idnat" name="idnat" type="text" inputmode="numeric" autocomplete="username" value="${o.idnat ?? ""}" placeholder="8 suivi de votre n° RPPS" spellcheck="false">
    <p class="hint">Votre identifiant national figure sur votre carte CPS, au-dessus de votre nom.</p>
    <button type="submit" id="btnPscSuivant" class="btn btn-psc">Se connecter avec e-CPS</button>
  </form>
</section>`,
  );
}

export function pscApprovePage(o: { tx: string; maskedId: string }): SafeHtml {
  return pscLayout(
    "Validation sur votre téléphone",
    html`<section class="psc-card">
  <h1>Validez la connexion sur votre téléphone</h1>
  <p>Une notification a été envoyée à l'application e-CPS associée à l'identifiant <strong>${o.maskedId}</strong>.</p>
  <p>Ouvrez l'application et validez avec votre code ou votre empreinte.</p>
  <form method="post" action="${PATHS.psc}/auth/approve" class="psc-actions">
    <input type="hidden" name="tx" value="${o.tx}">
    <button type="submit" name="decision" value="approve" id="btnValiderTelephone" class="btn btn-psc">Valider sur mon téléphone (simulation)</button>
    <button type="submit" name="decision" value="deny" id="btnRefuserTelephone" class="btn btn-secondary">Refuser</button>
  </form>
</section>`,
  );
}

export function pscErrorPage(message: string): SafeHtml {
  return pscLayout(
    "Erreur",
    html`<section class="psc-card"><h1>Erreur</h1><p class="erreur" id="pscErreur" role="alert">${message}</p></section>`,
  );
}
