/**
 * The per-user port (docs/protocol.md §13): several users' agents on the ports of AGENT_PORT_RANGE, the extension
 * finding its own by the key it pinned, and pairing reaching only the agent whose port index the code carries.
 * Fake agents on a fake loopback (test-support/fake-agent.ts); the real two-user run is
 * agent/src/bridge/multi-user.itest.ts.
 */
import { AGENT_PORT_RANGE } from "@cps-bridge/protocol/extension-ids";
import { describe, expect, it, vi } from "vitest";
import { initialState } from "../../shared/state";
import { cps3Reader, FakeAgent, FakeLoopback, TEST_ORIGIN } from "../../test-support/fake-agent";
import { ManualTimers } from "../../test-support/manual-timers";
import { StateStore } from "../state/store";
import { AgentClient, agentKeyIdOf, FULL_SCAN_INTERVAL_MS } from "./agent-client";
import { Backoff } from "./backoff";
import { MemoryPairingStore } from "./pairing-store";

const [P0, P1, P2, P3] = AGENT_PORT_RANGE as [number, number, number, number];

async function agent(): Promise<FakeAgent> {
  const a = await new FakeAgent().init();
  a.announceKeyId = true;
  a.readers = [cps3Reader()];
  return a;
}

function client(net: FakeLoopback, pairings = new MemoryPairingStore()) {
  const timers = new ManualTimers();
  const clock = { ms: Date.now() };
  const store = new StateStore(initialState(P0, "fr"));
  const c = new AgentClient({
    store,
    pairings,
    createSocket: net.factory,
    port: () => P0,
    fallbackPorts: AGENT_PORT_RANGE,
    ownOrigin: TEST_ORIGIN,
    clientVersion: "0.1.0",
    language: () => "fr",
    timers,
    backoff: new Backoff({ jitter: 0 }),
    now: () => clock.ms,
  });
  const until = (s: string) =>
    vi.waitFor(() => expect(store.get().agent.status).toBe(s), { timeout: 3000, interval: 5 });
  return { client: c, store, timers, pairings, until, clock };
}

/** User A's extension paired with agent `a` on `port` (7-digit code: port index + code). */
async function pairedWith(net: FakeLoopback, a: FakeAgent, port: number) {
  const t = client(net);
  t.client.start();
  await t.until("unpaired");
  a.pairingCode = "123456";
  await t.client.pair(`${AGENT_PORT_RANGE.indexOf(port)}123456`, "Chrome — A");
  return t;
}

const methods = (a: FakeAgent, from = 0) => a.sent.slice(from).map((s) => JSON.parse(s).method as string);

