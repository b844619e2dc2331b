import { defineHandler } from "../router";

/**
 * PIN window: the PIN, once. Only our own pages may send it. The request object is handed over as is so that
 * PinRequests.submit can overwrite its `pin` field the moment the value is on its way to the agent.
 */
export default defineHandler({
  type: "pin.submit",
  from: ["extension-page"],
  async handle(request, { services }) {
    const result = await services.pins.submit(String(request.requestId), request);
    return { ok: true, result };
  },
});
