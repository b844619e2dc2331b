/**
 * The OTP methods over the wire: the real agent process (`cps-bridge start --test-mode --mail-ca …`), a paired and
 * authenticated client, a real dovecot and the mock portal's password login. What the extension's background sees.
 */
import { readFileSync } from "node:fs";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import { DEFAULT_MAIL_USER, type Dovecot, hasDovecot, startDovecot } from "@cps-bridge/scripts/mail/dovecot";
import { otpVariantMail } from "@cps-bridge/scripts/mock-portal/mail/otp-variants";
import { buildMail } from "@cps-bridge/scripts/mock-portal/mail/rfc5322";
import { createMockPortal, type MockPortal } from "@cps-bridge/scripts/mock-portal/portal";
import { hiddenFields, TestBrowser } from "@cps-bridge/scripts/mock-portal/testing/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedAgent, spawnAgent } from "../bridge/spawn-agent";
import { BridgeTestClient } from "../bridge/test-client";

const USER = DEFAULT_MAIL_USER.user;

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "resolved",
    (e: unknown) => (isBridgeError(e) ? e.code : String(e)),
  );
}

describe.skipIf(!hasDovecot())("otp.* over the bridge (real agent, real dovecot)", () => {
  let d: Dovecot;
  let agent: SpawnedAgent;
  let client: BridgeTestClient;
  let portal: MockPortal;

  beforeAll(async () => {
    d = await startDovecot();
    portal = createMockPortal({ mailboxDir: d.maildirOf(USER) });
    await portal.start();
    agent = await spawnAgent({ args: ["--test-mode", "--mail-ca", d.caPath] });
    client = await BridgeTestClient.connect(agent.port);
    await client.hello();
    const id = await client.pair(await agent.openPairing(), "otp itest");
    await client.authenticate(id, agent.port);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await agent?.close();
    await portal?.stop();
    await d?.dispose();
  });

  it("announces the 1.2 methods in hello's capabilities", async () => {
    const c = await BridgeTestClient.connect(agent.port);
    try {
      const h = await c.hello();
      for (const m of ["mailbox.configure", "mailbox.test", "mailbox.status", "otp.wait", "otp.cancel", "otp.refused"])
        expect(h.capabilities).toContain(m);
    } finally {
      await c.close();
    }
  });

  it("configures without ever answering the password, then tests and reports status", async () => {
    expect(await client.request("mailbox.status", {})).toEqual({ configured: false, connected: false });
    const saved = await client.request("mailbox.configure", {
      host: "127.0.0.1",
      port: d.imapsPort,
      security: "tls",
      user: USER,
      password: DEFAULT_MAIL_USER.pass,
    });
    expect(saved).toEqual({ saved: true, credentialStore: "file" });
    expect(JSON.stringify(saved)).not.toContain(DEFAULT_MAIL_USER.pass);
    const tested = await client.request("mailbox.test", {});
    expect(tested.ok).toBe(true);
    expect(await codeOf(client.request("mailbox.test", { password: "nope-nope" }))).toBe("OTP_IMAP_AUTH");
    const st = await client.request("mailbox.status", {});
    expect(st).toMatchObject({ configured: true, host: "127.0.0.1", user: USER, lastErrorCode: "OTP_IMAP_AUTH" });
    expect(JSON.stringify(st)).not.toContain(DEFAULT_MAIL_USER.pass);
  }, 30_000);

  it("refuses a portalOrigin that is not a portal (an extension bug or a page trying)", async () => {
    expect(
      await codeOf(
        client.request("otp.wait", { since: Date.now(), timeoutMs: 2_000, portalOrigin: "https://evil.example" }),
      ),
    ).toBe("ERR_INVALID_PARAMS");
  });

  it("answers the code of the portal's mail after the password step, and nothing of the mail", async () => {
    const since = Date.now();
    const b = new TestBrowser(portal.url);
    const login = await b.get(portal.urls.login.slice(portal.url.length));
    await b.post(login.url.slice(portal.url.length), {
      ...hiddenFields(login.text),
      UserName: "899700218896",
      Password: "Motdepasse-Test-2025",
      LoginButton: "Se connecter",
    });
    const r = await client.request("otp.wait", { since, timeoutMs: 10_000, portalOrigin: portal.url });
    expect(r.code).toBe(portal.admin.lastOtp()?.code);
    expect(Object.keys(r).sort()).toEqual(["auth", "code", "mailDate", "mailId", "sender"]);
  }, 30_000);

  it("sends otp.refused for a DKIM-failed mail and goes on waiting", async () => {
    const since = Date.now();
    const waiting = client.request("otp.wait", { since, timeoutMs: 10_000, portalOrigin: portal.url });
    await new Promise((r) => setTimeout(r, 300));
    const mk = (variant: "auth-fail" | "standard", code: string) =>
      buildMail(
        otpVariantMail(variant, { code, to: USER, date: new Date(), instance: "ViaTrajectoire", validityMinutes: 10 }),
      ).raw;
    d.deliver(USER, mk("auth-fail", "909090"));
    const ev = await client.waitForEvent((e) => e.event === "otp.refused", 5_000);
    expect(ev.data).toMatchObject({ reason: "auth-failed", code: "OTP_AUTH_FAILED" });
    expect(JSON.stringify(ev.data)).not.toContain("909090");
    d.deliver(USER, mk("standard", "808080"));
    expect((await waiting).code).toBe("808080");
  }, 30_000);

  it("otp.cancel ends the wait with OTP_CANCELLED", async () => {
    expect(await client.request("mailbox.status", {})).toMatchObject({ configured: true });
    const waiting = codeOf(
      client.request("otp.wait", { since: Date.now(), timeoutMs: 10_000, portalOrigin: portal.url }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await client.request("otp.cancel", {})).toEqual({ cancelled: true });
    expect(await waiting).toBe("OTP_CANCELLED");
  }, 20_000);

  it("wrote no code and no password to its log file", async () => {
    const log = readFileSync(agent.paths.logFile, "utf8");
    expect(log).toContain("otp.wait.found");
    for (const secret of [portal.admin.lastOtp()?.code ?? "x", "909090", "808080", DEFAULT_MAIL_USER.pass, "nope-nope"])
      expect(log).not.toContain(secret);
  });
});
