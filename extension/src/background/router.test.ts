import { BridgeError } from "@cps-bridge/protocol/errors";
import { describe, expect, it, vi } from "vitest";
import { initialState } from "../shared/state";
import { HANDLERS } from "./handlers/index";
import { callerKind, defineHandler, Router } from "./router";
import type { Services } from "./services";
import { StateStore } from "./state/store";

const OWN = { id: "our-id", baseUrl: "chrome-extension://our-id/" };
const page = { id: "our-id", url: "chrome-extension://our-id/pair.html" };
const contentScript = {
  id: "our-id",
  url: "https://viatrajectoire.fr/Login.aspx",
  frameId: 0,
  tab: { id: 7, url: "https://viatrajectoire.fr/Login.aspx" },
};

function services(over: Partial<Services> = {}): Services {
  return {
    store: new StateStore(initialState(17777, "fr")),
    client: {
      pair: vi.fn(async () => {}),
      forgetPairing: vi.fn(async () => {}),
      reconnectNow: vi.fn(),
      call: vi.fn(),
      supports: vi.fn(() => true),
      onEvent: vi.fn(() => () => {}),
      lastAgentProtocol: undefined,
      hello: undefined,
    },
    pins: {
      requestPinAndSign: vi.fn(async () => ({ ok: false as const, code: "ERR_NO_CARD" as const })),
      info: vi.fn(() => undefined),
      submit: vi.fn(async () => ({ status: "expired" as const })),
      cancel: vi.fn(),
    },
    otp: { request: vi.fn(), cancel: vi.fn(() => false), offerWebmail: vi.fn() },
    settings: () => ({ agentPort: 17777, portalOrigins: [], developerOrigins: [], language: "auto" }),
    pairingLabel: () => "Chrome — test",
    ...over,
  };
}

describe("callerKind", () => {
  it("recognises our pages, our content scripts, and refuses everyone else", () => {
    expect(callerKind(page, OWN.id, OWN.baseUrl)).toBe("extension-page");
    expect(callerKind(contentScript, OWN.id, OWN.baseUrl)).toBe("content-script");
    expect(callerKind({ ...page, id: "other-extension" }, OWN.id, OWN.baseUrl)).toBeUndefined();
    expect(callerKind({ id: "our-id", url: "chrome-extension://other/x.html" }, OWN.id, OWN.baseUrl)).toBeUndefined();
    expect(callerKind({ id: "our-id", url: "file:///x", tab: { id: 1 } }, OWN.id, OWN.baseUrl)).toBeUndefined();
  });
});

describe("Router", () => {
  it("has exactly one handler per message type of shared/messages.ts", () => {
    const r = new Router(HANDLERS, services(), OWN);
    expect(r.types.sort()).toEqual(
      [
        "agent.reconnect",
        "diagnostics.fix",
        "diagnostics.run",
        "login.requestToken",
        "mailbox.configure",
        "mailbox.status",
        "mailbox.test",
        "otp.cancel",
        "otp.request",
        "otp.webmail-code",
        "pairing.forget",
        "pairing.submit",
        "pin.cancel",
        "pin.info",
        "pin.submit",
        "ui.open",
      ].sort(),
    );
    expect(() => new Router([...HANDLERS, HANDLERS[0]!], services(), OWN)).toThrow(/Two handlers/);
  });

  it("diagnostics.run and diagnostics.fix are for extension pages only, not content scripts", async () => {
    const r = new Router(HANDLERS, services(), OWN);
    for (const type of ["diagnostics.run", "diagnostics.fix"])
      expect(await r.dispatch({ type, runId: "x", fixId: "middleware.register" }, contentScript)).toMatchObject({
        ok: false,
        code: "ERR_ORIGIN_NOT_ALLOWED",
      });
  });

  it("leaves messages that are not ours unanswered", () => {
    const r = new Router(HANDLERS, services(), OWN);
    expect(r.accepts({ type: "something.else" })).toBe(false);
    expect(r.dispatch({ type: "something.else" }, page)).toBeUndefined();
    expect(r.dispatch("hello", page)).toBeUndefined();
    expect(r.dispatch(null, page)).toBeUndefined();
  });

  it("refuses a PIN from a content script, and a login request from an extension page", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    await expect(r.dispatch({ type: "pin.submit", requestId: "x", pin: "1234" }, contentScript)).resolves.toEqual({
      ok: false,
      code: "ERR_ORIGIN_NOT_ALLOWED",
    });
    expect(s.pins.submit).not.toHaveBeenCalled();
    await expect(r.dispatch({ type: "login.requestToken", challengeNonce: "n" }, page)).resolves.toMatchObject({
      code: "ERR_ORIGIN_NOT_ALLOWED",
    });
  });

  it("turns a BridgeError thrown by a handler into its code, anything else into ERR_INTERNAL", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const boom = defineHandler({
      type: "agent.reconnect",
      from: ["extension-page"],
      async handle() {
        throw new BridgeError("ERR_TIMEOUT");
      },
    });
    const worse = defineHandler({
      type: "pairing.forget",
      from: ["extension-page"],
      async handle() {
        throw new TypeError("bug");
      },
    });
    const r = new Router([boom, worse], services(), OWN);
    await expect(r.dispatch({ type: "agent.reconnect" }, page)).resolves.toEqual({ ok: false, code: "ERR_TIMEOUT" });
    await expect(r.dispatch({ type: "pairing.forget" }, page)).resolves.toEqual({ ok: false, code: "ERR_INTERNAL" });
    warn.mockRestore();
  });
});

