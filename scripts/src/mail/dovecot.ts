/**
 * A real dovecot IMAP server for the mailbox tests, started as a child process like pcscd (feasibility.md §7): its
 * own config, state and Maildirs in a temp directory, listening on 127.0.0.1 only — plain IMAP (STARTTLS offered)
 * and implicit TLS with a throw-away certificate for localhost / 127.0.0.1 that the tests trust explicitly
 * (`caPath`). Users are a passwd-file with SHA512-CRYPT hashes made by `doveadm pw`. When run as root (the test
 * machines, CI) the mail processes run as `nobody`, so the mail tree is chowned to it.
 *
 * `stop()` and `restart()` keep the ports, so a client can be shown a server that goes away and comes back.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliverToMaildir } from "../mock-portal/mail/maildir";
import { makeServerIdentity } from "../mock-portal/tls-client-auth";

export interface DovecotUser {
  user: string;
  pass: string;
}

export interface Dovecot {
  /** Plain IMAP on 127.0.0.1 (STARTTLS offered). */
  imapPort: number;
  /** Implicit TLS (IMAPS) on 127.0.0.1. */
  imapsPort: number;
  /** PEM of the (self-signed) certificate dovecot presents: trust it as the CA. */
  caPath: string;
  caPem: string;
  dir: string;
  users: readonly DovecotUser[];
  /** The Maildir of a user (the local part names it): give it to createMockPortal({ mailboxDir }). */
  maildirOf(user: string): string;
  /** Drops a raw RFC 5322 message into the user's Maildir `new/`; returns the file's path. */
  deliver(user: string, raw: string): string;
  /** The server's log (for a failing test's message). */
  log(): string;
  running(): boolean;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops and removes the temp directory. */
  dispose(): Promise<void>;
}

export const DEFAULT_MAIL_USER: DovecotUser = { user: "cps@test.local", pass: "testpass" };

export const hasDovecot = (): boolean => existsSync("/usr/sbin/dovecot") && existsSync("/usr/bin/doveadm");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, "127.0.0.1");
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
}

async function waitPort(port: number, open: boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await portOpen(port)) === open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot port ${port} did not ${open ? "open" : "close"} within ${ms} ms`);
}

const localPart = (user: string) => user.split("@")[0] ?? user;

export async function startDovecot(opts: { users?: DovecotUser[] } = {}): Promise<Dovecot> {
  if (!hasDovecot()) throw new Error("dovecot is not installed (Debian dovecot-imapd; scripts/setup.sh installs it)");
  const users = opts.users ?? [DEFAULT_MAIL_USER];
  const dir = mkdtempSync(join(tmpdir(), "cps-dovecot-"));
  chmodSync(dir, 0o755); // the mail processes run as nobody and must traverse it
  for (const d of ["run", "state", "mail"]) mkdirSync(join(dir, d));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) spawnSync("chown", ["nobody:nogroup", join(dir, "mail")]);
  const lines = users.map((u) => {
    const r = spawnSync("doveadm", ["pw", "-s", "SHA512-CRYPT", "-p", u.pass], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`doveadm pw failed: ${r.stderr}`);
    return `${u.user}:${r.stdout.trim()}`;
  });
  writeFileSync(join(dir, "users"), `${lines.join("\n")}\n`);
  const id = await makeServerIdentity(["localhost", "127.0.0.1"]);
  const caPath = join(dir, "server.crt");
  writeFileSync(caPath, id.certPem);
  writeFileSync(join(dir, "server.key"), id.keyPem, { mode: 0o600 });
  const imapPort = await freePort();
  const imapsPort = await freePort();
  const uid = asRoot ? "nobody" : String(process.getuid?.() ?? "");
  const gid = asRoot ? "nogroup" : String(process.getgid?.() ?? "");
  writeFileSync(
    join(dir, "dovecot.conf"),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = yes
ssl_cert = <${caPath}
ssl_key = <${dir}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%n
mail_uid = ${uid}
mail_gid = ${gid}
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
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
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("dovecot", ["-c", join(dir, "dovecot.conf"), "-F"], { stdio: "ignore" });
    child.once("exit", () => {
      child = undefined;
    });
    await waitPort(imapPort, true, 10_000);
    await waitPort(imapsPort, true, 10_000);
  };
  const stop = async () => {
    const c = child;
    if (!c) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child === c) c.kill("SIGKILL");
    await waitPort(imapPort, false, 5_000);
  };
  await start();
  const maildirOf = (user: string) => join(dir, "mail", localPart(user));
  return {
    imapPort,
    imapsPort,
    caPath,
    caPem: id.certPem,
    dir,
    users,
    maildirOf,
    deliver: (user, raw) => deliverToMaildir(maildirOf(user), raw),
    log: () => {
      try {
        return readFileSync(join(dir, "dovecot.log"), "utf8");
      } catch {
        return "";
      }
    },
    running: () => child !== undefined,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
