/**
 * The mailbox end to end with real parts: the mock delivers the OTP mail into a Maildir that a real dovecot
 * (feasibility.md §7) serves over IMAP, and imapflow — the client the OTP feature will use — sees it arrive while
 * IDLE and decodes it. Skipped (visibly) only when dovecot is not installed.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dovecot, hasDovecot, startDovecot } from "../../mail/dovecot";
import { createMockPortal, type MockPortal } from "../portal";
import { hiddenFields, TestBrowser } from "../testing/browser";
import { deliverToMaildir } from "./maildir";

describe("Maildir delivery", () => {
  it("writes under tmp/ then renames into new/, with unique names", () => {
    const root = mkdtempSync(join(tmpdir(), "mock-maildir-"));
    try {
      const a = deliverToMaildir(join(root, "box"), "Subject: a\r\n\r\nx\r\n");
      const b = deliverToMaildir(join(root, "box"), "Subject: b\r\n\r\ny\r\n");
      expect(a).not.toBe(b);
      expect(readdirSync(join(root, "box", "tmp"))).toEqual([]);
      expect(readdirSync(join(root, "box", "new")).sort()).toEqual([a, b].map((p) => p.split("/").pop()).sort());
      expect(a).toMatch(/\/new\/\d+\.M\d+P\d+Q\d+\.[^/]+,S=\d+$/);
      expect(readdirSync(join(root, "box")).sort()).toEqual(["cur", "new", "tmp"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasDovecot())("OTP mail over IMAP (real dovecot + imapflow)", () => {
  let dovecot: Dovecot;
  let dir: string;
  let imapPort: number;
  let portal: MockPortal;

  beforeAll(async () => {
    dovecot = await startDovecot(); // scripts/src/mail/dovecot.ts: its own config, users and Maildirs
    dir = dovecot.dir;
    imapPort = dovecot.imapPort;
    // The Maildir does not exist yet: the mock creates it, owned like its parent (nobody), so dovecot can use it.
    portal = createMockPortal({ mailboxDir: dovecot.maildirOf("cps@test.local") });
    await portal.start();
  }, 30_000);

  afterAll(async () => {
    await portal?.stop();
    await dovecot?.dispose();
  });

  it("an IDLE client sees the OTP mail arrive and decodes the code", async () => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: imapPort,
      secure: false,
      doSTARTTLS: false, // the harness offers STARTTLS with a throw-away certificate; this test reads plain IMAP
      auth: { user: "cps@test.local", pass: "testpass" },
      logger: false,
    });
    await client.connect();
    const lock = await client.getMailboxLock("INBOX");
    try {
      const arrived = new Promise<number>((resolve) => client.on("exists", (e: { count: number }) => resolve(e.count)));
      void client.idle();

      const b = new TestBrowser(portal.url);
      const login = await b.get(portal.urls.login.slice(portal.url.length));
      const posted = await b.post(login.url.slice(portal.url.length), {
        ...hiddenFields(login.text),
        UserName: "899700218896",
        Password: "Motdepasse-Test-2025",
        LoginButton: "Se connecter",
      });
      expect(posted.status).toBe(302);
      const sent = portal.admin.lastMail()!;
      const t0 = Date.now();
      expect(sent.maildirFile).toContain(join(dir, "mail", "cps", "new"));
      expect(statSync(join(dir, "mail", "cps")).uid).toBe(statSync(join(dir, "mail")).uid);

      const count = await Promise.race([
        arrived,
        new Promise<number>((_, rej) => setTimeout(() => rej(new Error("no IDLE EXISTS in 5 s")), 5000)),
      ]);
      const latency = Date.now() - t0;
      expect(count).toBe(1);
      expect(latency).toBeLessThan(5000);

      const msg = await client.fetchOne("*", { envelope: true });
      if (!msg) throw new Error("no message in INBOX");
      expect(msg.envelope?.subject).toBe("[ViaTrajectoire] Connexion OTP");
      expect(msg.envelope?.from?.[0]?.address).toBe("no_reply.trajectoire@sante-ra.fr");
      expect(msg.envelope?.to?.[0]?.address).toBe("cps@test.local");
      const { content } = await client.download("*", "1");
      if (!content) throw new Error("no text/plain part");
      let text = "";
      for await (const chunk of content) text += chunk.toString("utf8");
      expect(text).toContain(`Votre code OTP : ${portal.admin.lastOtp()!.code}`);
      expect(text).toContain("Attention: Ce code n'est valable que pour une durée de 10 minutes.");
      console.log(`mock → Maildir → dovecot → IMAP IDLE EXISTS: ${latency} ms`);
    } finally {
      lock.release();
      await client.logout().catch(() => undefined);
    }
  }, 20_000);
});
