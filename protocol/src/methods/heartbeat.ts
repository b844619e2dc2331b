/**
 * `heartbeat`: the client's keepalive. The client sends it whenever it has sent nothing for HEARTBEAT_INTERVAL_MS
 * (20 s): the traffic keeps a Chrome MV3 service worker alive (stopped after 30 s idle) and the answer proves the agent
 * is still there. The agent closes connections silent for IDLE_TIMEOUT_MS (60 s). Allowed before authentication so
 * a pairing page waiting for the user keeps its connection. The agent's own `heartbeat` event (events.ts) covers the
 * other direction.
 */
import * as v from "valibot";
import { defineMethod, GENERIC_ERRORS } from "./define";

export const heartbeat = defineMethod({
  name: "heartbeat",
  summary: "Client keepalive; answers the agent's clock.",
  params: v.strictObject({}),
  result: v.object({
    /** The agent's clock, ISO 8601 (lets the extension flag a skewed clock, a cause of certificate errors). */
    time: v.pipe(v.string(), v.isoTimestamp()),
  }),
  requiresAuth: false,
  cardOperation: false,
  timeoutMs: 5_000,
  errors: GENERIC_ERRORS,
  since: "1.0",
});
