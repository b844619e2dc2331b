/** `diagnostics.run` (protocol/src/methods/diagnostics-run.ts): the agent's checks over its own card service. */
import type { CheckResult } from "@cps-bridge/protocol/diagnostics/model";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { createDiagContext } from "../../diagnostics/context";
import { allowedPortalOrigin } from "../../diagnostics/portals";
import { runDiagnostics } from "../../diagnostics/run";
import type { Handler } from "../context";

export const diagnosticsRun: Handler<"diagnostics.run"> = (params, { services, conn }) => {
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
  // Each finished check goes to the requesting connection at once, so the page shows the checks live.
  const onResult = (result: CheckResult) => {
    try {
      conn.sendEvent("diagnostics.progress", { result });
    } catch (err) {
      services.log.warn({ err }, "diagnostics.progress not sent");
    }
  };
  return runDiagnostics(ctx, { revocation: params.revocation === true, onResult });
};
