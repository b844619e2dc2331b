import { BridgeError } from "@cps-bridge/protocol/errors";
import type { ReaderStatus } from "@cps-bridge/protocol/model";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { DEFAULT_SETTINGS } from "../../shared/settings";
import { initialState } from "../../shared/state";
import { cps3Reader } from "../../test-support/fake-agent";
import { StateStore } from "../state/store";
import { PinRequests } from "./pin-requests";

const NONCE = `${"q".repeat(43)}=`;
const ORIGIN = "https://viatrajectoire.fr";
const TOKEN = {
  unverifiedCertificate: "AAAA",
  algorithm: "RS256",
  signature: "BBBB",
  format: "cps-bridge:1.0",
  appVersion: "urn:cps-bridge:agent:1.0.0",
};

type CallLog = Array<{ method: string; params: Record<string, unknown> }>;

function setup({ reader = cps3Reader(), status = "connected" as const } = {}) {
  const store = new StateStore(initialState(17777, "fr"), fakeBrowser.storage.session);
  if (status === "connected") {
    store.setAgent({ status: "connected" });
    store.setPcsc("up");
    store.setReaders([reader]);
  }
  const calls: CallLog = [];
  const behaviour: Record<string, (p: Record<string, unknown>) => unknown> = {
    "card.status": () => store.get().readers[0],
    "pin.verify": (p) => {
      if (p.pin !== "1234") throw new BridgeError("ERR_PIN_INCORRECT", undefined, { triesLeft: 2 });
      return { triesLeft: 3, maxTries: 3, blocked: false, verified: true };
    },
    "login.sign": () => TOKEN,
  };
  const client = {
    call: vi.fn(async (method: { name: string }, params: Record<string, unknown>) => {
      calls.push({ method: method.name, params: { ...params } });
      const b = behaviour[method.name];
      if (!b) throw new BridgeError("ERR_UNKNOWN_METHOD");
      return b(params);
    }),
  };
  const pins = new PinRequests({
    client: client as never,
    store,
    windows: fakeBrowser.windows as never,
    settings: () => ({ ...DEFAULT_SETTINGS, developerOrigins: ["http://localhost:8443"] }),
    pinPageUrl: "chrome-extension://test-extension-id/pin.html",
    timeoutMs: 500,
    newId: () => "req-1",
  });
  live.push(pins);
  return { store, calls, behaviour, client, pins };
}

const live: PinRequests[] = [];
afterEach(() => {
  for (const p of live.splice(0)) p.dispose();
  vi.restoreAllMocks();
});

/** Starts a request and waits until its window exists; returns the pending outcome promise. */
async function open(t: ReturnType<typeof setup>, origin = ORIGIN) {
  const created = vi.spyOn(fakeBrowser.windows, "create");
  const outcome = t.pins.requestPinAndSign({ origin, challengeNonce: NONCE });
  await vi.waitFor(() => expect(created).toHaveBeenCalled());
  return { outcome, created };
}

beforeEach(() => fakeBrowser.reset());

