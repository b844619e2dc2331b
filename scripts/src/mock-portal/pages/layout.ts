/**
 * The page shell shared by every portal page: header with the ViaTrajectoire wordmark (our own drawing, not the real
 * logo), the practitioner block and navigation once logged in, and the footer. One stylesheet, external scripts only
 * (no inline script), so a strict CSP could be added without touching pages.
 */
import type { MockAccount } from "../accounts";
import { html, raw, type SafeHtml } from "../html";
import { PATHS } from "../paths";

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Logged-in header with the doctor's name and the navigation. */
  account?: MockAccount;
  /** Extra `<meta>`/`<link>` in `<head>` (e.g. the cps-bridge challenge). */
  head?: SafeHtml;
  scripts?: string[];
  /** Body class, e.g. "page-login". */
  pageClass?: string;
  /** Which navigation item is current. */
  nav?: "tdb" | "documentation" | "contact" | "compte";
}

const LOGO = raw(`<svg class="logo-mark" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
<circle cx="24" cy="24" r="22" fill="#0b5394"/>
<path d="M11 30c6-13 14-17 26-15" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round"/>
<path d="M31 10l7 5-6 6" stroke="#f0a500" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/>
<circle cx="13" cy="33" r="3.5" fill="#f0a500"/>
</svg>`);

export function layout(o: LayoutOptions): SafeHtml {
  const a = o.account;
  const navItem = (key: LayoutOptions["nav"], href: string, label: string, id: string) =>
    html`<li><a id="${id}" href="${href}"${o.nav === key ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} - ViaTrajectoire</title>
<link rel="stylesheet" href="${PATHS.css}">
${o.head ?? ""}
</head>
<body class="${o.pageClass ?? ""}">
<header class="site-header">
  <div class="header-inner">
    <a class="brand" href="${a ? PATHS.dashboard : PATHS.home}">${LOGO}<span class="brand-text"><span class="brand-name">Via<b>Trajectoire</b></span><span class="brand-tagline">Orientation personnalisée des patients</span></span></a>
    ${
      a
        ? html`<div class="user-block" id="blocUtilisateur">
      <span class="user-space">Espace Médecin libéral</span>
      <span class="user-name" id="lblPraticien">${a.civilite} ${a.givenName} ${a.surname}</span>
      <span class="user-id" id="lblRPPS">${a.rpps ? html`RPPS ${a.rpps}` : html`ADELI ${a.adeli ?? ""}`}</span>
    </div>`
        : html`<div class="header-public"><span>Espace Médecin libéral</span></div>`
    }
  </div>
  ${
    a
      ? html`<nav class="main-nav" aria-label="Navigation principale"><ul>
    ${navItem("tdb", PATHS.dashboard, "Tableau de bord", "lnkTDB")}
    ${navItem("documentation", PATHS.documentation, "Documentation", "lnkDocumentation")}
    ${navItem("contact", PATHS.contact, "Contact/FAQ", "lnkContact")}
    ${navItem("compte", PATHS.account, "Mon compte", "lnkMonCompte")}
    <li class="nav-logout"><a id="lnkDeconnexion" href="${PATHS.logout}">Déconnexion</a></li>
  </ul></nav>`
      : ""
  }
  ${
    a?.delegation
      ? html`<div class="delegation-banner" id="bandeauDelegation">Délégation active : ${a.delegation.colleague} gère vos dossiers jusqu'au ${a.delegation.until}.</div>`
      : ""
  }
</header>
<main id="contenu" class="content">
${o.body}
</main>
<footer class="site-footer">
  <div class="footer-inner">
    <ul class="footer-links">
      <li><a href="${PATHS.charte}">Charte d'utilisation</a></li>
      <li><a href="${PATHS.confidentialite}">Politique de confidentialité</a></li>
      <li><a href="${PATHS.contact}">Contact/FAQ</a></li>
      <li><a href="${PATHS.documentation}">Documentation</a></li>
    </ul>
    <p class="footer-note">ViaTrajectoire® – service d'orientation en santé. <span class="mock-note">Maquette locale de test cps-bridge : données entièrement fictives.</span></p>
  </div>
</footer>
${(o.scripts ?? []).map((s) => html`<script src="${PATHS.script(s)}" defer></script>`)}
</body>
</html>`;
}

/** A titled content box. */
export function panel(title: string, body: SafeHtml, id?: string): SafeHtml {
  return html`<section class="panel"${id ? html` id="${id}"` : ""}><h2 class="panel-title">${title}</h2><div class="panel-body">${body}</div></section>`;
}
