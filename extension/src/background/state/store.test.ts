import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { initialState } from "../../shared/state";
import { cps3Reader } from "../../test-support/fake-agent";
import { SNAPSHOT_KEY, StateStore, waitForState } from "./store";

beforeEach(() => fakeBrowser.reset());

const session = () => fakeBrowser.storage.session;

function connectedStore() {
  const store = new StateStore(initialState(17777, "fr"), session());
  store.setAgent({ status: "connected", agentVersion: "1.0.0" });
  store.setPcsc("up");
  store.setReaders([cps3Reader(), { name: "A reader", state: "empty" }]);
  return store;
}

describe("StateStore", () => {
  it("notifies every subscriber with whole snapshots, and stops after unsubscribe", () => {
    const store = new StateStore(initialState(17777, "fr"));
    const seen: string[] = [];
    const off = store.subscribe((s) => seen.push(s.agent.status));
    store.setAgent({ status: "unavailable", errorCode: "ERR_AGENT_UNAVAILABLE" });
    off();
    store.setAgent({ status: "connecting" });
    expect(seen).toEqual(["unavailable"]);
  });

  it("keeps readers sorted by name and applies insert / remove / detach", () => {
    const store = connectedStore();
    expect(store.get().readers.map((r) => r.name)).toEqual(["A reader", "Virtual PCD 00 00"]);
    store.cardRemoved("Virtual PCD 00 00");
    expect(store.get().readers[1]).toEqual({ name: "Virtual PCD 00 00", state: "empty" });
    store.upsertReader({ name: "Virtual PCD 00 00", state: "present", cardType: "vitale2" });
    expect(store.get().readers[1]?.cardType).toBe("vitale2");
    store.readerDetached("A reader");
    expect(store.get().readers.map((r) => r.name)).toEqual(["Virtual PCD 00 00"]);
  });

  it("forgets readers and PC/SC state as soon as the agent is lost (a stale card would lie)", () => {
    const store = connectedStore();
    store.setAgent({ status: "unavailable", errorCode: "ERR_AGENT_UNAVAILABLE" });
    expect(store.get().readers).toEqual([]);
    expect(store.get().readersKnown).toBe(false);
    expect(store.get().pcsc).toBeUndefined();
    expect(store.get().agent.errorCode).toBe("ERR_AGENT_UNAVAILABLE");
  });

  it("clears the previous error code when the status changes without a new one", () => {
    const store = new StateStore(initialState(17777, "fr"));
    store.setAgent({ status: "error", errorCode: "ERR_AUTH_FAILED" });
    store.setAgent({ status: "connecting" });
    expect(store.get().agent.errorCode).toBeUndefined();
  });

  it("keeps `since` while the status does not change", () => {
    let now = 1000;
    const store = new StateStore(initialState(17777, "fr", 0), undefined, () => now);
    store.setAgent({ status: "unavailable" });
    now = 5000;
    store.setAgent({ status: "unavailable" });
    expect(store.get().agent.since).toBe(1000);
  });

  it("persists one snapshot per burst of updates to storage.session", async () => {
    const set = vi.spyOn(session(), "set");
    const store = connectedStore();
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(set).toHaveBeenCalledTimes(1);
    const saved = (await session().get(SNAPSHOT_KEY))[SNAPSHOT_KEY] as { readers: unknown[] };
    expect(saved.readers).toHaveLength(2);
    store.setLastError("ERR_PIN_INCORRECT");
    await new Promise((r) => setTimeout(r, 0));
    expect(set).toHaveBeenCalledTimes(2);
  });

  it("restores a previous worker's snapshot as `connecting`, readers shown but not known, live settings kept", async () => {
    connectedStore();
    await new Promise((r) => setTimeout(r, 0));
    const fresh = new StateStore({ ...initialState(17777, "en"), paired: true }, session());
    expect(await fresh.restore()).toBe(true);
    const s = fresh.get();
    expect(s.agent.status).toBe("connecting");
    expect(s.readers).toHaveLength(2);
    expect(s.readersKnown).toBe(false);
    expect(s.language).toBe("en");
    expect(s.paired).toBe(true);
    // The first reconnection phases keep them; losing the agent drops them.
    fresh.setAgent({ status: "authenticating" });
    expect(fresh.get().readers).toHaveLength(2);
    fresh.setAgent({ status: "unavailable" });
    expect(fresh.get().readers).toHaveLength(0);
  });

  it("restores nothing from an empty session", async () => {
    const store = new StateStore(initialState(17777, "fr"), session());
    expect(await store.restore()).toBe(false);
  });

  it("survives a subscriber that throws", () => {
    const store = new StateStore(initialState(17777, "fr"));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const good = vi.fn();
    store.subscribe(() => {
      throw new Error("closed port");
    });
    store.subscribe(good);
    store.setAgent({ status: "unavailable" });
    expect(good).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it("waitForState resolves on a later matching state and rejects on timeout", async () => {
    const store = new StateStore(initialState(17777, "fr"));
    const p = waitForState(
      store,
      (s) => s.agent.status === "connected",
      1000,
      () => new Error("late"),
    );
    store.setAgent({ status: "connected" });
    await expect(p).resolves.toMatchObject({ agent: { status: "connected" } });
    await expect(
      waitForState(
        store,
        () => false,
        10,
        () => new Error("late"),
      ),
    ).rejects.toThrow("late");
  });
});
