/**
 * `login.sign`: signs a portal's login challenge with the card's authentication key, Web eID style
 * (anchors.md §1.3–1.4; login-token-format.ts). The client passes the *top-level tab's* origin, taken by the
 * background from the browser (never from page data); the agent normalises it (https only; http://localhost in test
 * mode), checks the nonce, signs H(origin) ‖ H(nonce) and answers the token. The PIN must have been verified in this
 * card session (ERR_PIN_REQUIRED otherwise). The agent verifies the card's signature before answering.
 */
import * as v from "valibot";
import { NONCE_MAX_LENGTH, NONCE_MIN_LENGTH, ORIGIN_MAX_LENGTH } from "../limits";
import { LoginTokenSchema } from "../login-token-format";
import { CARD_ERRORS, cardTarget, defineMethod, GENERIC_ERRORS } from "./define";

export const loginSign = defineMethod({
  name: "login.sign",
  summary: "Signs H(origin) ‖ H(challengeNonce) with the card; answers a cps-bridge:1.0 login token.",
  params: v.strictObject({
    /** ASCII serialisation of the tab's origin (`new URL(tab.url).origin`), e.g. https://trajectoire.sante-ra.fr */
    origin: v.pipe(v.string(), v.minLength(1), v.maxLength(ORIGIN_MAX_LENGTH, "origin ≤ 255 characters")),
    /** The portal's fresh nonce: 44–128 standard base64 characters. */
    challengeNonce: v.pipe(
      v.string(),
      v.minLength(NONCE_MIN_LENGTH),
      v.maxLength(NONCE_MAX_LENGTH),
      v.regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64"),
    ),
    ...cardTarget,
  }),
  result: LoginTokenSchema,
  requiresAuth: true,
  cardOperation: true,
  timeoutMs: 30_000,
  errors: [
    ...GENERIC_ERRORS,
    ...CARD_ERRORS,
    "ERR_INVALID_ORIGIN",
    "ERR_INVALID_NONCE",
    "ERR_PIN_REQUIRED",
    "ERR_PIN_BLOCKED",
    "ERR_CERT_EXPIRED",
    "ERR_CERT_NOT_YET_VALID",
    "ERR_CERT_UNTRUSTED",
    "ERR_SIGNATURE_INVALID",
  ],
  paramErrorCodes: { origin: "ERR_INVALID_ORIGIN", challengeNonce: "ERR_INVALID_NONCE" },
  since: "1.0",
});
