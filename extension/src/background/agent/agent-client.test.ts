import { CLOSE_CODES } from "@cps-bridge/protocol/envelope";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { CLIENT_DEAD_AFTER_MS, HEARTBEAT_INTERVAL_MS } from "@cps-bridge/protocol/limits";
import { readersList } from "@cps-bridge/protocol/methods/readers-list";
import { PROTOCOL_VERSION } from "@cps-bridge/protocol/version";
import { describe, expect, it, vi } from "vitest";
import { initialState } from "../../shared/state";
import { cps3Reader, FakeAgent, TEST_ORIGIN } from "../../test-support/fake-agent";
import { ManualTimers } from "../../test-support/manual-timers";
import { StateStore } from "../state/store";
import { AgentClient } from "./agent-client";
import { Backoff } from "./backoff";
import { MemoryPairingStore } from "./pairing-store";

const PORT = 17777;

async function setup({
  pairings = new MemoryPairingStore(),
  agent,
}: {
  pairings?: MemoryPairingStore;
  agent?: FakeAgent;
} = {}) {
  const a = agent ?? (await new FakeAgent().init());
  if (!agent) a.readers = [cps3Reader()];
  const timers = new ManualTimers();
  const store = new StateStore(initialState(PORT, "fr"));
  const client = new AgentClient({
    store,
    pairings,
    createSocket: a.factory,
    port: () => PORT,
    ownOrigin: TEST_ORIGIN,
    clientVersion: "0.1.0",
    language: () => "fr",
    timers,
    backoff: new Backoff({ jitter: 0 }),
  });
  const status = () => store.get().agent.status;
  const until = (s: string) => vi.waitFor(() => expect(status()).toBe(s), { timeout: 3000, interval: 5 });
  return { agent: a, timers, store, client, pairings, status, until };
}

async function pairedSetup() {
  const t = await setup();
  t.client.start();
  await t.until("unpaired");
  t.agent.pairingCode = "123456";
  await t.client.pair("123456", "Chrome — test");
  return t;
}

