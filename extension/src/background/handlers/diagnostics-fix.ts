import { diagnosticsFix } from "@cps-bridge/protocol/methods/diagnostics-fix";
import { browser } from "wxt/browser";
import { defineHandler, fail } from "../router";

/**
 * Diagnostics page: a fix button the doctor clicked. « Appairer à nouveau » (agent.repair) opens the pairing page
 * here; every other fix is the agent's (diagnostics.fix), which applies it and re-runs its check.
 */
export default defineHandler({
  type: "diagnostics.fix",
  from: ["extension-page"],
  async handle({ fixId, target }, { services }) {
    if (typeof fixId !== "string" || !/^[a-z]+(\.[a-z-]+)+$/.test(fixId) || fixId.length > 64)
      return fail("ERR_INVALID_PARAMS");
    if (target !== undefined && (typeof target !== "string" || target.length > 1024)) return fail("ERR_INVALID_PARAMS");
    if (fixId === "agent.repair") {
      await browser.tabs.create({ url: browser.runtime.getURL("/pair.html") });
      return { ok: true, applied: true };
    }
    const res = await services.client.call(diagnosticsFix, { fixId, ...(target !== undefined ? { target } : {}) });
    return { ok: true, ...res };
  },
});
