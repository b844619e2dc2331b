/**
 * The static and secondary pages: public home, help stand-ins linked from the CPS failure page (the real targets are
 * external sites we never call), documentation, contact, CGU, privacy, forgotten password, Mon compte, dossier
 * creation, and the error pages. Texts are ours unless a comment cites the guide.
 */
import type { MockAccount } from "../accounts";
import { type Dossier, type Module, ORIENTATIONS, type Orientation } from "../data/model";
import { html, type SafeHtml } from "../html";
import { loginUrlFor, PATHS } from "../paths";
import { patientName } from "./dashboard";
import { frDate } from "./format";
import { layout, panel } from "./layout";

export function homePage(): SafeHtml {
  const tile = (title: string, text: string, href: string, id: string) =>
    html`<a class="tile" id="${id}" href="${href}"><span class="tile-title">${title}</span><span class="tile-text">${text}</span></a>`;
  return layout({
    title: "Accueil",
    pageClass: "page-home",
    body: html`<h1 class="page-title">Bienvenue sur ViaTrajectoire</h1>
<p class="lead">Le service d'orientation personnalisée des patients vers les établissements sanitaires, médico-sociaux et les plateformes TND.</p>
<div class="tiles">
  ${tile("Particulier", "Créer et suivre une demande d'hébergement pour un proche.", PATHS.documentation, "tuileParticulier")}
  ${tile("Professionnel", "Établissements, services et DAC : accès à votre espace.", loginUrlFor(PATHS.dashboard), "tuileProfessionnel")}
  ${tile("Médecin libéral", "Gérez les dossiers de vos patients en tant que médecin traitant.", loginUrlFor(PATHS.dashboard), "tuileMedecinLiberal")}
</div>`,
  });
}

/** Stand-in for the DMP assistance (external in real life). */
export function helpDmpPage(): SafeHtml {
  return layout({
    title: "Assistance DMP",
    pageClass: "page-help",
    body: html`<h1 class="page-title">Assistance DMP (page de simulation)</h1>
${panel(
  "Se faire accompagner",
  html`<p>Dans la réalité, ce lien mène au support du DMP, qui accompagne les professionnels de santé pour la connexion par carte CPS (installation du lecteur, des composants CPS et du navigateur).</p>
<p>Cette page locale remplace le site externe pour que les tests n'utilisent aucun réseau.</p>
<p><strong>Téléphone (fictif) :</strong> 0 800 000 000 — du lundi au vendredi, 8 h – 20 h.</p>`,
)}`,
  });
}

/** Stand-in for the ministry's verification tool (the ANS diagnostic, cps-card.md §5.1). */
export function helpVerificationPage(): SafeHtml {
  const step = (n: number, title: string, text: string) => html`<li><strong>${n}. ${title}</strong><br>${text}</li>`;
  return layout({
    title: "Outil de vérification",
    pageClass: "page-help",
    body: html`<h1 class="page-title">Outil de vérification du ministère de la santé (simulation)</h1>
${panel(
  "Vérifier votre poste pour la carte CPS",
  html`<p><b>Suivez attentivement les instructions</b></p>
<ol class="steps" id="etapesVerification">
  ${step(1, "Lecteur de carte", "Vérifiez que le lecteur est branché et reconnu par l'ordinateur.")}
  ${step(2, "Carte CPS", "Insérez votre carte CPS (et non la carte Vitale) puce vers le haut.")}
  ${step(3, "Composants CPS", "Installez les composants recommandés (Cryptolib CPS) avec l'installateur officiel.")}
  ${step(4, "Navigateur", "Fermez complètement le navigateur puis rouvrez-le.")}
  ${step(5, "Test", "Réessayez la connexion CPS sur le portail.")}
</ol>
<p class="muted">Page locale : l'outil réel est un site externe du ministère. Aucune vérification n'est faite ici.</p>`,
)}`,
  });
}

export function simplePage(
  title: string,
  paragraphs: string[],
  account?: MockAccount,
  nav?: "documentation" | "contact",
): SafeHtml {
  return layout({
    title,
    account,
    nav,
    body: html`<h1 class="page-title">${title}</h1>${panel(title, html`${paragraphs.map((p) => html`<p>${p}</p>`)}`)}`,
  });
}

export function forgotPasswordPage(): SafeHtml {
  return layout({
    title: "Mot de passe oublié",
    body: html`<div class="login-wrap narrow"><h1 class="page-title">Mot de passe oublié</h1>${panel(
      "Réinitialiser votre mot de passe",
      html`<p>Connectez-vous par carte CPS ou par e-CPS, puis choisissez un nouveau mot de passe dans « Mon compte ».</p>
<p><a href="${loginUrlFor(PATHS.dashboard)}">Retour à la page de connexion</a></p>`,
    )}</div>`,
  });
}

