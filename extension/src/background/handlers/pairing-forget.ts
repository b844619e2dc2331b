import { defineHandler } from "../router";

/** Options: forget this browser's pairing (the key is deleted; `cps-bridge unpair` revokes the agent's side). */
export default defineHandler({
  type: "pairing.forget",
  from: ["extension-page"],
  async handle(_req, { services }) {
    await services.client.forgetPairing();
    return { ok: true };
  },
});
