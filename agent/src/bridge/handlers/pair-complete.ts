/**
 * `pair.complete` (protocol/src/methods/pair-complete.ts): the code shown by `cps-bridge pair` plus the
 * extension's P-256 public key. Order matters: the attempt rate is charged first (per peer and global, so a program
 * cannot grind codes by reconnecting), then the key is checked (a malformed key costs no code attempt), then the code
 * is compared in constant time against the open window (5 wrong → ERR_PAIRING_LOCKED). On success the pairing is
 * stored (0600, atomic), the window is used up, and the agent's public key is returned for the client to pin.
 * The connection is not authenticated by this: the client runs auth.challenge/auth.prove next.
 */
import { createPublicKey } from "node:crypto";
import { BridgeError } from "@cps-bridge/protocol/errors";
import type { PublicKeyInput } from "@cps-bridge/protocol/methods/index";
import type { Handler } from "../context";
import { canonicalP256Spki } from "../pairing-store";

/** Base64 SPKI or JWK → canonical SPKI DER of a P-256 key, or ERR_INVALID_PARAMS. */
export function clientKeySpki(key: PublicKeyInput): Uint8Array {
  try {
    const spki =
      typeof key === "string"
        ? Buffer.from(key, "base64")
        : createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, format: "jwk" }).export({
            type: "spki",
            format: "der",
          });
    return canonicalP256Spki(new Uint8Array(spki));
  } catch (cause) {
    throw new BridgeError("ERR_INVALID_PARAMS", "Not a P-256 public key", { reason: "clientPublicKey" }, { cause });
  }
}

export const pairComplete: Handler<"pair.complete"> = (params, ctx) => {
  const { services, conn } = ctx;
  services.limiters.pairing.take(conn.remoteAddress);
  const spki = clientKeySpki(params.clientPublicKey);
  services.pairingWindow.check(params.code);
  const pairing = services.pairings.add({ publicKeySpki: spki, label: params.label, origin: conn.origin });
  services.pairingWindow.completed(pairing.id, pairing.label);
  services.log.info(
    { event: "pairing.added", pairingId: pairing.id, origin: conn.origin, conn: conn.id },
    "client paired",
  );
  ctx.after(() => services.pairingAdded(pairing.id, conn.origin));
  return {
    clientId: pairing.id,
    agentPublicKey: Buffer.from(services.agentKey.publicKeySpki).toString("base64"),
  };
};
