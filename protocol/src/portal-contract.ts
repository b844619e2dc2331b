/**
 * The cps-bridge token-login contract between a portal page and the extension's login assistant (docs/mock-portal.md
 * "Token-login contract", docs/login-assistant.md). It lives in the protocol package so the extension (which reads
 * the page) and the mock portal (which writes it, scripts/src/mock-portal/token-contract.ts re-exports this) share
 * one definition, and the extension never imports `scripts/`.
 *
 * A page that accepts cps-bridge tokens says so in its <head>:
 *
 *   <meta name="cps-bridge-challenge" content="<nonce: base64 of 32 random bytes, 44 characters>">
 *   <meta name="cps-bridge-challenge-ttl" content="<seconds the nonce stays valid>">
 *
 * and its login form `form#form1` holds two hidden inputs:
 *
 *   <input type="hidden" name="__CPSBRIDGE_CHALLENGE" value="<the same nonce>">
 *   <input type="hidden" name="__CPSBRIDGE_TOKEN" value="">
 *
 * The content script reads the nonce from the DOM, asks the background for a token (the background takes the origin
 * from the tab, never from the page), writes the token (JSON text of the token object) into `__CPSBRIDGE_TOKEN`, and
 * submits `form#form1` with `HTMLFormElement.prototype.submit` (a page override of `submit` is not used). The server
 * answers 302 to the ReturnUrl on success, or the same page with `#lblErreur[data-code]` (an ERR_TOKEN_* code of
 * errors.ts or one of PORTAL_OUTCOME_CODES below) and a fresh nonce on refusal. The server verifies with the nonce it
 * stored in the session — never with the echoed one. A nonce is single use and expires after the TTL.
 */

export const TOKEN_CONTRACT = {
  challengeMeta: "cps-bridge-challenge",
  ttlMeta: "cps-bridge-challenge-ttl",
  formId: "form1",
  challengeField: "__CPSBRIDGE_CHALLENGE",
  tokenField: "__CPSBRIDGE_TOKEN",
  /** The element that carries a refusal: `<span id="lblErreur" data-code="…">French sentence</span>`. */
  outcomeId: "lblErreur",
  outcomeCodeAttribute: "data-code",
} as const;

/** 32 random bytes → 44 base64 characters: the minimum nonce `login.sign` accepts (ERR_INVALID_NONCE, errors.ts). */
export const NONCE_BYTES = 32;

export interface PortalOutcomeText {
  fr: string;
  remedyFr: string;
  en: string;
  remedyEn: string;
  /** docs/errors.md, for support staff and portal developers, as for the ERR_* codes. */
  thrownWhen: string;
  likelyReason: string;
  howToResolve: string;
}

/**
 * A portal's own refusals of a token login (not a verdict on the token itself, which uses the ERR_TOKEN_* codes of
 * errors.ts). The portal writes its own sentence in `#lblErreur`; the extension shows these texts beside it, so the
 * doctor always gets the next step. Never rename a code: portals send them.
 */
