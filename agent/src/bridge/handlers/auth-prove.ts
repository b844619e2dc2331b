/**
 * `auth.prove` (protocol/src/methods/auth-prove.ts): the client proves its paired key. The pending challenge is
 * taken off the connection before anything is checked, so it is consumed by the first proof, right or wrong: a
 * replayed proof, a proof for another connection's nonce, or a second try always fails with ERR_AUTH_FAILED, and
 * the connection is then closed (4003). The transcript is rebuilt only from the agent's own records (its nonce,
 * this connection's Origin header and port, the stored pairing); the echoed agentNonce is only compared.
 */
import { createPublicKey, timingSafeEqual, verify } from "node:crypto";
import { authTranscript } from "@cps-bridge/protocol/auth-transcript";
import { base64ToBytes } from "@cps-bridge/protocol/base64";
import { CLOSE_CODES } from "@cps-bridge/protocol/envelope";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { PROTOCOL_MAJOR } from "@cps-bridge/protocol/version";
import type { Handler } from "../context";

export const authProve: Handler<"auth.prove"> = (params, ctx) => {
  const { services, conn } = ctx;
  const pending = conn.pendingChallenge;
  conn.pendingChallenge = undefined;
  const fail = (code: "ERR_AUTH_FAILED" | "ERR_NOT_PAIRED", reason: string): never => {
    services.log.warn({ event: "auth.failed", conn: conn.id, origin: conn.origin, reason }, "authentication failed");
    ctx.closeAfter(CLOSE_CODES.authFailed, code);
    throw new BridgeError(code, undefined, { reason });
  };
  if (!pending) return fail("ERR_AUTH_FAILED", "no pending challenge");
  if (Date.now() > pending.expiresAt) return fail("ERR_AUTH_FAILED", "challenge expired");
  if (params.clientId !== pending.clientId) return fail("ERR_AUTH_FAILED", "clientId differs from the challenge");
  const echoed = base64ToBytes(params.agentNonce)!;
  if (echoed.length !== pending.agentNonce.length || !timingSafeEqual(echoed, pending.agentNonce)) {
    return fail("ERR_AUTH_FAILED", "agentNonce differs from the challenge");
  }
  const pairing = services.pairings.byId(pending.clientId);
  if (!pairing || pairing.origin !== conn.origin) return fail("ERR_NOT_PAIRED", "pairing revoked");
  const transcript = authTranscript({
    role: "client",
    protocolMajor: PROTOCOL_MAJOR,
    port: services.port(),
    origin: conn.origin,
    clientId: pairing.id,
    clientNonce: pending.clientNonce,
    agentNonce: pending.agentNonce,
  });
  const key = createPublicKey({ key: Buffer.from(pairing.publicKey, "base64"), format: "der", type: "spki" });
  const signature = base64ToBytes(params.signature)!;
  let ok = false;
  try {
    ok = verify("sha256", transcript, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    ok = false;
  }
  if (!ok) return fail("ERR_AUTH_FAILED", "signature does not verify");
  conn.authenticated = true;
  conn.pairingId = pairing.id;
  conn.mode = "normal";
  services.pairings.touch(pairing.id);
  services.log.info({ event: "auth.ok", conn: conn.id, pairingId: pairing.id }, "client authenticated");
  return { authenticated: true as const, clientId: pairing.id };
};
