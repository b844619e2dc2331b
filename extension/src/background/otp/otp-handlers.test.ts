/** The OTP and mailbox messages through the real router: who may send them, and the origin taken from the sender. */
import { describe, expect, it, vi } from "vitest";
import { initialState } from "../../shared/state";
import { HANDLERS } from "../handlers/index";
import { Router } from "../router";
import type { Services } from "../services";
import { StateStore } from "../state/store";

const OWN = { id: "our-id", baseUrl: "chrome-extension://our-id/" };
const page = { id: "our-id", url: "chrome-extension://our-id/options.html" };
const portalTab = {
  id: "our-id",
  url: "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/LoginOTP.aspx",
  frameId: 0,
  tab: { id: 9, url: "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/LoginOTP.aspx" },
};
const offer = {
  code: "542642",
  mailDate: 1,
  sender: "no_reply.trajectoire@sante-ra.fr",
  mailId: "m",
  auth: "none",
  source: "mailbox",
};

function services(): Services {
  return {
    store: new StateStore(initialState(17777, "fr")),
    client: {
      pair: vi.fn(async () => {}),
      forgetPairing: vi.fn(async () => {}),
      reconnectNow: vi.fn(),
      call: vi.fn(async () => ({ saved: true, credentialStore: "keyring", ok: true, latencyMs: 5, mailboxes: 2 })),
      supports: vi.fn(() => true),
      onEvent: vi.fn(() => () => {}),
      lastAgentProtocol: undefined,
      hello: undefined,
    },
    pins: { requestPinAndSign: vi.fn(), info: vi.fn(), submit: vi.fn(), cancel: vi.fn() } as never,
    otp: {
      request: vi.fn(async () => offer),
      cancel: vi.fn(() => true),
      offerWebmail: vi.fn(async () => ({ accepted: true })),
    } as never,
    settings: () => ({
      agentPort: 17777,
      portalOrigins: ["https://trajectoire.sante-ra.fr"],
      developerOrigins: [],
      language: "auto",
    }),
    pairingLabel: () => "t",
  };
}

describe("otp.* and mailbox.* messages", () => {
  it("otp.request: the tab's own portal origin, bounded since/timeout; the code to that tab only", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    const now = Date.now();
    const a = await r.dispatch(
      { type: "otp.request", since: now - 3_600_000, timeoutMs: 99_999_999, origin: "x" },
      portalTab,
    );
    expect(a).toEqual({
      ok: true,
      code: "542642",
      mailDate: 1,
      sender: offer.sender,
      source: "mailbox",
      autoSubmit: false,
    });
    const arg = (s.otp.request as ReturnType<typeof vi.fn>).mock.calls[0]?.[0];
    expect(arg).toMatchObject({
      tabId: 9,
      origin: "https://trajectoire.sante-ra.fr",
      timeoutMs: 600_000,
      sources: "any",
    });
    expect(arg.since).toBeGreaterThanOrEqual(now - 600_000);
  });

  it("otp.request: refused from a non-portal origin, a sub-frame, or an extension page", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    const other = { ...portalTab, url: "https://evil.example/x", tab: { id: 9, url: "https://evil.example/x" } };
    expect(await r.dispatch({ type: "otp.request", since: 0, timeoutMs: 1000 }, other)).toMatchObject({
      code: "ERR_ORIGIN_NOT_ALLOWED",
    });
    expect(
      await r.dispatch({ type: "otp.request", since: 0, timeoutMs: 1000 }, { ...portalTab, frameId: 2 }),
    ).toMatchObject({
      code: "ERR_INVALID_ORIGIN",
    });
    expect(await r.dispatch({ type: "otp.request", since: 0, timeoutMs: 1000 }, page)).toMatchObject({
      code: "ERR_ORIGIN_NOT_ALLOWED",
    });
    expect(s.otp.request).not.toHaveBeenCalled();
  });

  it("otp.webmail-code: shape checked, id scoped by webmail", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    const webmailTab = {
      id: "our-id",
      url: "https://webmail.example/",
      frameId: 0,
      tab: { id: 3, url: "https://webmail.example/" },
    };
    const good = {
      type: "otp.webmail-code",
      code: "123456",
      mailDate: 5,
      sender: "a@b.c",
      mailId: "42",
      webmail: "roundcube",
    };
    expect(await r.dispatch(good, webmailTab)).toEqual({ ok: true, accepted: true });
    expect(s.otp.offerWebmail).toHaveBeenCalledWith({
      code: "123456",
      mailDate: 5,
      sender: "a@b.c",
      mailId: "w_roundcube_42",
      webmail: "roundcube",
    });
    expect(await r.dispatch({ ...good, code: "12345" }, webmailTab)).toMatchObject({ code: "ERR_INVALID_PARAMS" });
  });

  it("mailbox.*: only from extension pages; the password goes to the agent and is not answered", async () => {
    const s = services();
    const r = new Router(HANDLERS, s, OWN);
    const cfg = {
      type: "mailbox.configure",
      host: "imap.orange.fr",
      port: 993,
      security: "tls",
      user: "dr@orange.fr",
      password: "secret-pw",
    };
    expect(await r.dispatch(cfg, portalTab)).toMatchObject({ code: "ERR_ORIGIN_NOT_ALLOWED" });
    const a = await r.dispatch(cfg, page);
    expect(a).toEqual({ ok: true, credentialStore: "keyring" });
    expect(JSON.stringify(a)).not.toContain("secret-pw");
    expect((s.client.call as ReturnType<typeof vi.fn>).mock.calls[0]?.[1]).toMatchObject({ password: "secret-pw" });
    expect(await r.dispatch({ type: "mailbox.test" }, page)).toEqual({ ok: true, latencyMs: 5, mailboxes: 2 });
  });
});