export function accountPage(a: MockAccount, csrf: string, notice?: string): SafeHtml {
  return layout({
    title: "Mon compte",
    account: a,
    nav: "compte",
    body: html`<h1 class="page-title">Mon compte</h1>
${notice ? html`<p class="info" role="status" id="lblInfo">${notice}</p>` : ""}
${panel(
  "Mes informations",
  html`<dl class="fields"><dt>Nom</dt><dd>${a.civilite} ${a.givenName} ${a.surname}</dd><dt>Identifiant</dt><dd>${a.nationalId}</dd><dt>RPPS</dt><dd>${a.rpps ?? ""}</dd><dt>E-mail</dt><dd id="emailCompte">${a.email}</dd></dl>`,
)}
${panel(
  "Mes habilitations",
  html`<form method="post" action="${PATHS.account}" class="inline-form"><input type="hidden" name="__RequestVerificationToken" value="${csrf}">
<label class="check"><input type="checkbox" id="chkReceptionMails" name="receptionMails" value="1"${a.receptionMails ? html` checked` : ""}> Réception des mails</label>
<button type="submit" class="btn btn-secondary btn-small">Enregistrer</button></form>
<p class="hint">Cochez pour recevoir par e-mail les notifications de ViaTrajectoire sur vos dossiers.</p>`,
)}
${panel("Délégations", html`<p>${a.delegation ? `${a.delegation.colleague}, jusqu'au ${a.delegation.until}` : "Aucune délégation en cours."}</p>`)}
${panel("Associer à un compte établissement", html`<p class="muted">Aucun compte établissement associé.</p>`)}`,
  });
}

export function newDossierPage(o: {
  account: MockAccount;
  module: Module;
  csrf: string;
  values?: Record<string, string>;
  duplicates?: Dossier[];
  error?: string;
}): SafeHtml {
  const v = o.values ?? {};
  const orientations = (Object.keys(ORIENTATIONS) as Orientation[]).filter((k) => ORIENTATIONS[k].module === o.module);
  const field = (name: string, label: string, type = "text") =>
    html`<div class="field"><label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" value="${v[name] ?? ""}"></div>`;
  return layout({
    title: "Créer un dossier",
    account: o.account,
    nav: "tdb",
    body: html`<h1 class="page-title">Créer un dossier</h1>
${o.error ? html`<p class="erreur" role="alert" id="lblErreur">${o.error}</p>` : ""}
${
  o.duplicates?.length
    ? html`<div class="warning" id="alerteDoublon" role="alert"><p><strong>Doublon possible :</strong> un dossier existe déjà pour cette personne (même nom, prénom, date de naissance et sexe).</p><ul>${o.duplicates.map(
        (d) =>
          html`<li><a href="${PATHS.dossier(d.module, d.numero)}">${d.numero}</a> – ${patientName(d)}, ${frDate(d.patient.dateNaissance)}</li>`,
      )}</ul></div>`
    : ""
}
${panel(
  "Identité de la personne",
  html`<form method="post" action="${PATHS.newDossier}?module=${o.module}" id="formNouveauDossier">
<input type="hidden" name="__RequestVerificationToken" value="${o.csrf}">
<div class="field"><label for="orientation">Orientation</label><select id="orientation" name="orientation">${orientations.map(
    (k) => html`<option value="${k}"${v.orientation === k ? html` selected` : ""}>${ORIENTATIONS[k].label}</option>`,
  )}</select></div>
${field("nomNaissance", "Nom de naissance")}
${field("nomUsage", "Nom utilisé")}
${field("prenom", "Premier prénom de naissance")}
${field("dateNaissance", "Date de naissance", "date")}
<div class="field"><label for="sexe">Sexe</label><select id="sexe" name="sexe"><option value="F"${v.sexe === "F" ? html` selected` : ""}>Féminin</option><option value="M"${v.sexe === "M" ? html` selected` : ""}>Masculin</option></select></div>
${o.duplicates?.length ? html`<input type="hidden" name="confirmerDoublon" value="1">` : ""}
<button type="submit" class="btn btn-primary" id="btnCreerDossier">${o.duplicates?.length ? "Créer quand même" : "Créer le dossier"}</button>
</form>`,
)}`,
  });
}

export function errorPage(status: number, title: string, message: string, account?: MockAccount): SafeHtml {
  return layout({
    title,
    account,
    pageClass: "page-error",
    body: html`<div class="login-wrap narrow"><h1 class="page-title">${title}</h1><p class="erreur" id="lblErreur" role="alert">${message}</p><p><a href="${account ? PATHS.dashboard : PATHS.home}">Retour à l'accueil</a></p><p class="muted">Code ${status}</p></div>`,
  });
}
