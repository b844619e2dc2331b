/** The dovecot harness with real dovecot and imapflow: plain, STARTTLS and implicit TLS; stop/restart keep the port. */
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAIL_USER, type Dovecot, hasDovecot, startDovecot } from "./dovecot";

const client = (d: Dovecot, mode: "plain" | "starttls" | "tls", pass = DEFAULT_MAIL_USER.pass) =>
  new ImapFlow({
    host: "127.0.0.1",
    port: mode === "tls" ? d.imapsPort : d.imapPort,
    secure: mode === "tls",
    doSTARTTLS: mode === "starttls" ? true : mode === "plain" ? false : undefined,
    tls: { ca: [d.caPem], servername: "localhost" },
    auth: { user: DEFAULT_MAIL_USER.user, pass },
    logger: false,
  });

describe.skipIf(!hasDovecot())("dovecot harness", () => {
  let d: Dovecot;
  beforeAll(async () => {
    d = await startDovecot();
  }, 30_000);
  afterAll(async () => {
    await d?.dispose();
  });

  it.each(["plain", "starttls", "tls"] as const)("logs in over %s and sees a delivered mail", async (mode) => {
    d.deliver(DEFAULT_MAIL_USER.user, `Subject: hello ${mode}\r\nFrom: a@b.c\r\n\r\nbody\r\n`);
    const c = client(d, mode);
    await c.connect();
    try {
      const st = await c.status("INBOX", { messages: true });
      expect(st ? st.messages : 0).toBeGreaterThanOrEqual(1);
      expect(c.secureConnection || mode === "plain").toBe(true);
    } finally {
      await c.logout();
    }
  });

  it("refuses a wrong password", async () => {
    const c = client(d, "plain", "wrong");
    await expect(c.connect()).rejects.toMatchObject({ authenticationFailed: true });
  });

  it("stop closes the port and restart brings it back on the same port", async () => {
    await d.stop();
    expect(d.running()).toBe(false);
    await expect(client(d, "plain").connect()).rejects.toBeTruthy();
    await d.restart();
    const c = client(d, "plain");
    await c.connect();
    await c.logout();
  }, 30_000);
});