describe("finding this extension's agent among the users' agents", () => {
  it("after its agent moved (another user's agent took the old port) the scan finds it and remembers the port", async () => {
    const net = new FakeLoopback();
    const a = await agent();
    const b = await agent();
    net.place(P0, a);
    const t = await pairedWith(net, a, P0);
    expect(t.store.get().agent).toMatchObject({ status: "connected", port: P0 });

    // A's agent restarts while B's holds 17777: A's takes the next free port.
    net.vacate(P0);
    net.place(P0, b);
    net.place(P2, a);
    const bSentBefore = b.sent.length;
    await t.until("unavailable");
    t.timers.advance(t.timers.pending()[0]!);
    await t.until("connected");
    expect(t.store.get().agent.port).toBe(P2);
    expect(t.pairings.pairing?.port).toBe(P2);
    await vi.waitFor(() => expect(t.store.get().readersKnown).toBe(true));
    // B's agent named another key in hello: it got nothing but hello from A's extension.
    expect(methods(b, bSentBefore)).toEqual(["hello"]);

    // Next time (connection lost, worker woken) it goes straight to the port where it found its agent.
    const dialedBefore = net.dialed.length;
    a.closeAll();
    await t.until("unavailable");
    t.timers.advance(t.timers.pending()[0]!);
    await t.until("connected");
    expect(net.dialed.slice(dialedBefore)).toEqual([P2]);
  });

  it("never proves itself to an agent whose proof fails, and keeps looking", async () => {
    const net = new FakeLoopback();
    const a = await agent();
    net.place(P1, a);
    const t = await pairedWith(net, a, P1);
    t.client.stop();
    // Something on the pairing's port that knows our client id (it claims our key) but cannot prove it.
    const impostor = await agent();
    impostor.announceKeyId = false;
    impostor.impostor = true;
    impostor.pairings.set(
      t.pairings.pairing!.clientId,
      (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])).publicKey,
    );
    net.place(P1, impostor);
    net.place(P3, a);
    const t2 = client(net, t.pairings);
    t2.client.start();
    await t2.until("connected");
    expect(t2.store.get().agent.port).toBe(P3);
    expect(methods(impostor)).toContain("auth.challenge");
    expect(methods(impostor)).not.toContain("auth.prove");
  });

  it("with only other users' agents answering: `unavailable` (ours is not running), pairing kept, found when it starts", async () => {
    const net = new FakeLoopback();
    const a = await agent();
    const b = await agent();
    net.place(P0, a);
    const t = await pairedWith(net, a, P0);
    net.vacate(P0);
    net.place(P0, b);
    await t.until("unavailable");
    t.timers.advance(t.timers.pending()[0]!);
    await vi.waitFor(() => expect(net.dialed.filter((p) => p === P3).length).toBeGreaterThan(0));
    await t.until("unavailable");
    expect(t.store.get().agent.errorCode).toBe("ERR_AGENT_UNAVAILABLE");
    expect(t.pairings.pairing).toBeDefined();
    expect(t.store.get().paired).toBe(true);
    // An ordinary retry (not the 30 s of a refusal): our agent may start any moment.
    await vi.waitFor(() => expect(t.timers.pending()).toHaveLength(1));
    expect(t.timers.pending()[0]).toBeLessThan(30_000);
    net.place(P1, a);
    // Automatic retries try the known ports only, the whole range every 30 s (Chromium throttles refused sockets).
    const dialed = net.dialed.length;
    t.timers.advance(t.timers.pending()[0]!);
    await t.until("unavailable");
    expect(new Set(net.dialed.slice(dialed))).toEqual(new Set([P0]));
    t.clock.ms += FULL_SCAN_INTERVAL_MS;
    await vi.waitFor(() => expect(t.timers.pending()).toHaveLength(1));
    t.timers.advance(t.timers.pending()[0]!);
    await t.until("connected");
    expect(t.store.get().agent.port).toBe(P1);
  });

  it("computes hello's agentKeyId like the agent (SHA-256 of the SPKI, 16 hex digits)", async () => {
    const a = await agent();
    const net = new FakeLoopback();
    net.place(P0, a);
    const t = await pairedWith(net, a, P0);
    expect(await agentKeyIdOf(t.pairings.pairing!.agentPublicKey)).toBe(await a.keyId());
  });
});

describe("pairing reaches the agent of the code's port index only", () => {
  it("sends the code to the port of its first digit, never to the other user's agent with a window open", async () => {
    const net = new FakeLoopback();
    const a = await agent();
    const b = await agent();
    net.place(P0, b);
    net.place(P2, a);
    b.pairingCode = "654321"; // user B is pairing at the same moment
    a.pairingCode = "123456";
    const t = client(net);
    t.client.start();
    await t.until("unpaired");
    await t.client.pair("2 123 456", "Chrome — A");
    await t.until("connected");
    expect(t.store.get().agent.port).toBe(P2);
    expect(methods(b)).not.toContain("pair.complete");
    expect(methods(b)).not.toContain("auth.challenge");
    expect(b.pairingCode).toBe("654321"); // B's window untouched: no wrong code counted against it
    expect(a.pairings.size).toBe(1);
  });

  it("refuses 6 digits while the configured port is in the range (a digit was left out), sending nothing", async () => {
    const net = new FakeLoopback();
    const b = await agent();
    net.place(P0, b);
    b.pairingCode = "123456";
    const t = client(net);
    t.client.start();
    await t.until("unpaired");
    const before = b.sent.length;
    await expect(t.client.pair("123456", "x")).rejects.toMatchObject({
      code: "ERR_PAIRING_CODE_WRONG",
      details: { reason: "format" },
    });
    expect(b.sent.length).toBe(before);
  });

  it("does not send the code to an agent whose pairing window is closed", async () => {
    const net = new FakeLoopback();
    const b = await agent();
    net.place(P1, b);
    const t = client(net);
    t.client.start();
    await t.until("unpaired");
    await expect(t.client.pair("1123456", "x")).rejects.toMatchObject({ code: "ERR_PAIRING_WINDOW_CLOSED" });
    expect(methods(b)).not.toContain("pair.complete");
  });

  it("says `unavailable` when no port of the range answers at all", async () => {
    const net = new FakeLoopback();
    const t = client(net);
    t.client.start();
    await t.until("unavailable");
    expect(new Set(net.dialed)).toEqual(new Set(AGENT_PORT_RANGE));
  });
});
