/**
 * The browser profiles whose NSS database decides which PKCS#11 modules a browser loads (issue 10 §1, middleware):
 * Firefox keeps one per profile (profiles.ini → <profile>/pkcs11.txt, on every OS), Chromium/Chrome on Linux share
 * `~/.pki/nssdb`. Chrome and Edge on Windows and macOS use the system's certificate store (the Cryptolib's
 * minidriver / tokend), which no pkcs11.txt describes: those are reported, not read.
 *
 * Read as files (pkcs11.txt is NSS's plain-text "secmod" format: blank-line separated blocks of key=value lines) so
 * the check costs no process and works without NSS's tools; every path is read under the diagnostics fsRoot.
 * Tolerated variants: CRLF, quoted values, `library=` empty for NSS's own module, relative and absolute profile paths,
 * the snap and flatpak Firefox homes (Ubuntu, Flathub).
 */
import { readFile, stat } from "node:fs/promises";
import { basename, isAbsolute, join, posix } from "node:path";
import { underRoot } from "./cryptolib";

export type BrowserKind = "firefox" | "chromium";

export interface BrowserDb {
  browser: BrowserKind;
  /** e.g. "default-release" (Firefox profile name) or "nssdb" */
  profile: string;
  /** the database directory as the OS sees it (the fix's target) */
  dir: string;
  /** `library=` values of its pkcs11.txt (NSS's own internal module has none) */
  libraries: string[];
  /** false: the directory has no pkcs11.txt yet (a profile never started, or an older dbm database) */
  hasPkcs11Txt: boolean;
}

/** Module file names that can drive a CPS card: the Cryptolib (cps-card.md §4.1) and OpenSC (CPS3 stand-in). */
const CPS_MODULE_NAMES = new Set([
  "libcps3_pkcs11_lux.so",
  "cps3_pkcs11_w64.dll",
  "cps3_pkcs11_w32.dll",
  "libcps3_pkcs11_osx.dylib",
  "opensc-pkcs11.so",
  "opensc-pkcs11.dll",
  "onepin-opensc-pkcs11.so",
]);
/** 4.x-era Cryptolib modules: registered but unable to read a CPS3 of today [I]. */
const OBSOLETE_NAMES = /^(lib)?cps_pkcs11(_pcsc)?_(lux|w32|osx)\.(so|dll|dylib)$/;

export type ModuleRole = "cps" | "obsolete" | "other";

export function moduleRole(library: string): ModuleRole {
  const name = basename(library.replace(/\\/g, "/"));
  if (CPS_MODULE_NAMES.has(name)) return "cps";
  if (OBSOLETE_NAMES.test(name)) return "obsolete";
  return "other";
}

/** `library=` values of a pkcs11.txt text. */
export function parsePkcs11Txt(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*library\s*=\s*(.*?)\s*$/.exec(raw);
    const v = m?.[1]?.replace(/^"(.*)"$/, "$1");
    if (v) out.push(v);
  }
  return out;
}

export interface IniProfile {
  name: string;
  path: string;
  isRelative: boolean;
}

/** The [ProfileN] sections of a Firefox profiles.ini. */
export function parseProfilesIni(text: string): IniProfile[] {
  const out: IniProfile[] = [];
  let cur: Partial<IniProfile> & { section?: string } = {};
  const flush = () => {
    if (cur.section?.startsWith("Profile") && cur.path)
      out.push({ name: cur.name ?? cur.path, path: cur.path, isRelative: cur.isRelative ?? true });
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      flush();
      cur = { section: sec[1] };
      continue;
    }
    const kv = /^([^=;#]+)=(.*)$/.exec(line);
    if (!kv) continue;
    const [k, v] = [kv[1]!.trim(), kv[2]!.trim()];
    if (k === "Name") cur.name = v;
    else if (k === "Path") cur.path = v;
    else if (k === "IsRelative") cur.isRelative = v !== "0";
  }
  flush();
  return out;
}

async function readText(p: string): Promise<string | undefined> {
  try {
    return await readFile(p, "utf8");
  } catch {
    return undefined;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Where Firefox keeps profiles.ini, per OS (the OS's own paths, before fsRoot). */
export function firefoxRoots(os: string, homeDir: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const j = posix.join;
  const home = homeDir.replace(/\\/g, "/");
  if (os === "win32") return [j((env.APPDATA ?? j(home, "AppData/Roaming")).replace(/\\/g, "/"), "Mozilla/Firefox")];
  if (os === "darwin") return [j(home, "Library/Application Support/Firefox")];
  return [
    j(home, ".mozilla/firefox"),
    j(home, "snap/firefox/common/.mozilla/firefox"),
    j(home, ".var/app/org.mozilla.firefox/.mozilla/firefox"),
  ];
}

async function dbAt(browser: BrowserKind, profile: string, dir: string, fsRoot: string): Promise<BrowserDb> {
  const text = await readText(join(underRoot(fsRoot, dir), "pkcs11.txt"));
  return { browser, profile, dir, libraries: text ? parsePkcs11Txt(text) : [], hasPkcs11Txt: text !== undefined };
}

/** Every browser NSS database of this user that exists on disk. */
export async function findBrowserDbs(
  fsRoot: string,
  os: string,
  homeDir: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<BrowserDb[]> {
  const out: BrowserDb[] = [];
  for (const root of firefoxRoots(os, homeDir, env)) {
    const ini = await readText(join(underRoot(fsRoot, root), "profiles.ini"));
    if (!ini) continue;
    for (const p of parseProfilesIni(ini)) {
      const rel = p.path.replace(/\\/g, "/");
      const dir = p.isRelative && !isAbsolute(rel) && !/^[A-Za-z]:/.test(rel) ? posix.join(root, rel) : rel;
      if (await isDir(underRoot(fsRoot, dir))) out.push(await dbAt("firefox", p.name, dir, fsRoot));
    }
  }
  if (os === "linux") {
    const nssdb = posix.join(homeDir, ".pki/nssdb");
    if (await isDir(underRoot(fsRoot, nssdb))) out.push(await dbAt("chromium", "nssdb", nssdb, fsRoot));
  }
  return out;
}

export interface DbRegistration {
  db: BrowserDb;
  /** a CPS-capable module registered whose file exists */
  registered: string | undefined;
  /** registered CPS-capable modules whose file is gone (an uninstalled Cryptolib) */
  missingFiles: string[];
  obsolete: string[];
}

async function fileExists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

export async function registrationOf(db: BrowserDb, fsRoot: string): Promise<DbRegistration> {
  let registered: string | undefined;
  const missingFiles: string[] = [];
  const obsolete: string[] = [];
  for (const lib of db.libraries) {
    const role = moduleRole(lib);
    if (role === "obsolete") obsolete.push(lib);
    if (role !== "cps") continue;
    // a bare file name is resolved by the dynamic loader: take it as present
    const bare = !lib.includes("/") && !lib.includes("\\");
    if (bare || (await fileExists(underRoot(fsRoot, lib)))) registered ??= lib;
    else missingFiles.push(lib);
  }
  return { db, registered, missingFiles, obsolete };
}

/** `~` for the home directory in facts and sentences (no user name in a report). */
export function tildePath(p: string, homeDir: string): string {
  return p.startsWith(homeDir) ? `~${p.slice(homeDir.length)}` : p;
}
