/**
 * `login.sign` (protocol/src/methods/login-sign.ts): Web eID's token scheme (anchors.md §1.3). The origin is
 * normalised (ASCII serialisation, https only; http://localhost and http://127.0.0.1 only when the agent runs with
 * --test-mode), the nonce re-checked (44–128 base64 characters), and the card signs H(H(origin) ‖ H(nonce)) with its
 * authentication key (RS256: the CPS3 and CPS4 both sign SHA-256 PKCS#1 v1.5, cps-card.md §2.3). The card service
 * verifies the signature against the certificate before returning it; the token carries neither origin nor nonce.
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import {
  buildLoginToken,
  normaliseOrigin,
  signedDigest,
  type TokenAlgorithm,
  validateChallengeNonce,
} from "@cps-bridge/protocol/login-token-format";
import type { SignatureAlgorithm } from "../../card-service";
import type { Handler } from "../context";
import { cardOptions } from "./card-options";

const ALGORITHM: SignatureAlgorithm & TokenAlgorithm = "RS256";

export const loginSign: Handler<"login.sign"> = async (params, ctx) => {
  const { services } = ctx;
  const origin = normaliseOrigin(params.origin, { allowHttpLocalhost: services.config.testMode });
  const nonce = validateChallengeNonce(params.challengeNonce);
  const digest = await signedDigest(origin, nonce, ALGORITHM);
  const signed = await services.cardService.signAuth(digest, ALGORITHM, cardOptions(params, ctx));
  if (signed.algorithm !== ALGORITHM) {
    throw new BridgeError("ERR_INTERNAL", `card service signed ${signed.algorithm}, ${ALGORITHM} was asked`);
  }
  return buildLoginToken({
    certificate: signed.certificate,
    algorithm: signed.algorithm,
    signature: signed.signature,
    agentVersion: services.agentVersion,
  });
};
