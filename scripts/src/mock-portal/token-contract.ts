/**
 * The cps-bridge token-login contract between a portal page and the extension's content script
 * (docs/mock-portal.md "Token login contract"). A page that accepts cps-bridge tokens says so in its <head>:
 *
 *   <meta name="cps-bridge-challenge" content="<nonce: base64 of 32 random bytes, 44 characters>">
 *   <meta name="cps-bridge-challenge-ttl" content="<seconds the nonce stays valid>">
 *
 * and its login form `form#form1` holds two hidden inputs:
 *
 *   <input type="hidden" name="__CPSBRIDGE_CHALLENGE" value="<the same nonce>">
 *   <input type="hidden" name="__CPSBRIDGE_TOKEN" value="">
 *
 * The content script reads the nonce, asks the background for `login.sign { origin: <tab origin, taken by the
 * background>, challengeNonce }`, writes the token (JSON text of the token object) into `__CPSBRIDGE_TOKEN`, and
 * submits `form#form1` (HTMLFormElement.prototype.submit, so a page override of `submit` is not used). The server
 * answers 302 to the ReturnUrl on success, or the same page with `#lblErreur` (and a fresh nonce) on refusal.
 * The server verifies with the nonce it stored in the session — never with the echoed one, which only lets it say
 * "page expirée" when the page is stale. A nonce is single use and expires after the TTL.
 */
export const TOKEN_CONTRACT = {
  challengeMeta: "cps-bridge-challenge",
  ttlMeta: "cps-bridge-challenge-ttl",
  formId: "form1",
  challengeField: "__CPSBRIDGE_CHALLENGE",
  tokenField: "__CPSBRIDGE_TOKEN",
} as const;

/** 32 random bytes → 44 base64 characters: the minimum nonce `login.sign` accepts (ERR_INVALID_NONCE, errors.ts). */
export const NONCE_BYTES = 32;
export const NONCE_TTL_MS = 5 * 60_000;