describe("requestPinAndSign: checks before any window opens", () => {
  it.each([
    ["an origin not in the portal list", "https://evil.example", NONCE, "ERR_INVALID_ORIGIN"],
    ["an http origin that is not loopback", "http://viatrajectoire.fr", NONCE, "ERR_INVALID_ORIGIN"],
    ["a URL instead of an origin", "https://viatrajectoire.fr/Login.aspx", NONCE, "ERR_INVALID_ORIGIN"],
    ["a short nonce", ORIGIN, "abc", "ERR_INVALID_NONCE"],
  ])("refuses %s", async (_n, origin, nonce, code) => {
    const t = setup();
    const create = vi.spyOn(fakeBrowser.windows, "create");
    await expect(t.pins.requestPinAndSign({ origin, challengeNonce: nonce })).resolves.toMatchObject({
      ok: false,
      code,
    });
    expect(create).not.toHaveBeenCalled();
  });

  it.each<[string, ReaderStatus, string]>([
    ["no card", { name: "R", state: "empty" }, "ERR_NO_CARD"],
    ["a Vitale card", { name: "R", state: "present", cardType: "vitale2" }, "ERR_NOT_A_CPS"],
    [
      "a blocked card",
      cps3Reader({ pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false } }),
      "ERR_PIN_BLOCKED",
    ],
    [
      "an expired certificate",
      cps3Reader({ certificate: { ...cps3Reader().certificate!, validity: "expired" } }),
      "ERR_CERT_EXPIRED",
    ],
  ])("answers the code of %s without asking for a PIN", async (_n, reader, code) => {
    const t = setup({ reader });
    const create = vi.spyOn(fakeBrowser.windows, "create");
    await expect(t.pins.requestPinAndSign({ origin: ORIGIN, challengeNonce: NONCE })).resolves.toMatchObject({
      ok: false,
      code,
    });
    expect(create).not.toHaveBeenCalled();
  });

  it("answers ERR_AGENT_UNAVAILABLE when the agent is not connected", async () => {
    const t = setup({ status: "unavailable" as never });
    t.store.setAgent({ status: "unavailable", errorCode: "ERR_AGENT_UNAVAILABLE" });
    await expect(t.pins.requestPinAndSign({ origin: ORIGIN, challengeNonce: NONCE })).resolves.toMatchObject({
      code: "ERR_AGENT_UNAVAILABLE",
    });
  });

  it("re-reads the card before asking: a card blocked meanwhile by another program is caught", async () => {
    const t = setup();
    t.behaviour["card.status"] = () =>
      cps3Reader({ pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false } });
    await expect(t.pins.requestPinAndSign({ origin: ORIGIN, challengeNonce: NONCE })).resolves.toMatchObject({
      code: "ERR_PIN_BLOCKED",
    });
  });
});

