/**
 * A real Roundcube webmail (Debian's roundcube-core 1.6) over the real dovecot, for the webmail path of the OTP
 * autofill (issue 11 §2): PHP's built-in server on 127.0.0.1 serving Debian's document root (/var/lib/roundcube),
 * with a private config directory (ROUNDCUBE_CONFIG_DIR) — its own SQLite database, logs, temp dir and key — so
 * nothing under /etc is touched and several can run at once. No SMTP, no plugins.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./dovecot";

export const ROUNDCUBE_ROOT = "/var/lib/roundcube";
const SQL = "/usr/share/roundcube/SQL/sqlite.initial.sql";

export const hasRoundcube = (): boolean =>
  existsSync(join(ROUNDCUBE_ROOT, "index.php")) && existsSync(SQL) && spawnSync("php", ["-v"]).status === 0;

export interface Roundcube {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  origin: string;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startRoundcube(o: { imapPort: number; imapHost?: string }): Promise<Roundcube> {
  if (!hasRoundcube()) throw new Error("Roundcube is not installed (Debian roundcube-core roundcube-sqlite3 php-cli)");
  const dir = mkdtempSync(join(tmpdir(), "cps-roundcube-"));
  for (const d of ["logs", "temp"]) mkdirSync(join(dir, d));
  for (const f of ["defaults.inc.php", "mimetypes.php"]) copyFileSync(join("/etc/roundcube", f), join(dir, f));
  const q = (s: string) => `'${s.replace(/['\\]/g, "\\$&")}'`;
  writeFileSync(
    join(dir, "config.inc.php"),
    `<?php
$config = [];
$config['db_dsnw'] = ${q(`sqlite:///${join(dir, "roundcube.db")}?mode=0600`)};
$config['imap_host'] = ${q(`${o.imapHost ?? "127.0.0.1"}:${o.imapPort}`)};
$config['smtp_host'] = '';
$config['des_key'] = ${q(randomBytes(18).toString("base64").slice(0, 24))};
$config['plugins'] = [];
$config['skin'] = 'elastic';
$config['language'] = 'fr_FR';
$config['log_dir'] = ${q(`${join(dir, "logs")}/`)};
$config['temp_dir'] = ${q(`${join(dir, "temp")}/`)};
$config['enable_installer'] = false;
$config['use_https'] = false;
$config['session_lifetime'] = 60;
$config['refresh_interval'] = 60;
`,
  );
  const init = spawnSync(
    "php",
    ["-r", `$db = new PDO(${q(`sqlite:${join(dir, "roundcube.db")}`)}); $db->exec(file_get_contents(${q(SQL)}));`],
    { encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`Roundcube database init failed: ${init.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn("php", ["-S", `127.0.0.1:${port}`, "-t", ROUNDCUBE_ROOT], {
    env: { ...process.env, ROUNDCUBE_CONFIG_DIR: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-20_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/`);
      if (r.status === 200) break;
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Roundcube did not answer on ${url}: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    origin: url,
    dir,
    log: () => {
      try {
        return `${stderr}\n${readFileSync(join(dir, "logs", "errors.log"), "utf8")}`;
      } catch {
        return stderr;
      }
    },
    stop: async () => {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
