/**
 * `auth.challenge`: first half of the mutual authentication (auth-transcript.ts). The client names its pairing and
 * sends a fresh nonce; the agent answers its own fresh nonce and its signature over the transcript with role "agent".
 * The client verifies that signature with the agent key it pinned at pairing; if it fails the client closes the
 * connection and reports ERR_AGENT_UNTRUSTED (something else answers on the port). A new `auth.challenge` on the
 * same connection replaces the pending one.
 */
import * as v from "valibot";
import { AUTH_NONCE_BYTES } from "../limits";
import { base64Bytes, defineMethod, GENERIC_ERRORS } from "./define";
import { ClientIdSchema } from "./pair-complete";

export const AuthNonceSchema = base64Bytes(AUTH_NONCE_BYTES, "32 bytes in base64");
export const AuthSignatureSchema = base64Bytes(64, "P-256 signature (64-byte r||s) in base64");

export const authChallenge = defineMethod({
  name: "auth.challenge",
  summary: "Client nonce in, agent nonce and the agent's proof of its pinned key out.",
  params: v.strictObject({
    clientId: ClientIdSchema,
    clientNonce: AuthNonceSchema,
  }),
  result: v.object({
    agentNonce: AuthNonceSchema,
    /** ECDSA P-256/SHA-256 over authTranscript({role: "agent", …}), P1363, base64. */
    agentSignature: AuthSignatureSchema,
  }),
  requiresAuth: false,
  cardOperation: false,
  timeoutMs: 5_000,
  // An unknown clientId is ERR_NOT_PAIRED (the extension then offers pairing).
  errors: [...GENERIC_ERRORS, "ERR_NOT_PAIRED"],
  since: "1.0",
});
