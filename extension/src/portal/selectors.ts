/**
 * Every CSS selector the login assistant uses on a portal page, in one place (Refined GitHub's `selectors.ts`,
 * shared/research/anchors.md §4.2). Each selector has a sibling list `<name>_` of `[expected match count, fixture]`
 * pairs that selectors.test.ts checks against the saved pages in ./fixtures/ — so when the portal changes, one test
 * says which selector broke, and the fix is here.
 *
 * Where the real portal's markup is not known ([G] in shared/research/viatrajectoire.md §8.2: the mock's ids are a
 * proposal, not a verified page), a selector lists plausible variants: the mock's id, an ASP.NET WebForms master-page
 * id (`…_btnCPS`), the link target. Drop a variant only with a dated note once the real page is known.
 *
 * Fixture names: `mock-*` are pages of our mock portal (refresh.ts saves them); `real-shaped-*` are hand-written
 * WebForms renderings of the real portal's known URLs and texts ([G]: no logged-out copy of the real page exists in
 * our sources), kept to exercise the fallbacks.
 */
import { TOKEN_CONTRACT } from "@cps-bridge/protocol/portal-contract";

export type SelectorFixtures = ReadonlyArray<readonly [count: number, fixture: string]>;

/** The portal's "Se connecter par carte CPS" button: an <a href="LoginCPS.aspx…"> on the mock [G]. */
export const cpsButton = '#btnCPS, [id$="_btnCPS"]';
export const cpsButton_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-login-real.html"],
  [1, "mock-login-refused.html"],
  [1, "real-shaped-login.html"],
  [0, "mock-logincps-token.html"],
  [0, "mock-erreur-cps.html"],
  [0, "real-shaped-erreur-cps.html"],
  [0, "mock-dashboard.html"],
  [0, "mock-login-otp.html"],
];

/** Fallback when no id matches: the button's words (guide excerpt [B]) on a link, a button or a postback input. */
export const cpsButtonText = "Se connecter par carte CPS";
export const cpsButtonByText = 'a, button, input[type="submit"], input[type="button"]';

/** The e-CPS (Pro Santé Connect) button of the login page [G]. */
export const ecpsButton = '#btnECPS, [id$="_btnECPS"]';
export const ecpsButton_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-login-real.html"],
  [1, "real-shaped-login.html"],
  [0, "mock-erreur-cps.html"],
  [0, "mock-dashboard.html"],
];

/** The identifier field of the password login: `#UserName` is verified (viatrajectoire.md §2.1 [V]). */
export const userNameField = '#UserName, input[id$="_UserName"]';
export const userNameField_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-login-real.html"],
  [1, "real-shaped-login.html"],
  [0, "mock-logincps-token.html"],
  [0, "mock-erreur-cps.html"],
  [0, "mock-dashboard.html"],
];

/** The block that holds the card method (the panel goes beside the button, inside it) [G]. */
export const cpsMethodBlock = '#blocCPS, [id$="_blocCPS"]';
export const cpsMethodBlock_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-login-real.html"],
  [1, "real-shaped-login.html"],
  [0, "mock-logincps-token.html"],
];

/** Blocks of the two other ways in, outlined when the failure page sends the doctor back to one of them [G]. */
export const ecpsMethodBlock = '#blocECPS, [id$="_blocECPS"]';
export const ecpsMethodBlock_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "real-shaped-login.html"],
];
export const passwordMethodBlock = '#blocIdentifiant, [id$="_blocIdentifiant"]';
export const passwordMethodBlock_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "real-shaped-login.html"],
];

/** The token-login challenge (protocol/src/portal-contract.ts): present only on pages that accept cps-bridge tokens. */
export const challengeMeta = `meta[name="${TOKEN_CONTRACT.challengeMeta}"]`;
export const challengeMeta_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-logincps-token.html"],
  [1, "mock-login-refused.html"],
  [0, "mock-login-real.html"],
  [0, "real-shaped-login.html"],
  [0, "mock-erreur-cps.html"],
  [0, "mock-dashboard.html"],
];
export const challengeTtlMeta = `meta[name="${TOKEN_CONTRACT.ttlMeta}"]`;
export const challengeTtlMeta_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-logincps-token.html"],
  [0, "mock-login-real.html"],
];

/** The one WebForms form of the page (contract: `form#form1`). */
export const loginForm = `form#${TOKEN_CONTRACT.formId}`;
export const loginForm_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-login-real.html"],
  [1, "mock-logincps-token.html"],
  [1, "real-shaped-login.html"],
  [0, "mock-erreur-cps.html"],
];

/** Inside `loginForm`: the echoed nonce and the empty field the token goes into. */
export const challengeField = `input[name="${TOKEN_CONTRACT.challengeField}"]`;
export const challengeField_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-logincps-token.html"],
  [0, "mock-login-real.html"],
  [0, "real-shaped-login.html"],
];
export const tokenField = `input[name="${TOKEN_CONTRACT.tokenField}"]`;
export const tokenField_: SelectorFixtures = [
  [1, "mock-login-token.html"],
  [1, "mock-logincps-token.html"],
  [1, "mock-login-refused.html"],
  [0, "mock-login-real.html"],
  [0, "real-shaped-login.html"],
];