export const PORTAL_OUTCOME_CODES = {
  PORTAL_SESSION_EXPIRED: {
    fr: "Votre session sur le portail avait expiré.",
    remedyFr: "La page a été rechargée : cliquez à nouveau sur « Se connecter avec ma carte CPS ».",
    en: "Your portal session had expired.",
    remedyEn: "The page was reloaded: click “Log in with my CPS card” again.",
    thrownWhen: "The token POST reaches the portal without a live session (its session cookie expired or is missing).",
    likelyReason:
      "The login page stayed open longer than the portal's session lifetime, or the browser dropped the portal's cookies.",
    howToResolve:
      "Nothing to fix: the portal reloads the login page with a new challenge; click the cps-bridge login button again.",
  },
  PORTAL_NO_CHALLENGE: {
    fr: "Cette demande de connexion avait déjà été utilisée.",
    remedyFr: "Cliquez à nouveau sur « Se connecter avec ma carte CPS ».",
    en: "This login request had already been used.",
    remedyEn: "Click “Log in with my CPS card” again.",
    thrownWhen:
      "The session has no pending challenge when the token arrives: challenges are single use and leave the session at the first POST, whatever its outcome.",
    likelyReason: "The same login was submitted twice (double click, browser back then resubmit, a replayed token).",
    howToResolve:
      "Click the login button again: the reloaded page carries a fresh challenge. Repeated replays from elsewhere are an attack on the portal, which refuses them.",
  },
  PORTAL_CHALLENGE_EXPIRED: {
    fr: "La demande de connexion a expiré (page ouverte depuis plus de 5 minutes).",
    remedyFr: "Cliquez à nouveau sur « Se connecter avec ma carte CPS ».",
    en: "The login request expired (page open for more than 5 minutes).",
    remedyEn: "Click “Log in with my CPS card” again.",
    thrownWhen:
      "The challenge the page carried is older than its lifetime (5 minutes on the mock portal, `cps-bridge-challenge-ttl`).",
    likelyReason: "The login page was left open before clicking, or the PIN window stayed open a long time.",
    howToResolve: "Click the login button again; the reloaded page has a fresh challenge.",
  },
  PORTAL_STALE_PAGE: {
    fr: "La page de connexion n'était plus à jour (ouverte dans un autre onglet ?).",
    remedyFr: "Cliquez à nouveau sur « Se connecter avec ma carte CPS » dans cet onglet.",
    en: "The login page was out of date (opened in another tab?).",
    remedyEn: "Click “Log in with my CPS card” again in this tab.",
    thrownWhen: "The challenge echoed by the page's form differs from the one the session holds.",
    likelyReason:
      "The login page was opened in a second tab, which issued a newer challenge for the same session; this tab's page is out of date.",
    howToResolve:
      "Log in from the most recently opened tab, or click the login button again in this one (the page is reloaded).",
  },
  PORTAL_BAD_ORIGIN: {
    fr: "Le portail ne reconnaît pas l'adresse par laquelle vous l'avez ouvert.",
    remedyFr: "Ouvrez le portail à son adresse officielle, puis reconnectez-vous.",
    en: "The portal does not recognise the address you opened it at.",
    remedyEn: "Open the portal at its official address, then log in again.",
    thrownWhen:
      "The portal cannot establish its own origin for this request (the Host it was reached at is not one it serves).",
    likelyReason:
      "The portal was opened through an unofficial address (an IP, an alias, a proxy) that it does not know; the token is signed for the origin the browser showed.",
    howToResolve:
      "Open the portal at its official address (https://trajectoire.sante-ra.fr); portal operators list every public origin in their configuration.",
  },
  PORTAL_UNKNOWN_ACCOUNT: {
    fr: "Votre carte CPS est valide, mais aucun compte Médecin libéral de ce portail ne lui est associé.",
    remedyFr: "Contactez le support ViaTrajectoire de votre région (lien « Contact/FAQ » en bas de page).",
    en: "Your CPS card is valid, but no “Médecin libéral” account of this portal is linked to it.",
    remedyEn: "Contact your region's ViaTrajectoire support (“Contact/FAQ” link at the bottom of the page).",
    thrownWhen:
      "The token verified (valid card, chain, origin and nonce) but no portal account is linked to the holder's national identifier.",
    likelyReason:
      "The doctor has no « Médecin libéral » account on this portal yet, or it is linked to another identifier (ADELI vs RPPS), or the card is a structure card (CPE).",
    howToResolve:
      "The doctor contacts the regional ViaTrajectoire support to create or link the account; meanwhile log in with identifiant + mot de passe if an account exists.",
  },
  PORTAL_NO_TOKEN: {
    fr: "Le portail n'a reçu aucun jeton de connexion.",
    remedyFr: "Cliquez à nouveau sur « Se connecter avec ma carte CPS ».",
    en: "The portal received no login token.",
    remedyEn: "Click “Log in with my CPS card” again.",
    thrownWhen: "The POST carries an empty or missing `__CPSBRIDGE_TOKEN` field.",
    likelyReason:
      "The page's form was submitted by something other than the assistant (the portal's own button in token mode, a script), or the token was lost on the way.",
    howToResolve:
      "Click the cps-bridge login button; if it persists, report it with the browser and extension versions.",
  },
} as const satisfies Record<string, PortalOutcomeText>;

export type PortalOutcomeCode = keyof typeof PORTAL_OUTCOME_CODES;

export function isPortalOutcomeCode(code: unknown): code is PortalOutcomeCode {
  return typeof code === "string" && Object.hasOwn(PORTAL_OUTCOME_CODES, code);
}
