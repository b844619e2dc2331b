/**
 * Serves the `cps-bridge.state` port (shared/messages.ts STATE_PORT): every UI that connects receives the current
 * snapshot at once, then every new one — no polling anywhere. A connected port also counts as "somebody is
 * looking", which makes the agent client retry every second (backoff.ts).
 */
import { STATE_PORT } from "../../shared/messages";
import type { ExtensionState } from "../../shared/state";
import type { StateStore } from "./store";

export interface PortLike {
  name: string;
  sender?: { id?: string };
  postMessage(message: unknown): void;
  disconnect(): void;
  onDisconnect: { addListener(cb: () => void): void };
}

export interface StateMessage {
  type: "state";
  state: ExtensionState;
}

export function serveStatePort(
  port: PortLike,
  store: StateStore,
  ownId: string,
  watched: (watching: boolean) => void,
): boolean {
  if (port.name !== STATE_PORT) return false;
  if (port.sender?.id !== ownId) {
    port.disconnect();
    return true;
  }
  const send = (state: ExtensionState) => {
    try {
      port.postMessage({ type: "state", state } satisfies StateMessage);
    } catch {
      // The UI closed between two updates; onDisconnect cleans up.
    }
  };
  const unsubscribe = store.subscribe(send);
  watched(true);
  port.onDisconnect.addListener(() => {
    unsubscribe();
    watched(false);
  });
  send(store.get());
  return true;
}