describe("AgentClient: first contact and pairing", () => {
  it("says hello, and without a pairing waits as `unpaired` with the socket kept open", async () => {
    const t = await setup();
    t.client.start();
    await t.until("unpaired");
    expect(t.store.get().agent.errorCode).toBe("ERR_NOT_PAIRED");
    expect(t.store.get().agent.agentVersion).toBe("9.9.9-fake");
    expect(t.store.get().paired).toBe(false);
    expect(t.agent.openSockets).toHaveLength(1);
    expect(t.agent.methodsCalled()).toEqual(["hello"]);
    const hello = JSON.parse(t.agent.sent[0]!);
    expect(hello.params).toMatchObject({
      protocolVersion: PROTOCOL_VERSION,
      client: { name: "cps-bridge-extension", version: "0.1.0" },
    });
  });

  it("refuses a wrong pairing code with the agent's code and stays unpaired", async () => {
    const t = await setup();
    t.client.start();
    await t.until("unpaired");
    t.agent.pairingCode = "123456";
    await expect(t.client.pair("654321", "x")).rejects.toMatchObject({ code: "ERR_PAIRING_CODE_WRONG" });
    expect(t.pairings.pairing).toBeUndefined();
    expect(t.status()).toBe("unpaired");
  });

  it("reports a closed pairing window", async () => {
    const t = await setup();
    t.client.start();
    await t.until("unpaired");
    await expect(t.client.pair("123456", "x")).rejects.toMatchObject({ code: "ERR_PAIRING_WINDOW_CLOSED" });
  });

  it("pairs with a non-extractable P-256 key, pins the agent key, authenticates and lists readers", async () => {
    const t = await pairedSetup();
    expect(t.status()).toBe("connected");
    const p = t.pairings.pairing!;
    expect(p.privateKey.extractable).toBe(false);
    expect(p.privateKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    expect(p.agentPublicKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    await vi.waitFor(() => expect(t.store.get().readersKnown).toBe(true));
    expect(t.store.get().readers[0]?.holder?.surname).toBe("MARTIN");
    expect(t.store.get().pcsc).toBe("up");
    expect(t.store.get().paired).toBe(true);
    expect(t.agent.methodsCalled()).toEqual(
      expect.arrayContaining(["pair.complete", "auth.challenge", "auth.prove", "readers.list"]),
    );
  });

  it("authenticates a restarted worker with the stored pairing, without pairing again", async () => {
    const first = await pairedSetup();
    first.client.stop();
    const second = await setup({ pairings: first.pairings, agent: first.agent });
    second.client.start();
    await second.until("connected");
    await vi.waitFor(() => expect(second.store.get().readersKnown).toBe(true));
    expect(first.agent.methodsCalled().filter((m) => m === "pair.complete")).toHaveLength(1);
    expect(second.client.timings.readersKnown).toBeGreaterThan(0);
  });

  it("refuses an agent whose proof does not verify with the pinned key (ERR_AGENT_UNTRUSTED) and never proves itself", async () => {
    const first = await pairedSetup();
    first.client.stop();
    first.agent.impostor = true;
    const sentBefore = first.agent.sent.length;
    const t = await setup({ pairings: first.pairings, agent: first.agent });
    t.client.start();
    await t.until("error");
    expect(t.store.get().agent.errorCode).toBe("ERR_AGENT_UNTRUSTED");
    const later = first.agent.sent.slice(sentBefore).map((s) => JSON.parse(s).method);
    expect(later).toContain("auth.challenge");
    expect(later).not.toContain("auth.prove");
    // Retrying cannot fix it by itself: the longest delay, even if somebody watches.
    await vi.waitFor(() => expect(t.timers.pending()).toContain(30_000));
  });

  it("drops a pairing the agent no longer knows (ERR_NOT_PAIRED) and offers pairing again", async () => {
    const first = await pairedSetup();
    first.client.stop();
    first.agent.pairings.clear();
    const t = await setup({ pairings: first.pairings, agent: first.agent });
    t.client.start();
    await t.until("unpaired");
    expect(t.pairings.pairing).toBeUndefined();
    expect(t.store.get().paired).toBe(false);
  });

  it("reports a protocol major mismatch naming the side to update", async () => {
    const t = await setup();
    t.agent.protocolVersion = "2.0";
    t.client.start();
    await t.until("error");
    expect(t.store.get().agent.errorCode).toBe("ERR_VERSION_MISMATCH");
    expect(t.store.get().agent.errorDetails).toMatchObject({ requiresUpdate: "extension" });
  });

  it("refuses an agent release older than MIN_AGENT_RELEASE (same major): update the agent, no pairing", async () => {
    const t = await setup();
    t.agent.agentVersion = "0.0.1";
    t.client.start();
    await t.until("error");
    expect(t.store.get().agent.errorCode).toBe("ERR_VERSION_MISMATCH");
    expect(t.store.get().agent.errorDetails).toMatchObject({ requiresUpdate: "agent", agentRelease: "0.0.1" });
    expect(t.agent.methodsCalled()).toEqual(["hello"]);
  });
});

describe("AgentClient: losing and finding the agent", () => {
  it("shows `unavailable` when nothing listens, then backs off 250 ms, 500 ms, 1 s, 2 s…", async () => {
    const t = await setup();
    t.agent.listening = false;
    t.client.start();
    await t.until("unavailable");
    expect(t.store.get().agent.errorCode).toBe("ERR_AGENT_UNAVAILABLE");
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await vi.waitFor(() => expect(t.timers.pending()).toHaveLength(1));
      const d = t.timers.pending()[0]!;
      delays.push(d);
      const sockets = t.agent.sockets.length;
      t.timers.advance(d);
      await vi.waitFor(() => expect(t.agent.sockets.length).toBe(sockets + 1));
      await t.until("unavailable");
    }
    expect(delays).toEqual([250, 500, 1000, 2000]);
  });

  it("retries at most every second while a UI watches, and reconnects at once when one opens", async () => {
    const t = await setup();
    t.agent.listening = false;
    t.client.start();
    for (let i = 0; i < 6; i++) {
      await t.until("unavailable");
      await vi.waitFor(() => expect(t.timers.pending()).toHaveLength(1));
      t.timers.advance(t.timers.pending()[0]!);
    }
    await t.until("unavailable");
    await vi.waitFor(() => expect(t.timers.pending()[0]).toBeGreaterThanOrEqual(10_000));
    const before = t.agent.sockets.length;
    t.client.setWatched(true);
    expect(t.agent.sockets.length).toBe(before + 1);
    await t.until("unavailable");
    await vi.waitFor(() => expect(t.timers.pending()).toEqual([250]));
    for (let i = 0; i < 5; i++) {
      t.timers.advance(t.timers.pending()[0]!);
      await t.until("unavailable");
      await vi.waitFor(() => expect(t.timers.pending()).toHaveLength(1));
      expect(t.timers.pending()[0]).toBeLessThanOrEqual(1000);
    }
  });

  it("agent stopped → `unavailable` with no stale reader; agent back → connected again within one retry", async () => {
    const t = await pairedSetup();
    await vi.waitFor(() => expect(t.store.get().readersKnown).toBe(true));
    t.agent.listening = false;
    t.agent.closeAll();
    await t.until("unavailable");
    expect(t.store.get().readers).toEqual([]);
    expect(t.store.get().readersKnown).toBe(false);
    t.agent.listening = true;
    await vi.waitFor(() => expect(t.timers.pending()).toEqual([250]));
    t.timers.advance(250);
    await t.until("connected");
    await vi.waitFor(() => expect(t.store.get().readersKnown).toBe(true));
  });

  it("maps the agent's close codes: 4003 → ERR_AUTH_FAILED (slow retry), 4004 → pairing dropped", async () => {
    const t = await pairedSetup();
    t.agent.closeAll(CLOSE_CODES.authFailed);
    await t.until("error");
    expect(t.store.get().agent.errorCode).toBe("ERR_AUTH_FAILED");
    await vi.waitFor(() => expect(t.timers.pending()).toEqual([30_000]));
    t.timers.advance(30_000);
    await t.until("connected");
    t.agent.closeAll(CLOSE_CODES.unpaired);
    await vi.waitFor(() => expect(t.pairings.pairing).toBeUndefined());
    await vi.waitFor(() => expect(t.timers.pending()).toHaveLength(1));
    t.timers.advance(t.timers.pending()[0]!);
    await t.until("unpaired");
  });

  it("sends a heartbeat after 20 s without sending, and gives up on an agent silent for 45 s", async () => {
    const t = await pairedSetup();
    await vi.waitFor(() => expect(t.store.get().readersKnown).toBe(true));
    const count = () => t.agent.methodsCalled().filter((m) => m === "heartbeat").length;
    expect(count()).toBe(0);
    t.timers.advance(HEARTBEAT_INTERVAL_MS - 1);
    expect(count()).toBe(0);
    t.timers.advance(1);
    expect(count()).toBe(1);
    // Let its answer arrive (it re-arms the dead-socket timer), then the agent hangs: it answers nothing more.
    await new Promise((r) => setTimeout(r, 20));
    t.agent.handlers.heartbeat = () => new Promise(() => {});
    t.timers.advance(CLIENT_DEAD_AFTER_MS - 1);
    expect(t.status()).toBe("connected");
    expect(count()).toBe(3);
    const sockets = t.agent.sockets.length;
    t.timers.advance(1);
    await t.until("unavailable");
    await vi.waitFor(() => expect(t.timers.pending()).toContain(250));
    t.timers.advance(250);
    await vi.waitFor(() => expect(t.agent.sockets.length).toBe(sockets + 1));
  });
});

describe("AgentClient: events and calls", () => {
  it("applies card and reader events to the store; ignores unknown events", async () => {
    const t = await pairedSetup();
    await vi.waitFor(() => expect(t.store.get().readersKnown).toBe(true));
    const reader = () => t.store.get().readers.find((r) => r.name === "Virtual PCD 00 00");
    t.agent.emit("card.removed", { reader: "Virtual PCD 00 00" });
    await vi.waitFor(() => expect(reader()?.state).toBe("empty"));
    t.agent.emit("card.inserted", {
      reader: { name: "Virtual PCD 00 00", state: "present", atr: "3B", cardType: "vitale2" },
    });
    await vi.waitFor(() => expect(reader()?.cardType).toBe("vitale2"));
    t.agent.emit("reader.attached", { reader: "Virtual PCD 00 01" });
    await vi.waitFor(() => expect(t.store.get().readers).toHaveLength(2));
    t.agent.emit("diagnostics.progress", { step: 1 });
    t.agent.emit("agent.state", { pcsc: "down", pairing: { open: false } });
    await vi.waitFor(() => expect(t.store.get().pcsc).toBe("down"));
    t.agent.emit("reader.detached", { reader: "Virtual PCD 00 01" });
    await vi.waitFor(() => expect(t.store.get().readers).toHaveLength(1));
  });

  it("rejects calls while not connected with the code the UI can explain", async () => {
    const t = await setup();
    await expect(t.client.call(readersList, {})).rejects.toMatchObject({ code: "ERR_AGENT_UNAVAILABLE" });
    t.client.start();
    await t.until("unpaired");
    await expect(t.client.call(readersList, {})).rejects.toMatchObject({ code: "ERR_NOT_PAIRED" });
  });

  it("passes the agent's error codes through, as BridgeErrors", async () => {
    const t = await pairedSetup();
    t.agent.handlers["readers.list"] = () => {
      throw new BridgeError("ERR_PCSC_SERVICE_DOWN");
    };
    const e = await t.client.call(readersList, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BridgeError);
    expect((e as BridgeError).code).toBe("ERR_PCSC_SERVICE_DOWN");
  });

  it("refuses a malformed result (ERR_PROTOCOL) rather than trusting it", async () => {
    const t = await pairedSetup();
    t.agent.handlers["readers.list"] = () => ({ pcsc: "sideways", readers: "none" });
    await expect(t.client.call(readersList, {})).rejects.toMatchObject({ code: "ERR_PROTOCOL" });
  });

  it("forgetPairing() deletes the key and leaves the agent `unpaired`", async () => {
    const t = await pairedSetup();
    await t.client.forgetPairing();
    expect(t.pairings.pairing).toBeUndefined();
    await t.until("unpaired");
  });
});
