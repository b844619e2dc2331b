/**
 * `auth.prove`: second half of the mutual authentication. The client signs the transcript with role "client" using
 * its paired private key (non-extractable in the extension). The agent rebuilds the transcript from its own records
 * — the pending challenge's nonces, the Origin header and port of this connection, the paired clientId — and checks
 * the signature with the stored key. The pending challenge is consumed by the first `auth.prove`, right or wrong, so a
 * replayed proof always fails (ERR_AUTH_FAILED) and the agent closes the connection (4003).
 * On success every method becomes available and events start.
 */
import * as v from "valibot";
import { AuthNonceSchema, AuthSignatureSchema } from "./auth-challenge";
import { defineMethod, GENERIC_ERRORS } from "./define";
import { ClientIdSchema } from "./pair-complete";

export const authProve = defineMethod({
  name: "auth.prove",
  summary: "The client's proof of its paired key over the pending challenge.",
  params: v.strictObject({
    clientId: ClientIdSchema,
    /** Echo of the pending challenge's agentNonce; the agent compares it, then uses only its own copy. */
    agentNonce: AuthNonceSchema,
    /** ECDSA P-256/SHA-256 over authTranscript({role: "client", …}), P1363, base64. */
    signature: AuthSignatureSchema,
  }),
  result: v.object({
    authenticated: v.literal(true),
    clientId: ClientIdSchema,
  }),
  requiresAuth: false,
  cardOperation: false,
  timeoutMs: 5_000,
  errors: [...GENERIC_ERRORS, "ERR_AUTH_FAILED", "ERR_NOT_PAIRED"],
  since: "1.0",
});
