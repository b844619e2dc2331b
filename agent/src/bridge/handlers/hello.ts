/**
 * `hello` (protocol/src/methods/hello.ts): the version handshake, first on every connection (Web eID's
 * checkCompatibility, anchors.md §1.2). A different protocol major is answered ERR_VERSION_MISMATCH with
 * `details.requiresUpdate` naming the side to update, then the connection is closed (4001): it cannot be used. So is
 * an extension (client `cps-bridge-extension`) older than MIN_EXTENSION_RELEASE (protocol/src/version.ts).
 * After the answer the connection gets its first `agent.state` event.
 */
import { CLOSE_CODES } from "@cps-bridge/protocol/envelope";
import { agentCapabilities } from "@cps-bridge/protocol/methods/index";
import { PROTOCOL_VERSION, versionMismatch } from "@cps-bridge/protocol/version";
import type { Handler } from "../context";
import { agentStateOf } from "../events";
import { pairingIdOf } from "../pairing-store";

export const hello: Handler<"hello"> = (params, ctx) => {
  const mismatch = versionMismatch(params.protocolVersion, PROTOCOL_VERSION, params.client, ctx.services.agentVersion);
  if (mismatch) {
    ctx.closeAfter(CLOSE_CODES.versionMismatch, "ERR_VERSION_MISMATCH");
    throw mismatch;
  }
  const { conn, services } = ctx;
  const firstHello = !conn.helloDone;
  conn.helloDone = true;
  conn.lang = params.lang ?? "fr";
  if (firstHello) ctx.after(() => conn.sendEvent("agent.state", agentStateOf(services)));
  return {
    agentVersion: services.agentVersion,
    protocolVersion: PROTOCOL_VERSION,
    capabilities: agentCapabilities(),
    testMode: services.config.testMode,
    pairing: { open: services.pairingWindow.isOpen() },
    // Lets the extension scanning the port range skip other users' agents (docs/protocol.md §13).
    agentKeyId: pairingIdOf(services.agentKey.publicKeySpki),
  };
};
