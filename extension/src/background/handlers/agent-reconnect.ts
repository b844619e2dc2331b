import { defineHandler } from "../router";

/** Popup "Réessayer" / pairing page: try the agent now rather than at the next backoff step. */
export default defineHandler({
  type: "agent.reconnect",
  from: ["extension-page"],
  async handle(_req, { services }) {
    services.client.reconnectNow();
    return { ok: true };
  },
});
