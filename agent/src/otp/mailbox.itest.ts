/**
 * The agent's mailbox source against a real dovecot (scripts/src/mail/dovecot.ts) over real IMAP (imapflow), with
 * mails shaped by the mock portal (its own login flow, and its variants). No fake anywhere below MailboxService.
 * Each safety rule has a case that fails if the rule is removed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import { DEFAULT_MAIL_USER, type Dovecot, hasDovecot, startDovecot } from "@cps-bridge/scripts/mail/dovecot";
import { type OtpMailVariant, otpVariantMail } from "@cps-bridge/scripts/mock-portal/mail/otp-variants";
import { buildMail } from "@cps-bridge/scripts/mock-portal/mail/rfc5322";
import { createMockPortal, type MockPortal } from "@cps-bridge/scripts/mock-portal/portal";
import { hiddenFields, TestBrowser } from "@cps-bridge/scripts/mock-portal/testing/browser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { FileCredentialStore } from "./credentials";
import { MailboxService } from "./mailbox-service";

const PORTAL = "http://127.0.0.1:1";
const USER = DEFAULT_MAIL_USER.user;

let logText = "";
const sink = new Writable({
  write(chunk, _enc, cb) {
    logText += chunk.toString();
    cb();
  },
});

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isBridgeError(e) ? e.code : e).toBe(code);
}

function mail(variant: OtpMailVariant, code: string, date = new Date()): string {
  return buildMail(otpVariantMail(variant, { code, to: USER, date, instance: "ViaTrajectoire", validityMinutes: 10 }))
    .raw;
}

describe.skipIf(!hasDovecot())("MailboxService over a real dovecot", () => {
  let d: Dovecot;
  let dir: string;
  let svc: MailboxService;
  const since = () => Date.now() - 1_000;

  beforeAll(async () => {
    d = await startDovecot();
    dir = mkdtempSync(join(tmpdir(), "cps-mailbox-"));
    svc = new MailboxService({
      settingsFile: join(dir, "mailbox.json"),
      credentials: new FileCredentialStore(join(dir, "mailbox-secret.json")),
      log: createLogger({ destination: sink, level: "debug" }),
      ca: [d.caPem],
    });
  }, 30_000);
  afterAll(async () => {
    svc?.close();
    await d?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    svc.cancel();
  });

  it("says not configured, then saves settings (0600) and the password apart from them", async () => {
    expect(svc.status()).toEqual({ configured: false, connected: false });
    await expectCode(svc.test(), "OTP_MAILBOX_NOT_CONFIGURED");
    await expectCode(
      svc.wait({ since: since(), timeoutMs: 1_000, portalOrigin: PORTAL }),
      "OTP_MAILBOX_NOT_CONFIGURED",
    );
    const r = await svc.configure({
      host: "127.0.0.1",
      port: d.imapsPort,
      security: "tls",
      user: USER,
      password: DEFAULT_MAIL_USER.pass,
    });
    expect(r).toEqual({ saved: true, credentialStore: "file" });
    const settings = readFileSync(join(dir, "mailbox.json"), "utf8");
    expect(settings).not.toContain(DEFAULT_MAIL_USER.pass);
    expect(statSync(join(dir, "mailbox.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "mailbox-secret.json")).mode & 0o777).toBe(0o600);
    expect(svc.status()).toMatchObject({ configured: true, host: "127.0.0.1", user: USER });
  });

  it("tests the connection over TLS, and names each failure with its code", async () => {
    const ok = await svc.test();
    expect(ok.ok).toBe(true);
    expect(ok.mailboxes).toBeGreaterThanOrEqual(1);
    await expectCode(svc.test({ password: "wrong-password" }), "OTP_IMAP_AUTH");
    await expectCode(svc.test({ port: 1 }), "OTP_IMAP_UNREACHABLE");
    // TLS spoken to the plain port, and STARTTLS to a certificate we do not trust:
    await expectCode(svc.test({ port: d.imapPort, security: "tls" }), "OTP_IMAP_TLS");
    const untrusting = new MailboxService({
      settingsFile: join(dir, "mailbox.json"),
      credentials: new FileCredentialStore(join(dir, "mailbox-secret.json")),
      log: createLogger({ destination: sink }),
    });
    await expectCode(untrusting.test({ port: d.imapPort, security: "starttls" }), "OTP_IMAP_TLS");
    expect(svc.status().lastErrorCode).toBe("OTP_IMAP_TLS");
    expect((await svc.test({ port: d.imapPort, security: "starttls" })).ok).toBe(true);
  }, 30_000);

  it("finds the code the mock portal mailed at the password step (mock → Maildir → dovecot → agent)", async () => {
    const portal: MockPortal = createMockPortal({ mailboxDir: d.maildirOf(USER) });
    await portal.start();
    try {
      const t0 = Date.now();
      const b = new TestBrowser(portal.url);
      const login = await b.get(portal.urls.login.slice(portal.url.length));
      const posted = await b.post(login.url.slice(portal.url.length), {
        ...hiddenFields(login.text),
        UserName: "899700218896",
        Password: "Motdepasse-Test-2025",
        LoginButton: "Se connecter",
      });
      expect(posted.status).toBe(302);
      const found = await svc.wait({ since: t0, timeoutMs: 10_000, portalOrigin: portal.url });
      expect(found.code).toBe(portal.admin.lastOtp()?.code);
      expect(found.sender).toBe("no_reply.trajectoire@sante-ra.fr");
      expect(found.auth).toBe("none");
      expect(found.mailId).toMatch(/^m_[0-9a-f]{24}$/);
    } finally {
      await portal.stop();
    }
  }, 30_000);

  it("sees a mail delivered while it IDLEs, in every accepted shape", async () => {
    for (const variant of ["standard", "training", "html-only", "base64", "latin1", "regional", "auth-pass"] as const) {
      const code = String(100_000 + Math.floor(Math.random() * 899_999));
      const s = Date.now();
      const waiting = svc.wait({ since: s, timeoutMs: 10_000, portalOrigin: PORTAL });
      await new Promise((r) => setTimeout(r, 300));
      d.deliver(USER, mail(variant, code));
      const found = await waiting;
      expect(found.code, variant).toBe(code);
      expect(found.auth, variant).toBe(variant === "auth-pass" ? "pass" : "none");
    }
  }, 60_000);

  it("never answers the same mail twice (single use)", async () => {
    d.deliver(USER, mail("standard", "314159"));
    const first = await svc.wait({ since: since(), timeoutMs: 5_000, portalOrigin: PORTAL });
    expect(first.code).toBe("314159");
    await expectCode(svc.wait({ since: since() - 5_000, timeoutMs: 1_500, portalOrigin: PORTAL }), "OTP_TIMEOUT");
  }, 20_000);

  it.each([
    ["a look-alike domain", "lookalike-domain"],
    ["a display-name trick", "display-name-trick"],
    ["another sender of the same domain", "other-sender"],
  ] as const)(
    "refuses %s",
    async (_label, variant) => {
      const s = since();
      d.deliver(USER, mail(variant, "271828"));
      await expectCode(svc.wait({ since: s, timeoutMs: 1_500, portalOrigin: PORTAL }), "OTP_TIMEOUT");
    },
    20_000,
  );

  it("refuses a mail older than 10 minutes and one sent before the portal asked", async () => {
    d.deliver(USER, mail("standard", "161803", new Date(Date.now() - 11 * 60_000)));
    await expectCode(
      svc.wait({ since: Date.now() - 12 * 60_000, timeoutMs: 1_500, portalOrigin: PORTAL }),
      "OTP_TIMEOUT",
    );
    d.deliver(USER, mail("standard", "141421", new Date(Date.now() - 2 * 60_000)));
    await expectCode(svc.wait({ since: Date.now(), timeoutMs: 1_500, portalOrigin: PORTAL }), "OTP_TIMEOUT");
  }, 20_000);

  it("refuses a mail whose DKIM/SPF failed, warns, and still takes a good one after it", async () => {
    const refused: number[] = [];
    const s = since();
    d.deliver(USER, mail("auth-fail", "666666"));
    const waiting = svc.wait(
      { since: s, timeoutMs: 10_000, portalOrigin: PORTAL },
      { onRefused: (_r, date) => refused.push(date) },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(refused).toHaveLength(1);
    d.deliver(USER, mail("standard", "123987"));
    expect((await waiting).code).toBe("123987");
  }, 20_000);

  it("a second wait replaces the first (OTP_CANCELLED), and otp.cancel ends the running one", async () => {
    const first = svc.wait({ since: Date.now(), timeoutMs: 10_000, portalOrigin: PORTAL });
    await new Promise((r) => setTimeout(r, 200));
    const second = svc.wait({ since: Date.now(), timeoutMs: 10_000, portalOrigin: PORTAL });
    await expectCode(first, "OTP_CANCELLED");
    expect(svc.cancel()).toBe(true);
    await expectCode(second, "OTP_CANCELLED");
    expect(svc.cancel()).toBe(false);
  }, 20_000);

  it("reconnects when the server restarts mid-wait and still gets the code", async () => {
    const waiting = svc.wait({ since: Date.now(), timeoutMs: 20_000, portalOrigin: PORTAL });
    await new Promise((r) => setTimeout(r, 300));
    await d.restart();
    d.deliver(USER, mail("standard", "555111"));
    expect((await waiting).code).toBe("555111");
  }, 40_000);

  it("ends with OTP_IMAP_UNREACHABLE when the server is down at the start", async () => {
    await d.stop();
    try {
      const t = Date.now();
      await expectCode(
        svc.wait({ since: Date.now(), timeoutMs: 10_000, portalOrigin: PORTAL }),
        "OTP_IMAP_UNREACHABLE",
      );
      expect(Date.now() - t).toBeLessThan(5_000);
      expect(svc.status().lastErrorCode).toBe("OTP_IMAP_UNREACHABLE");
    } finally {
      await d.restart();
    }
  }, 30_000);

  it("deletes the mail after use only when asked", async () => {
    await svc.configure({ host: "127.0.0.1", port: d.imapsPort, security: "tls", user: USER, deleteAfterUse: true });
    const file = d.deliver(USER, mail("standard", "777000"));
    const found = await svc.wait({ since: since(), timeoutMs: 5_000, portalOrigin: PORTAL });
    expect(found.code).toBe("777000");
    const name = file.split("/").pop()?.split(",")[0] ?? "";
    const { readdirSync } = await import("node:fs");
    const left = [...readdirSync(join(d.maildirOf(USER), "cur")), ...readdirSync(join(d.maildirOf(USER), "new"))];
    expect(left.some((f) => f.startsWith(name))).toBe(false);
    await svc.configure({ host: "127.0.0.1", port: d.imapsPort, security: "tls", user: USER, deleteAfterUse: false });
  }, 20_000);

  it("never wrote a code or the password to its log", () => {
    expect(logText.length).toBeGreaterThan(0);
    for (const secret of ["314159", "555111", "777000", "123987", DEFAULT_MAIL_USER.pass, "wrong-password"]) {
      expect(logText).not.toContain(secret);
    }
  });
});