describe("handlers", () => {
  it("pairing.submit checks the code's shape before spending one of the agent's attempts", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    await expect(r.dispatch({ type: "pairing.submit", code: "12a456" }, page)).resolves.toMatchObject({
      ok: false,
      code: "ERR_PAIRING_CODE_WRONG",
      details: { reason: "format" },
    });
    expect(s.client.pair).not.toHaveBeenCalled();
    await expect(r.dispatch({ type: "pairing.submit", code: "123 456" }, page)).resolves.toEqual({ ok: true });
    expect(s.client.pair).toHaveBeenCalledWith("123456", "Chrome — test");
  });

  it("pairing.submit answers the agent's refusal code", async () => {
    const s = services();
    (s.client.pair as ReturnType<typeof vi.fn>).mockRejectedValue(new BridgeError("ERR_PAIRING_LOCKED"));
    const r = new Router(HANDLERS, s, OWN);
    await expect(r.dispatch({ type: "pairing.submit", code: "123456" }, page)).resolves.toEqual({
      ok: false,
      code: "ERR_PAIRING_LOCKED",
    });
  });

  it("login.requestToken takes the origin from the sender's tab, never from the message", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    await r.dispatch(
      { type: "login.requestToken", challengeNonce: "N".repeat(44), origin: "https://evil.example" },
      contentScript,
    );
    expect(s.pins.requestPinAndSign).toHaveBeenCalledWith({
      origin: "https://viatrajectoire.fr",
      challengeNonce: "N".repeat(44),
      tabId: 7,
    });
  });

  it("login.requestToken refuses a sub-frame", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    const framed = { ...contentScript, frameId: 3, url: "https://viatrajectoire.fr/frame" };
    await expect(
      r.dispatch({ type: "login.requestToken", challengeNonce: "N".repeat(44) }, framed),
    ).resolves.toMatchObject({
      ok: false,
      code: "ERR_INVALID_ORIGIN",
    });
    expect(s.pins.requestPinAndSign).not.toHaveBeenCalled();
  });

  it("pin.info answers ERR_USER_TIMEOUT for an unknown request (the window then says it expired)", async () => {
    const r = new Router(HANDLERS, services(), OWN);
    await expect(r.dispatch({ type: "pin.info", requestId: "nope" }, page)).resolves.toMatchObject({
      ok: false,
      code: "ERR_USER_TIMEOUT",
    });
  });

  it("agent.reconnect asks the client to connect now", async () => {
    const s = services();
    await new Router(HANDLERS, s, OWN).dispatch({ type: "agent.reconnect" }, page);
    expect(s.client.reconnectNow).toHaveBeenCalled();
  });
});
