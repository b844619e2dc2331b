import { defineHandler } from "../router";

/** PIN window: "Annuler". */
export default defineHandler({
  type: "pin.cancel",
  from: ["extension-page"],
  async handle({ requestId }, { services }) {
    if (typeof requestId === "string") services.pins.cancel(requestId);
    return { ok: true };
  },
});
