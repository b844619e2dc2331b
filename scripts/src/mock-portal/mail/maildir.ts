/**
 * Delivery into a Maildir the way an MDA does it: write the whole message under `tmp/`, then rename it into `new/`
 * (rename is atomic, so a reader never sees half a message). dovecot notices the new file and tells IMAP IDLE
 * clients within ~300 ms (feasibility.md §7, measured). The folder is created if missing; when we run as root
 * (as on the test machines) new folders take the owner of their parent, so a dovecot running as `nobody` can still
 * move the file to `cur/` and write its index.
 */
import { chownSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";

let counter = 0;

function ensureDir(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
  } catch {
    /* missing: create below */
  }
  ensureDir(dirname(dir));
  mkdirSync(dir, { mode: 0o700 });
  if (process.getuid?.() === 0) {
    const parent = statSync(dirname(dir));
    chownSync(dir, parent.uid, parent.gid);
  }
}

export function ensureMaildir(root: string): void {
  for (const sub of ["tmp", "new", "cur"]) ensureDir(join(root, sub));
}

/** Writes `raw` into `root/new/` and returns the file's path. */
export function deliverToMaildir(root: string, raw: string): string {
  ensureMaildir(root);
  const now = Date.now();
  const data = Buffer.from(raw, "utf8");
  // Maildir unique name: <seconds>.M<microseconds>P<pid>Q<delivery>.<host>,S=<size>
  const host = hostname().replace(/\//g, "\\057").replace(/:/g, "\\072");
  const name = `${Math.floor(now / 1000)}.M${(now % 1000) * 1000}P${process.pid}Q${++counter}.${host},S=${data.length}`;
  const tmp = join(root, "tmp", name);
  const dest = join(root, "new", name);
  writeFileSync(tmp, data, { mode: 0o644 });
  if (process.getuid?.() === 0) {
    const owner = statSync(join(root, "new"));
    chownSync(tmp, owner.uid, owner.gid);
  }
  renameSync(tmp, dest);
  return dest;
}