describe("requestPinAndSign: the PIN window", () => {
  it("opens pin.html in an extension popup window, shows origin, holder and tries, and signs after the right PIN", async () => {
    const t = setup();
    const { outcome, created } = await open(t);
    expect(created.mock.calls[0]![0]).toMatchObject({
      url: "chrome-extension://test-extension-id/pin.html?request=req-1",
      type: "popup",
      focused: true,
    });
    const info = t.pins.info("req-1")!;
    expect(info.origin).toBe(ORIGIN);
    expect(info.holder?.surname).toBe("MARTIN");
    expect(info.pin?.triesLeft).toBe(3);
    const message = { pin: "1234" };
    await expect(t.pins.submit("req-1", message)).resolves.toEqual({ status: "signed" });
    expect(message.pin).toBe("");
    await expect(outcome).resolves.toEqual({ ok: true, token: TOKEN });
    expect(t.calls.map((c) => c.method)).toEqual(["card.status", "pin.verify", "login.sign"]);
    expect(t.calls[1]!.params).toMatchObject({ pin: "1234", reader: "Virtual PCD 00 00" });
    expect(t.calls[2]!.params).toEqual({ origin: ORIGIN, challengeNonce: NONCE, reader: "Virtual PCD 00 00" });
    // The window learns the outcome, never the token.
    expect(t.pins.info("req-1")?.outcome).toEqual({ ok: true });
  });

  it("accepts the mock portal's loopback origin when it is a developer origin", async () => {
    const t = setup();
    const { outcome } = await open(t, "http://localhost:8443");
    await t.pins.submit("req-1", { pin: "1234" });
    await expect(outcome).resolves.toMatchObject({ ok: true });
    expect(t.calls.at(-1)!.params.origin).toBe("http://localhost:8443");
  });

  it("a wrong PIN shows the tries left and lets the doctor try again", async () => {
    const t = setup();
    const { outcome } = await open(t);
    await expect(t.pins.submit("req-1", { pin: "9999" })).resolves.toEqual({
      status: "wrong",
      triesLeft: 2,
      maxTries: 3,
    });
    expect(t.pins.info("req-1")?.pin?.triesLeft).toBe(2);
    // The store follows at once: the popup and the badge show 2 tries left.
    expect(t.store.get().readers[0]?.pin?.triesLeft).toBe(2);
    await expect(t.pins.submit("req-1", { pin: "1234" })).resolves.toEqual({ status: "signed" });
    await expect(outcome).resolves.toMatchObject({ ok: true });
  });

  it("on the last try the agent's refusal becomes a confirmation request, and the confirmation is passed on", async () => {
    const t = setup({ reader: cps3Reader({ pin: { triesLeft: 1, maxTries: 3, blocked: false, verified: false } }) });
    t.behaviour["pin.verify"] = (p) => {
      if (!p.confirmLastTry) throw new BridgeError("ERR_PIN_LAST_TRY");
      return { triesLeft: 3, maxTries: 3, blocked: false, verified: true };
    };
    const { outcome } = await open(t);
    await expect(t.pins.submit("req-1", { pin: "1234" })).resolves.toEqual({ status: "confirm-last-try" });
    await expect(t.pins.submit("req-1", { pin: "1234", confirmLastTry: true })).resolves.toEqual({ status: "signed" });
    expect(t.calls.filter((c) => c.method === "pin.verify")[1]!.params.confirmLastTry).toBe(true);
    await expect(outcome).resolves.toMatchObject({ ok: true });
  });

  it("a card blocked by this PIN ends the request with ERR_PIN_BLOCKED and keeps the window for the explanation", async () => {
    const t = setup();
    t.behaviour["pin.verify"] = () => {
      throw new BridgeError("ERR_PIN_BLOCKED");
    };
    const remove = vi.spyOn(fakeBrowser.windows, "remove");
    const { outcome } = await open(t);
    await expect(t.pins.submit("req-1", { pin: "0000" })).resolves.toEqual({ status: "blocked" });
    await expect(outcome).resolves.toEqual({ ok: false, code: "ERR_PIN_BLOCKED" });
    expect(remove).not.toHaveBeenCalled();
    expect(t.pins.info("req-1")?.outcome).toEqual({ ok: false, code: "ERR_PIN_BLOCKED" });
    expect(t.calls.map((c) => c.method)).not.toContain("login.sign");
  });

  it("refuses a malformed PIN without sending anything to the agent", async () => {
    const t = setup();
    await open(t);
    await expect(t.pins.submit("req-1", { pin: "12a4" })).resolves.toEqual({
      status: "error",
      code: "ERR_PIN_FORMAT",
      final: false,
    });
    expect(t.calls.map((c) => c.method)).toEqual(["card.status"]);
  });

  it("closing the window cancels (ERR_USER_CANCELLED)", async () => {
    const t = setup();
    const { outcome } = await open(t);
    const windowId = (await fakeBrowser.windows.getAll()).at(-1)!.id!;
    await vi.waitFor(() => expect(t.pins.info("req-1")).toBeDefined());
    await new Promise((r) => setTimeout(r, 0));
    t.pins.windowRemoved(windowId);
    await expect(outcome).resolves.toEqual({ ok: false, code: "ERR_USER_CANCELLED" });
    await expect(t.pins.submit("req-1", { pin: "1234" })).resolves.toEqual({ status: "expired" });
  });

  it("a PIN not typed in time ends with ERR_USER_TIMEOUT and closes the window", async () => {
    const t = setup();
    const remove = vi.spyOn(fakeBrowser.windows, "remove");
    const { outcome } = await open(t);
    await expect(outcome).resolves.toEqual({ ok: false, code: "ERR_USER_TIMEOUT" });
    expect(remove).toHaveBeenCalled();
  });

  it("one PIN window at a time: a second request gets ERR_ACTION_PENDING", async () => {
    const t = setup();
    await open(t);
    await expect(t.pins.requestPinAndSign({ origin: ORIGIN, challengeNonce: NONCE })).resolves.toEqual({
      ok: false,
      code: "ERR_ACTION_PENDING",
    });
  });

  it("the PIN is never written to the state or to storage", async () => {
    const t = setup();
    t.behaviour["pin.verify"] = (p) => {
      if (p.pin !== "2468") throw new BridgeError("ERR_PIN_INCORRECT", undefined, { triesLeft: 2 });
      return { triesLeft: 3, maxTries: 3, blocked: false, verified: true };
    };
    const { outcome } = await open(t);
    await t.pins.submit("req-1", { pin: "7531" });
    await t.pins.submit("req-1", { pin: "2468" });
    await outcome;
    await new Promise((r) => setTimeout(r, 0));
    const everything = JSON.stringify([
      t.store.get(),
      await fakeBrowser.storage.session.get(),
      await fakeBrowser.storage.local.get(),
      t.pins.info("req-1"),
    ]);
    expect(everything).not.toContain("7531");
    expect(everything).not.toContain("2468");
  });
});
