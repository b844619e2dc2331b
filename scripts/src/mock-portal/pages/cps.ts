/**
 * The two faces of "Se connecter par carte CPS":
 * - `real` mode: what today's portal shows when the browser's TLS client authentication with the Cryptolib fails —
 *   the page "La lecture de la carte CPS a échoué." with its two help paths, word for word from the guide excerpt
 *   (viatrajectoire.md §2.3 [B]). The help links point to local stand-ins (no external network).
 * - `token` mode: LoginCPS.aspx offers the cps-bridge token login (token-contract.ts) and explains what to do when
 *   the extension is absent.
 */
import { html, type SafeHtml } from "../html";
import { aspNetUrlEncode, PATHS } from "../paths";
import { layout } from "./layout";
import { challengeFields, challengeHead, errorLabel, ICON_CARD, type LoginPageOptions } from "./login";
import { webFormsHidden } from "./webforms";

export function cpsFailurePage(returnUrl: string): SafeHtml {
  const body = html`
<div class="cps-failure" id="erreurCPS">
  <h1 class="failure-title" id="lblTitreErreurCPS">La lecture de la carte CPS a échoué.</h1>
  <div class="help-paths">
    <section class="help-path" id="blocAide">
      <h2>Je veux me faire aider:</h2>
      <p><a id="lnkAssistanceDMP" href="${PATHS.helpDmp}" target="_blank" rel="noopener">Contactez l'assistance DMP</a></p>
      <p>Faites-vous accompagner pour vous connecter au DMP puis revenez chez nous, tout fonctionnera alors naturellement</p>
    </section>
    <section class="help-path" id="blocAutoDepannage">
      <h2>Je veux essayer de m'auto-dépanner:</h2>
      <p><a id="lnkOutilVerification" href="${PATHS.helpVerification}" target="_blank" rel="noopener">Outil de vérification du ministère de la santé</a></p>
      <p><b>Suivez attentivement les instructions</b></p>
    </section>
  </div>
  <p class="after-install" id="lblApresInstallation">Après installations des composants recommandés, fermez complètement votre navigateur et réessayez la connexion CPS</p>
  <p class="back"><a id="lnkRetourConnexion" href="${PATHS.login}?ReturnUrl=${aspNetUrlEncode(returnUrl)}">Retour à la page de connexion</a></p>
</div>`;
  return layout({ title: "Erreur de connexion CPS", body, pageClass: "page-cps-failure" });
}

export function cpsTokenPage(o: LoginPageOptions): SafeHtml {
  const rq = `ReturnUrl=${aspNetUrlEncode(o.returnUrl)}`;
  const body = html`
<div class="login-wrap narrow">
  <h1 class="page-title">Connexion par carte CPS</h1>
  <form method="post" action="./LoginCPS.aspx?${rq}" id="form1" class="panel cps-token-panel">
    ${webFormsHidden("LoginCPS.aspx")}
    ${ICON_CARD}
    ${errorLabel(o.error, o.errorCode)}
    <p>Ce portail accepte la connexion par carte CPS avec <strong>cps-bridge</strong> : votre code porteur est saisi dans la fenêtre de l'extension cps-bridge, jamais dans cette page.</p>
    <ol class="steps">
      <li>Insérez votre carte CPS dans le lecteur.</li>
      <li>Cliquez sur le bouton de connexion proposé par l'extension cps-bridge.</li>
      <li>Saisissez votre code porteur (4 chiffres) dans la fenêtre cps-bridge.</li>
    </ol>
    <p class="hint" id="lblSansExtension">L'extension n'est pas installée ? Utilisez la <a href="LoginPSC.aspx?${rq}">connexion par e-CPS</a> ou la <a href="Login.aspx?${rq}">connexion par identifiant</a>.</p>
    ${challengeFields(o.challenge)}
  </form>
</div>`;
  return layout({
    title: "Connexion par carte CPS",
    body,
    head: challengeHead(o.challenge),
    pageClass: "page-cps-token",
  });
}
