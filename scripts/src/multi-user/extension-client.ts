/**
 * The extension's own agent client (extension/src/background/agent/agent-client.ts: the port scan, the pinned-key
 * check, the pairing by port index) running in Node over `ws`, with the Chrome extension's Origin, an in-memory
 * pairing store and the real state store — for the two-user integration test and the port-scan benchmark. Only the
 * browser's WebSocket and IndexedDB are replaced.
 */
import { AGENT_PORT_RANGE, CHROME_EXTENSION_ID, DEFAULT_AGENT_PORT } from "@cps-bridge/protocol/extension-ids";
import { WebSocket } from "ws";
import { AgentClient } from "../../../extension/src/background/agent/agent-client";
import { MemoryPairingStore } from "../../../extension/src/background/agent/pairing-store";
import type { SocketFactory, SocketLike } from "../../../extension/src/background/agent/socket";
import { StateStore } from "../../../extension/src/background/state/store";
import { type ExtensionState, initialState } from "../../../extension/src/shared/state";

export const EXTENSION_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;

/** `ws` sockets presenting the extension's Origin, as Chromium does for the extension's background. */
export const wsSocketFactory: SocketFactory = (url) =>
  new WebSocket(url, { origin: EXTENSION_ORIGIN, handshakeTimeout: 5_000 }) as unknown as SocketLike;

export interface NodeExtension {
  client: AgentClient;
  store: StateStore;
  pairings: MemoryPairingStore;
  /** Resolves with the state once `predicate` holds (polls the store). */
  waitFor(predicate: (s: ExtensionState) => boolean, timeoutMs?: number): Promise<ExtensionState>;
}

export function nodeExtension(
  options: { port?: number; pairings?: MemoryPairingStore; fallbackPorts?: readonly number[] } = {},
): NodeExtension {
  const port = options.port ?? DEFAULT_AGENT_PORT;
  const store = new StateStore(initialState(port, "fr"));
  const pairings = options.pairings ?? new MemoryPairingStore();
  const client = new AgentClient({
    store,
    pairings,
    createSocket: wsSocketFactory,
    port: () => port,
    fallbackPorts: options.fallbackPorts ?? AGENT_PORT_RANGE,
    ownOrigin: EXTENSION_ORIGIN,
    clientVersion: "0.1.0",
    language: () => "fr",
  });
  const waitFor = async (predicate: (s: ExtensionState) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = store.get();
      if (predicate(s)) return s;
      if (Date.now() > deadline) throw new Error(`extension state never matched; last: ${JSON.stringify(s.agent)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { client, store, pairings, waitFor };
}