/** A refusal the portal wrote after a token post (contract: `#lblErreur[data-code]`). */
export const loginOutcome = `#${TOKEN_CONTRACT.outcomeId}[${TOKEN_CONTRACT.outcomeCodeAttribute}]`;
export const loginOutcome_: SelectorFixtures = [
  [1, "mock-login-refused.html"],
  [0, "mock-login-token.html"],
  [0, "mock-login-real.html"],
  [0, "mock-logincps-token.html"],
];

/**
 * The CPS failure page is recognised by its title's words, "La lecture de la carte CPS a échoué." (guide excerpt [B],
 * the only thing known of the real page), looked for first in the element of the mock's id [G], then in any of
 * `failureTitleCandidates` (detectors.ts findFailureTitle). The takeover goes right under that element.
 */
export const failureTitleText = "La lecture de la carte CPS a échoué";
export const failureTitle = '#lblTitreErreurCPS, [id$="_lblTitreErreurCPS"]';
export const failureTitle_: SelectorFixtures = [
  [1, "mock-erreur-cps.html"],
  [1, "real-shaped-erreur-cps.html"],
  [0, "mock-login-real.html"],
];
export const failureTitleCandidates = "h1, h2, h3, [id*='Erreur' i], [class*='erreur' i], [class*='titre' i]";
export const failureTitleCandidates_: SelectorFixtures = [
  [4, "mock-erreur-cps.html"], // h1, the two help-path h2, the container #erreurCPS: the innermost with the words wins
  [2, "real-shaped-erreur-cps.html"], // the <span> title and its container (id "…_erreurCPS")
];
/** The failure page's container (the takeover goes at its top, above the portal's help paths). */
export const failureContainer = '#erreurCPS, [id$="_erreurCPS"], main, form';
export const failureContainer_: SelectorFixtures = [
  [2, "mock-erreur-cps.html"], // <main> and #erreurCPS: the first in document order wins (closest() from the title)
  [1, "real-shaped-erreur-cps.html"],
];
/** The failure page's link back to the login page [G]. */
export const failureBackLink = '#lnkRetourConnexion, [id$="_lnkRetourConnexion"]';
export const failureBackLink_: SelectorFixtures = [
  [1, "mock-erreur-cps.html"],
  [0, "real-shaped-erreur-cps.html"],
];
/** The failure page's two help links (they must stay visible under the takeover). */
export const failureHelpLinks =
  '#lnkAssistanceDMP, #lnkOutilVerification, [id$="_lnkAssistanceDMP"], [id$="_lnkOutilVerification"]';
export const failureHelpLinks_: SelectorFixtures = [
  [2, "mock-erreur-cps.html"],
  [2, "real-shaped-erreur-cps.html"],
];

// ───────────────────────────── the e-mailed code step (issue 11) ─────────────────────────────
// Mock: LoginOTP.aspx (viatrajectoire.md §8.2 [G]); real-shaped: a hand-written guess [U]. Never a password input.

/** The code field: by id, else the one-time-code autocomplete hint; password inputs excluded by the selector itself. */
export const otpField =
  '#CodeOTP:not([type="password"]), input[id$="_CodeOTP"]:not([type="password"]), input[id$="_txtCodeOTP"]:not([type="password"]), input[autocomplete="one-time-code"]:not([type="password"])';
export const otpField_: SelectorFixtures = [
  [1, "mock-login-otp.html"],
  [1, "real-shaped-login-otp.html"],
  [0, "mock-login-token.html"],
  [0, "mock-login-real.html"],
  [0, "real-shaped-login.html"],
  [0, "mock-erreur-cps.html"],
  [0, "mock-dashboard.html"],
];
/** The portal's countdown: `data-remaining` seconds on the mock; else its "mm:ss" text. */
export const otpTimer = '#otpTimer, [id$="_otpTimer"], [id$="_lblTimer"]';
export const otpTimer_: SelectorFixtures = [
  [1, "mock-login-otp.html"],
  [1, "real-shaped-login-otp.html"],
  [0, "mock-login-token.html"],
];
/** « Valider ». */
export const otpValidate = '#btnValider, [id$="_btnValider"]';
export const otpValidate_: SelectorFixtures = [
  [1, "mock-login-otp.html"],
  [1, "real-shaped-login-otp.html"],
  [0, "mock-login-token.html"],
];
/** « Renvoyer le code » (a new code invalidates the previous one). */
export const otpResend = '#btnRenvoyer, [id$="_btnRenvoyer"]';
export const otpResend_: SelectorFixtures = [
  [1, "mock-login-otp.html"],
  [1, "real-shaped-login-otp.html"],
  [0, "mock-login-token.html"],
];
