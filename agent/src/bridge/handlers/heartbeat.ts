/** `heartbeat` (protocol/src/methods/heartbeat.ts): the client's keepalive; answers the agent's clock. */
import type { Handler } from "../context";

export const heartbeat: Handler<"heartbeat"> = () => ({ time: new Date().toISOString() });
