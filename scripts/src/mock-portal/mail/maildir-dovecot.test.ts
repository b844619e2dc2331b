/**
 * The mailbox end to end with real parts: the mock delivers the OTP mail into a Maildir that a real dovecot
 * (feasibility.md §7) serves over IMAP, and imapflow — the client the OTP feature will use — sees it arrive while
 * IDLE and decodes it. Skipped (visibly) only when dovecot is not installed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockPortal, type MockPortal } from "../portal";
import { hiddenFields, TestBrowser } from "../testing/browser";
import { deliverToMaildir } from "./maildir";

const hasDovecot = existsSync("/usr/sbin/dovecot") && existsSync("/usr/bin/doveadm");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

async function waitPort(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1");
      c.once("connect", () => {
        c.destroy();
        resolve(true);
      });
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot did not open port ${port}`);
}

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

describe.skipIf(!hasDovecot)("OTP mail over IMAP (real dovecot + imapflow)", () => {
  let dir: string;
  let dovecot: ChildProcess;
  let imapPort: number;
  let portal: MockPortal;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mock-imap-"));
    chmodSync(dir, 0o755); // dovecot's mail processes run as nobody and must traverse it
    for (const d of ["run", "state", "mail"]) mkdirSync(join(dir, d));
    spawnSync("chown", ["nobody:nogroup", join(dir, "mail")]);
    const hash = spawnSync("doveadm", ["pw", "-s", "SHA512-CRYPT", "-p", "testpass"], {
      encoding: "utf8",
    }).stdout.trim();
    writeFileSync(join(dir, "users"), `cps@test.local:${hash}\n`);
    imapPort = await freePort();
    writeFileSync(
      join(dir, "dovecot.conf"),
      `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%n
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT ${dir}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
    );
    dovecot = spawn("dovecot", ["-c", join(dir, "dovecot.conf"), "-F"], { stdio: "ignore" });
    await waitPort(imapPort, 5000);
    // The Maildir does not exist yet: the mock creates it, owned like its parent (nobody), so dovecot can use it.
    portal = createMockPortal({ mailboxDir: join(dir, "mail", "cps") });
    await portal.start();
  });

  afterAll(async () => {
    await portal?.stop();
    dovecot?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dir, { recursive: true, force: true });
  });

  it("an IDLE client sees the OTP mail arrive and decodes the code", async () => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: imapPort,
      secure: false,
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
