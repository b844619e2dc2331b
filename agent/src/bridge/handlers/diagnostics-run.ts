/** `diagnostics.run` (protocol/src/methods/diagnostics-run.ts): the agent's checks over its own card service. */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { createDiagContext } from "../../diagnostics/context";
import { allowedPortalOrigin } from "../../diagnostics/portals";
import { runDiagnostics } from "../../diagnostics/run";
import type { Handler } from "../context";

export const diagnosticsRun: Handler<"diagnostics.run"> = (params, { services }) => {
  const testMode = services.config.testMode;
  const portalOrigin = allowedPortalOrigin(params.portalOrigin, testMode);
  if (!portalOrigin) throw new BridgeError("ERR_INVALID_PARAMS", "portalOrigin is not a known portal");
  const ctx = createDiagContext({
    cards: services.cardService,
    log: services.log,
    agentVersion: services.agentVersion,
    agentRunning: async () => ({ running: true, port: services.port(), pid: process.pid }),
    portalOrigin,
    testMode,
  });
  return runDiagnostics(ctx, { revocation: params.revocation === true });
};
