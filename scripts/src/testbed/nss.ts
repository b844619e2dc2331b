/**
 * Independent middleware for the test bench: NSS databases made by NSS's own tools (Debian `libnss3-tools`:
 * certutil, modutil) and OpenSC's PKCS#11 module (Debian `opensc-pkcs11`), the stand-in for the CPS Cryptolib
 * (issue 10 §2). Used by the OpenSC integration test and meant for the middleware checks (H2b) and the TLS
 * client-certificate e2e (H4): make a Chromium-style NSS database or a Firefox-profile-shaped directory, register or
 * unregister OpenSC's module in it, list what NSS then sees.
 *
 * Every function runs the real tool (execFile, no shell) with a timeout, and never passes a PIN on a command line:
 * listing certificates needs no login, since the virtual CPx certificates are public objects.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian (and Ubuntu, multiarch) install OpenSC's PKCS#11 module. */
export const OPENSC_PKCS11_CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
  "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
  "/usr/lib/opensc-pkcs11.so",
  "/usr/lib64/opensc-pkcs11.so",
] as const;

/** The installed OpenSC PKCS#11 module, or throws saying which package to install. */
export function openscPkcs11Module(): string {
  const found = OPENSC_PKCS11_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error("OpenSC's PKCS#11 module is not installed: apt-get install opensc-pkcs11");
  return found;
}

/** The module name cps-bridge's tests register (what `modutil -list` and pkcs11.txt show as `name=`). */
export const OPENSC_MODULE_NAME = "OpenSC";

export interface ToolResult {
  stdout: string;
  stderr: string;
  /** 0 on success. */
  code: number;
}

/** Runs a tool, never throwing on a non-zero exit (the caller asserts on `code` and the text). */
export async function runTool(
  file: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await run(file, [...args], {
      timeout: options.timeoutMs ?? 30_000,
      env: options.env ?? process.env,
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number | string; message: string };
    if (err.stdout === undefined && err.stderr === undefined) throw e; // the tool is missing (ENOENT)
    return {
      stdout: err.stdout ?? "",
      stderr: err.stderr ?? err.message,
      code: typeof err.code === "number" ? err.code : 1,
    };
  }
}

const sql = (dir: string) => `sql:${dir}`;

/**
 * A new, empty NSS database (cert9.db, key4.db, pkcs11.txt) made by `certutil -N --empty-password`, in `dir`
 * (created) or a fresh temporary directory. Chromium on Linux uses this shape in `~/.pki/nssdb`.
 */
export async function createNssDb(dir?: string): Promise<string> {
  const db = dir ?? mkdtempSync(join(tmpdir(), "cps-nssdb-"));
  mkdirSync(db, { recursive: true, mode: 0o700 });
  const r = await runTool("certutil", ["-N", "-d", sql(db), "--empty-password"]);
  if (r.code !== 0) throw new Error(`certutil -N failed in ${db}: ${r.stderr.trim()}`);
  return db;
}

/**
 * A directory shaped like a Firefox profile as far as security devices go: the NSS database files Firefox keeps in
 * its profile (cert9.db, key4.db, pkcs11.txt) plus an empty prefs.js and a times.json, so profile finders accept it.
 * Returns the profile directory.
 */
export async function createFirefoxProfile(dir?: string): Promise<string> {
  const profile = await createNssDb(dir ?? mkdtempSync(join(tmpdir(), "cps-firefox-profile-")));
  writeFileSync(join(profile, "prefs.js"), "// Mozilla User Preferences (cps-bridge test profile)\n");
  writeFileSync(join(profile, "times.json"), JSON.stringify({ created: Date.now(), firstUse: null }));
  return profile;
}

/**
 * Registers a PKCS#11 module in an NSS database (`modutil -force -add`), as the one-click fix or a user would.
 * Idempotent: a module already registered under that name is kept.
 */
export async function registerModule(
  dbDir: string,
  library: string = openscPkcs11Module(),
  name: string = OPENSC_MODULE_NAME,
): Promise<void> {
  if ((await listModules(dbDir)).some((m) => m.name === name)) return;
  const r = await runTool("modutil", ["-force", "-dbdir", sql(dbDir), "-add", name, "-libfile", library]);
  if (r.code !== 0) throw new Error(`modutil -add ${name} failed: ${(r.stderr || r.stdout).trim()}`);
}

/** Removes a module from an NSS database (`modutil -force -delete`); nothing to do if it is not there. */
export async function unregisterModule(dbDir: string, name: string = OPENSC_MODULE_NAME): Promise<void> {
  if (!(await listModules(dbDir)).some((m) => m.name === name)) return;
  const r = await runTool("modutil", ["-force", "-dbdir", sql(dbDir), "-delete", name]);
  if (r.code !== 0) throw new Error(`modutil -delete ${name} failed: ${(r.stderr || r.stdout).trim()}`);
}

export interface NssModule {
  name: string;
  /** `library name:` of `modutil -list` (absent for NSS's built-in module). */
  library?: string;
}

/** The modules of an NSS database, from `modutil -list`. */
export async function listModules(dbDir: string): Promise<NssModule[]> {
  const r = await runTool("modutil", ["-list", "-dbdir", sql(dbDir)]);
  if (r.code !== 0) throw new Error(`modutil -list failed: ${(r.stderr || r.stdout).trim()}`);
  const modules: NssModule[] = [];
  for (const line of r.stdout.split("\n")) {
    const head = /^\s*\d+\.\s+(.+?)\s*$/.exec(line);
    if (head) modules.push({ name: head[1]! });
    const lib = /^\s*library name:\s*(.+?)\s*$/.exec(line);
    if (lib && modules.length > 0) modules[modules.length - 1]!.library = lib[1]!;
  }
  return modules;
}

/** The `library=` lines of a database's pkcs11.txt (what Firefox and Chromium load at start). */
export function pkcs11TxtLibraries(dbDir: string): string[] {
  const file = join(dbDir, "pkcs11.txt");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => /^library=(.*)$/.exec(l.trim())?.[1])
    .filter((l): l is string => l !== undefined && l !== "");
}

export interface NssCertificate {
  /** e.g. `CPS3v3-1234567890 (Code porteur):Certificat d'Authentification CPS` (token name, colon, label). */
  nickname: string;
  /** e.g. `u,u,u` (u: NSS holds the private key for it, on the token). */
  trust: string;
}

/**
 * The certificates NSS sees in a database and every token of its modules (`certutil -L -h all`), without logging
 * in (stdin is closed, so certutil cannot prompt for a PIN; it says "Error opening input terminal" on stderr and
 * lists the public objects).
 */
export async function listCertificates(dbDir: string): Promise<{ certificates: NssCertificate[]; raw: ToolResult }> {
  const raw = await runTool("certutil", ["-d", sql(dbDir), "-L", "-h", "all"]);
  const certificates: NssCertificate[] = [];
  for (const line of raw.stdout.split("\n")) {
    const m = /^(.+?)\s+([pPcCTuw]*,[pPcCTuw]*,[pPcCTuw]*)\s*$/.exec(line);
    if (m && !line.startsWith("Certificate Nickname")) certificates.push({ nickname: m[1]!, trust: m[2]! });
  }
  return { certificates, raw };
}
