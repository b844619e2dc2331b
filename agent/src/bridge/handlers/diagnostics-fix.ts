/** `diagnostics.fix` (protocol/src/methods/diagnostics-fix.ts): one offered fix, then its check re-run. */
import { createDiagContext } from "../../diagnostics/context";
import { allowedPortalOrigin } from "../../diagnostics/portals";
import { applyFix } from "../../diagnostics/run";
import type { Handler } from "../context";

export const diagnosticsFix: Handler<"diagnostics.fix"> = (params, { services }) => {
  const testMode = services.config.testMode;
  const ctx = createDiagContext({
    cards: services.cardService,
    log: services.log,
    agentVersion: services.agentVersion,
    agentRunning: async () => ({ running: true, port: services.port(), pid: process.pid }),
    portalOrigin: allowedPortalOrigin(undefined, testMode)!,
    testMode,
  });
  services.log.info({ fixId: params.fixId }, "diagnostics.fix");
  return applyFix(ctx, params.fixId, params.target);
};
