/**
 * LoginOTP.aspx: the e-mailed one-time code step ([B] behaviour, guide excerpt; DOM as in viatrajectoire.md §8.2
 * [G]): `#CodeOTP` (numeric, one-time-code autocomplete, 6 digits), countdown `#otpTimer`, `#btnValider`,
 * `#btnRenvoyer` (a new code invalidates the previous one). The countdown starts from the server's remaining
 * seconds (`data-remaining`), so it is right even when the mock clock was moved.
 */
import { html, type SafeHtml } from "../html";
import { aspNetUrlEncode } from "../paths";
import { mmss } from "./format";
import { layout } from "./layout";
import { errorLabel } from "./login";
import { webFormsHidden } from "./webforms";

export interface OtpPageOptions {
  returnUrl: string;
  maskedEmail: string;
  remainingSeconds: number;
  validityMinutes: number;
  triesLeft: number;
  error?: string;
  info?: string;
}

export function otpPage(o: OtpPageOptions): SafeHtml {
  const body = html`
<div class="login-wrap narrow">
  <h1 class="page-title">Authentification forte par e-mail</h1>
  <form method="post" action="./LoginOTP.aspx?ReturnUrl=${aspNetUrlEncode(o.returnUrl)}" id="form1" class="panel otp-panel">
    ${webFormsHidden("LoginOTP.aspx")}
    <p id="lblEnvoi">Un code vous a été envoyé à <strong>${o.maskedEmail}</strong>, valable ${o.validityMinutes} minutes.</p>
    ${o.info ? html`<p class="info" id="lblInfo">${o.info}</p>` : ""}
    ${errorLabel(o.error)}
    <div class="field">
      <label for="CodeOTP">Code</label>
      <input id="CodeOTP" name="CodeOTP" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" autofocus class="otp-input" aria-describedby="otpAide">
      <span class="hint" id="otpAide">Code à 6 chiffres reçu par e-mail de no_reply.trajectoire@sante-ra.fr</span>
    </div>
    <p class="otp-timer">Temps restant : <span id="otpTimer" data-remaining="${o.remainingSeconds}" aria-live="polite">${mmss(o.remainingSeconds)}</span></p>
    <p class="hint" id="lblEssais">Essais restants : ${o.triesLeft}</p>
    <div class="actions">
      <input type="submit" id="btnValider" name="btnValider" value="Valider" class="btn btn-primary">
      <button type="submit" id="btnRenvoyer" name="btnRenvoyer" value="1" class="btn btn-secondary" formnovalidate>Renvoyer le code</button>
      <a class="small-link" href="Login.aspx?ReturnUrl=${aspNetUrlEncode(o.returnUrl)}">Annuler</a>
    </div>
    <div class="important">
      <p><strong>Important : Le code transmis par mail n'est valable que ${o.validityMinutes} minutes.<br>Passé ce délai, un nouveau code doit être demandé.</strong></p>
    </div>
  </form>
</div>`;
  return layout({ title: "Code de connexion", body, pageClass: "page-otp", scripts: ["otp.js"] });
}
