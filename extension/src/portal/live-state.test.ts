/**
 * The content script's state subscription: snapshots reach subscribers, a dropped port (worker restart) is reopened,
 * an extension that went away ends everything, and aborting disconnects.
 */
import { describe, expect, it, vi } from "vitest";
import { STATE_PORT } from "../shared/messages";
import { STATES } from "../test-support/portal-states";
import { openLiveState, type PortLike, type RuntimeLike } from "./live-state";

function fakeRuntime() {
  const ports: {
    name: string;
    message: (m: unknown) => void;
    drop: () => void;
    disconnect: ReturnType<typeof vi.fn>;
  }[] = [];
  const runtime: RuntimeLike & { id?: string } = {
    id: "ext",
    connect({ name }) {
      let onMessage: (m: unknown) => void = () => {};
      let onDisconnect: () => void = () => {};
      const disconnect = vi.fn();
      const port: PortLike = {
        onMessage: { addListener: (cb) => (onMessage = cb) },
        onDisconnect: { addListener: (cb) => (onDisconnect = cb) },
        disconnect,
      };
      ports.push({ name, message: (m) => onMessage(m), drop: () => onDisconnect(), disconnect });
      return port;
    },
  };
  return { runtime, ports };
}

describe("openLiveState", () => {
  it("delivers whole snapshots to subscribers, now and on change; ignores other messages", () => {
    const { runtime, ports } = fakeRuntime();
    const root = new AbortController();
    const live = openLiveState(root.signal, () => {}, runtime, 0);
    expect(ports[0]!.name).toBe(STATE_PORT);
    const seen: string[] = [];
    live.subscribe((s) => seen.push(s.agent.status), new AbortController().signal);
    ports[0]!.message({ type: "state", state: STATES.ready });
    ports[0]!.message({ type: "other", state: STATES["agent-unavailable"] });
    ports[0]!.message(null);
    expect(live.current()).toBe(STATES.ready);
    const late: string[] = [];
    live.subscribe((s) => late.push(s.agent.status), new AbortController().signal);
    expect(seen).toEqual(["connected"]);
    expect(late).toEqual(["connected"]);
  });

  it("reopens the port when the worker restarts", async () => {
    const { runtime, ports } = fakeRuntime();
    const gone = vi.fn();
    openLiveState(new AbortController().signal, gone, runtime, 0);
    ports[0]!.drop();
    await new Promise((r) => setTimeout(r, 5));
    expect(ports).toHaveLength(2);
    expect(gone).not.toHaveBeenCalled();
  });

  it("calls onGone when the extension went away (updated, removed)", () => {
    const { runtime, ports } = fakeRuntime();
    const gone = vi.fn();
    openLiveState(new AbortController().signal, gone, runtime, 0);
    runtime.id = undefined;
    ports[0]!.drop();
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it("abort disconnects and stops delivering", () => {
    const { runtime, ports } = fakeRuntime();
    const root = new AbortController();
    const live = openLiveState(root.signal, () => {}, runtime, 0);
    const seen = vi.fn();
    live.subscribe(seen, new AbortController().signal);
    root.abort();
    expect(ports[0]!.disconnect).toHaveBeenCalled();
    ports[0]!.message({ type: "state", state: STATES.ready });
    expect(seen).not.toHaveBeenCalled();
  });
});
