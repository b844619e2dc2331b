/**
 * `auth.challenge` (protocol/src/methods/auth-challenge.ts): the agent proves its pinned key first. It draws a fresh
 * 32-byte nonce, signs the transcript (protocol/src/auth-transcript.ts) with role "agent" over this connection's
 * Origin and port, and keeps the challenge — single use, AUTH_CHALLENGE_TTL_MS — for the following auth.prove.
 * A clientId unknown, or paired from another origin, is ERR_NOT_PAIRED: a key authenticates only from the origin it
 * was paired from.
 */
import { randomBytes } from "node:crypto";
import { authTranscript } from "@cps-bridge/protocol/auth-transcript";
import { base64ToBytes } from "@cps-bridge/protocol/base64";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { AUTH_CHALLENGE_TTL_MS, AUTH_NONCE_BYTES } from "@cps-bridge/protocol/limits";
import { PROTOCOL_MAJOR } from "@cps-bridge/protocol/version";
import type { Handler } from "../context";

export const authChallenge: Handler<"auth.challenge"> = (params, ctx) => {
  const { services, conn } = ctx;
  services.limiters.auth.take(conn.remoteAddress);
  const pairing = services.pairings.byId(params.clientId);
  if (!pairing || pairing.origin !== conn.origin) {
    conn.pendingChallenge = undefined;
    throw new BridgeError("ERR_NOT_PAIRED", "This client is not paired with this agent");
  }
  const clientNonce = base64ToBytes(params.clientNonce)!; // the schema checked: 32 bytes of base64
  const agentNonce = new Uint8Array(randomBytes(AUTH_NONCE_BYTES));
  const transcript = authTranscript({
    role: "agent",
    protocolMajor: PROTOCOL_MAJOR,
    port: services.port(),
    origin: conn.origin,
    clientId: pairing.id,
    clientNonce,
    agentNonce,
  });
  // Replaces any pending challenge of this connection (protocol: a new auth.challenge replaces the pending one).
  conn.pendingChallenge = {
    clientId: pairing.id,
    clientNonce,
    agentNonce,
    expiresAt: Date.now() + AUTH_CHALLENGE_TTL_MS,
  };
  return {
    agentNonce: Buffer.from(agentNonce).toString("base64"),
    agentSignature: Buffer.from(services.agentKey.sign(transcript)).toString("base64"),
  };
};
