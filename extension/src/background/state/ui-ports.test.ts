import { describe, expect, it, vi } from "vitest";
import { STATE_PORT } from "../../shared/messages";
import { initialState } from "../../shared/state";
import { StateStore } from "./store";
import { type PortLike, serveStatePort } from "./ui-ports";

function fakePort(name = STATE_PORT, senderId = "ours") {
  const listeners: Array<() => void> = [];
  const port: PortLike & { sent: unknown[]; disconnectFromUi(): void; disconnected: boolean } = {
    name,
    sender: { id: senderId },
    sent: [],
    disconnected: false,
    postMessage(m) {
      this.sent.push(m);
    },
    disconnect() {
      this.disconnected = true;
    },
    onDisconnect: { addListener: (cb) => listeners.push(cb) },
    disconnectFromUi() {
      for (const l of listeners) l();
    },
  };
  return port;
}

describe("state port", () => {
  it("sends the snapshot at once, then each change, and counts the UI as watching until it closes", () => {
    const store = new StateStore(initialState(17777, "fr"));
    const watched = vi.fn();
    const port = fakePort();
    expect(serveStatePort(port, store, "ours", watched)).toBe(true);
    expect(port.sent).toHaveLength(1);
    expect(watched).toHaveBeenLastCalledWith(true);
    store.setAgent({ status: "unavailable" });
    expect(port.sent).toHaveLength(2);
    expect((port.sent[1] as { state: { agent: { status: string } } }).state.agent.status).toBe("unavailable");
    port.disconnectFromUi();
    expect(watched).toHaveBeenLastCalledWith(false);
    store.setAgent({ status: "connecting" });
    expect(port.sent).toHaveLength(2);
  });

  it("ignores other port names and disconnects foreign senders", () => {
    const store = new StateStore(initialState(17777, "fr"));
    expect(serveStatePort(fakePort("other"), store, "ours", vi.fn())).toBe(false);
    const foreign = fakePort(STATE_PORT, "someone-else");
    expect(serveStatePort(foreign, store, "ours", vi.fn())).toBe(true);
    expect(foreign.disconnected).toBe(true);
    expect(foreign.sent).toHaveLength(0);
  });
});
