import { defineHandler, fail } from "../router";

/** PIN window: the origin, holder and tries to show. */
export default defineHandler({
  type: "pin.info",
  from: ["extension-page"],
  async handle({ requestId }, { services }) {
    const info = typeof requestId === "string" ? services.pins.info(requestId) : undefined;
    if (info === undefined) return fail("ERR_USER_TIMEOUT", { reason: "unknown request" });
    return { ok: true, info };
  },
});
