/**
 * Login.aspx, the médecin libéral login page with its three ways in (viatrajectoire.md §2, §8.2; guide excerpt):
 * carte CPS (`#btnCPS`), e-CPS (`#btnECPS`), identifiant + mot de passe (`#UserName`, `#Password`, `#LoginButton`)
 * followed by the e-mailed code. One WebForms form `#form1`; errors in `#lblErreur`.
 * In token mode the page also carries the cps-bridge challenge (token-contract.ts).
 */
import { html, type SafeHtml } from "../html";
import { aspNetUrlEncode } from "../paths";
import { TOKEN_CONTRACT } from "../token-contract";
import { layout } from "./layout";
import { webFormsHidden } from "./webforms";

export interface LoginPageOptions {
  returnUrl: string;
  /** Set in token mode: the nonce of this session's challenge and its TTL in seconds. */
  challenge?: { nonce: string; ttlSeconds: number };
  error?: string;
  /** Machine-readable reason of the refusal (`data-code` of #lblErreur): an ERR_ code or a PORTAL_ code. */
  errorCode?: string;
  info?: string;
  username?: string;
}

export const ICON_CARD = html`<svg class="method-icon" viewBox="0 0 48 48" aria-hidden="true"><rect x="4" y="10" width="40" height="28" rx="4" fill="#e7eef7" stroke="#0b5394" stroke-width="2"/><rect x="10" y="18" width="10" height="8" rx="1.5" fill="#f0a500"/><path d="M26 19h12M26 24h9M10 31h22" stroke="#0b5394" stroke-width="2" stroke-linecap="round"/></svg>`;
export const ICON_PHONE = html`<svg class="method-icon" viewBox="0 0 48 48" aria-hidden="true"><rect x="14" y="4" width="20" height="40" rx="4" fill="#e7eef7" stroke="#0b5394" stroke-width="2"/><circle cx="24" cy="38" r="2" fill="#0b5394"/><path d="M19 20l4 4 7-8" stroke="#1e7b34" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

export function challengeHead(challenge: LoginPageOptions["challenge"]): SafeHtml {
  if (!challenge) return html``;
  return html`<meta name="${TOKEN_CONTRACT.challengeMeta}" content="${challenge.nonce}">
<meta name="${TOKEN_CONTRACT.ttlMeta}" content="${challenge.ttlSeconds}">`;
}

export function challengeFields(challenge: LoginPageOptions["challenge"]): SafeHtml {
  if (!challenge) return html``;
  return html`<input type="hidden" name="${TOKEN_CONTRACT.challengeField}" id="${TOKEN_CONTRACT.challengeField}" value="${challenge.nonce}">
<input type="hidden" name="${TOKEN_CONTRACT.tokenField}" id="${TOKEN_CONTRACT.tokenField}" value="">`;
}

export function errorLabel(error: string | undefined, code?: string): SafeHtml {
  return html`<span id="lblErreur" class="erreur" role="alert"${code ? html` data-code="${code}"` : ""}${error ? "" : html` hidden`}>${error ?? ""}</span>`;
}

export function loginPage(o: LoginPageOptions): SafeHtml {
  const rq = `ReturnUrl=${aspNetUrlEncode(o.returnUrl)}`;
  const body = html`
<div class="login-wrap">
  <h1 class="page-title">Connexion à l'espace Médecin libéral</h1>
  <p class="lead">La 1ère connexion se fait exclusivement par Carte de Professionnel de Santé CPS (ou par e-CPS).</p>
  <form method="post" action="./Login.aspx?${rq}" id="${TOKEN_CONTRACT.formId}" novalidate>
    ${webFormsHidden("Login.aspx")}
    ${o.info ? html`<p class="info" id="lblInfo">${o.info}</p>` : ""}
    ${errorLabel(o.error, o.errorCode)}
    <div class="login-methods">
      <div class="card-methods">
        <h2 class="methods-title">Connexion par carte CPS ou par e-CPS</h2>
        <section id="blocCPS" class="method method-cps">
          ${ICON_CARD}
          <div class="method-body">
            <h3>Carte CPS</h3>
            <p>Insérez la carte CPS dans le lecteur de carte, puis cliquez sur « Se connecter par carte CPS ».</p>
            <a id="btnCPS" class="btn btn-primary" href="LoginCPS.aspx?${rq}">Se connecter par carte CPS</a>
            ${challengeFields(o.challenge)}
          </div>
        </section>
        <section id="blocECPS" class="method method-ecps">
          ${ICON_PHONE}
          <div class="method-body">
            <h3>e-CPS</h3>
            <p>Avec l'application e-CPS sur votre téléphone, via Pro Santé Connect.</p>
            <a id="btnECPS" class="btn btn-primary" href="LoginPSC.aspx?${rq}">Se connecter par E-CPS</a>
          </div>
        </section>
      </div>
      <section id="blocIdentifiant" class="method-password">
        <h2 class="methods-title">Connexion par identifiant / mot de passe</h2>
        <p class="note">Ce mode de connexion n'est possible que si vous vous êtes déjà connecté par CPS (ou e-CPS).</p>
        <div class="field">
          <label for="UserName">Identifiant</label>
          <input type="text" id="UserName" name="UserName" autocomplete="username" value="${o.username ?? ""}" spellcheck="false">
          <span class="hint">Numéro inscrit sur votre carte CPS, au-dessus de votre nom.</span>
        </div>
        <div class="field">
          <label for="Password">Mot de passe</label>
          <input type="password" id="Password" name="Password" autocomplete="current-password">
        </div>
        <div class="password-actions">
          <input type="submit" id="LoginButton" name="LoginButton" value="Se connecter" class="btn btn-secondary">
          <a class="small-link" id="lnkMotDePasseOublie" href="MotDePasseOublie.aspx">Mot de passe oublié ?</a>
        </div>
        <p class="hint">Authentification forte par e-mail : après votre mot de passe, saisissez le code à usage unique (6 chiffres) reçu par e-mail.</p>
      </section>
    </div>
  </form>
</div>`;
  return layout({ title: "Connexion", body, head: challengeHead(o.challenge), pageClass: "page-login" });
}
