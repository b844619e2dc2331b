/** The broker's rules, each with a case that fails when the rule is removed; the sources are fakes here. */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { describe, expect, it, vi } from "vitest";
import { OtpBroker, type OtpRequest, sessionUsedStore, type UsedStore } from "./broker";

const PORTAL = "https://trajectoire.sante-ra.fr";
const SENDER = "no_reply.trajectoire@sante-ra.fr";
const NOW = 1_800_000_000_000;

function setSet(): UsedStore & { ids: Set<string> } {
  const ids = new Set<string>();
  return { ids, has: async (i) => ids.has(i), add: async (i) => void ids.add(i) };
}

function broker(agent: { wait?: () => Promise<unknown> } = {}) {
  const used = setSet();
  const cancel = vi.fn(async () => undefined);
  const wait = vi.fn(agent.wait ?? (() => new Promise(() => undefined)));
  const b = new OtpBroker({
    agentWait: wait as never,
    agentCancel: cancel,
    used,
    now: () => NOW,
  });
  return { b, used, cancel, wait };
}

const req = (over: Partial<OtpRequest> = {}): OtpRequest => ({
  tabId: 7,
  origin: PORTAL,
  since: NOW - 5_000,
  timeoutMs: 2_000,
  sources: "any",
  ...over,
});
const mail = (over: Record<string, unknown> = {}) => ({
  code: "542642",
  mailDate: NOW - 1_000,
  sender: SENDER,
  mailId: "m_1",
  auth: "none" as const,
  ...over,
});
const web = (over: Record<string, unknown> = {}) => ({
  code: "542642",
  mailDate: NOW - 1_000,
  sender: SENDER,
  mailId: "w_1",
  webmail: "roundcube",
  ...over,
});
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: BridgeError) => e.code,
  );

describe("OtpBroker", () => {
  it("hands the agent's code to the tab that asked, and marks it used", async () => {
    const { b, used, wait } = broker({ wait: async () => mail() });
    const offer = await b.request(req());
    expect(offer).toMatchObject({ code: "542642", source: "mailbox" });
    expect(wait).toHaveBeenCalledWith({ since: NOW - 5_000, timeoutMs: 2_000, portalOrigin: PORTAL });
    expect(used.ids.has("m_1")).toBe(true);
  });

  it("single use: a mail already filled is never offered again (mailbox or webmail)", async () => {
    const { b, used } = broker({ wait: async () => mail() });
    used.ids.add("m_1");
    expect(await codeOf(b.request(req()))).toBe("OTP_TIMEOUT");
    used.ids.add("w_1");
    expect(await b.offerWebmail(web())).toEqual({ accepted: false, reason: "reused" });
  });

  it("refuses a mail older than 10 minutes and one from before the request", async () => {
    const old = broker({ wait: async () => mail({ mailDate: NOW - 11 * 60_000 }) });
    expect(await codeOf(old.b.request(req({ since: NOW - 12 * 60_000 })))).toBe("OTP_TIMEOUT");
    const before = broker({ wait: async () => mail({ mailDate: NOW - 60_000 }) });
    expect(await codeOf(before.b.request(req({ since: NOW })))).toBe("OTP_TIMEOUT");
  });

  it("refuses a DKIM/SPF-failed mail with OTP_AUTH_FAILED", async () => {
    const { b } = broker({ wait: async () => mail({ auth: "fail" }) });
    expect(await codeOf(b.request(req()))).toBe("OTP_AUTH_FAILED");
  });

  it("webmail: only an allowed sender, exact address (look-alike and display-name tricks refused)", async () => {
    const { b } = broker();
    expect((await b.offerWebmail(web({ sender: "no_reply.trajectoire@sante-ra.fr.evil.example" }))).accepted).toBe(
      false,
    );
    expect((await b.offerWebmail(web({ sender: `"${SENDER}" <x@evil.example>` }))).accepted).toBe(false);
    expect((await b.offerWebmail(web({ mailDate: NOW - 11 * 60_000 }))).accepted).toBe(false);
    expect((await b.offerWebmail(web({ sender: `ViaTrajectoire <${SENDER}>` }))).accepted).toBe(true);
  });

  it("webmail: a code read while a tab waits goes to that tab only, and stops the agent's wait", async () => {
    const { b, cancel } = broker();
    const waiting = b.request(req({ tabId: 3 }));
    await new Promise((r) => setTimeout(r, 0));
    expect(await b.offerWebmail(web())).toEqual({ accepted: true });
    expect(await waiting).toMatchObject({ code: "542642", source: "webmail" });
    expect(cancel).toHaveBeenCalledTimes(1);
    // Another tab asking later does not get the same code again.
    expect(await codeOf(b.request(req({ tabId: 4, timeoutMs: 50 })))).toBe("OTP_TIMEOUT");
  });

  it("webmail: a candidate read before the request serves it, if it passes the request's own since", async () => {
    const { b, wait } = broker();
    await b.offerWebmail(web({ mailDate: NOW - 60_000 }));
    expect(await codeOf(b.request(req({ since: NOW, timeoutMs: 50 })))).toBe("OTP_TIMEOUT");
    const offer = await b.request(req({ since: NOW - 90_000 }));
    expect(offer.source).toBe("webmail");
    expect(wait).toHaveBeenCalledTimes(1); // the first request only
  });

  it("a mailbox failure ends the request with its code; sources 'webmail' then waits for webmail only", async () => {
    const { b, wait } = broker({ wait: async () => Promise.reject(new BridgeError("OTP_IMAP_AUTH", "x")) });
    expect(await codeOf(b.request(req()))).toBe("OTP_IMAP_AUTH");
    const w = b.request(req({ sources: "webmail" }));
    await b.offerWebmail(web());
    expect((await w).source).toBe("webmail");
    expect(wait).toHaveBeenCalledTimes(1);
  });

  it("a new request of the same tab replaces the old one; cancel ends it and the agent's wait", async () => {
    const { b, cancel } = broker();
    const first = codeOf(b.request(req()));
    const second = codeOf(b.request(req()));
    expect(await first).toBe("OTP_CANCELLED");
    expect(b.cancel(7)).toBe(true);
    expect(await second).toBe("OTP_CANCELLED");
    expect(cancel).toHaveBeenCalled();
    expect(b.cancel(7)).toBe(false);
  });

  it("keeps only mailIds in storage.session, never codes", async () => {
    const data: Record<string, unknown> = {};
    const area = {
      get: async (k: string) => ({ [k]: data[k] }),
      set: async (v: Record<string, unknown>) => void Object.assign(data, v),
    };
    const used = sessionUsedStore(area);
    const b = new OtpBroker({
      agentWait: async () => mail(),
      agentCancel: async () => undefined,
      used,
      now: () => NOW,
    });
    await b.request(req());
    expect(data).toEqual({ "otp.usedMailIds": ["m_1"] });
    expect(JSON.stringify(data)).not.toContain("542642");
  });
});
