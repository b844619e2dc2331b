/**
 * `pair.complete`: binds this browser profile's key to the agent, once (anchors.md §(a) "Pairing").
 * The user runs `cps-bridge pair`, which opens a 2-minute window and prints a 6-digit code; the extension's pairing
 * page sends that code with the public half of a P-256 key it generated non-extractable. The agent stores
 * `{clientId, key, label, origin, createdAt}` (0600 file) and answers its own public key, which the client pins.
 * The connection is not authenticated by this call: the client then runs `auth.challenge` / `auth.prove` as on every
 * later connection. Wrong codes count against the window (ERR_PAIRING_LOCKED after PAIRING_MAX_ATTEMPTS).
 */
import * as v from "valibot";
import { PAIRING_CODE_DIGITS } from "../limits";
import { base64Text, defineMethod, GENERIC_ERRORS, label } from "./define";

/** A P-256 public key as a JWK (what `crypto.subtle.exportKey("jwk", publicKey)` gives, private part refused). */
export const P256JwkSchema = v.object({
  kty: v.literal("EC"),
  crv: v.literal("P-256"),
  /** base64url of the 32-byte coordinates. */
  x: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
  y: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
});

/** A P-256 public key: base64 SPKI DER (91 bytes → 124 characters) or a JWK. Checked by import on the agent. */
export const PublicKeySchema = v.union([base64Text(256, "P-256 SPKI in base64"), P256JwkSchema]);
export type PublicKeyInput = v.InferOutput<typeof PublicKeySchema>;

export const ClientIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, "clientId"));

export const pairComplete = defineMethod({
  name: "pair.complete",
  summary: "Registers the client's P-256 public key with the code shown by `cps-bridge pair`.",
  params: v.strictObject({
    code: v.pipe(v.string(), v.regex(new RegExp(`^\\d{${PAIRING_CODE_DIGITS}}$`), "6 digits")),
    clientPublicKey: PublicKeySchema,
    /** Shown by `cps-bridge pairings`, e.g. "Chrome — Dr Martin". */
    label: label(64),
  }),
  result: v.object({
    /** Opaque id of this pairing; sent in `auth.*`; `cps-bridge unpair <clientId>` revokes it. */
    clientId: ClientIdSchema,
    /** The agent's P-256 public key, base64 SPKI DER. The client pins it and checks every `auth.challenge` with it. */
    agentPublicKey: base64Text(256, "P-256 SPKI in base64"),
  }),
  requiresAuth: false,
  cardOperation: false,
  timeoutMs: 10_000,
  errors: [...GENERIC_ERRORS, "ERR_PAIRING_CODE_WRONG", "ERR_PAIRING_WINDOW_CLOSED", "ERR_PAIRING_LOCKED"],
  since: "1.0",
});
