/**
 * Where the CPS Cryptolib and the stand-in PKCS#11 modules live, per OS (research/cps-card.md §4.1 [C]), all read
 * under the diagnostics context's fsRoot so tests point them at a fake tree. Windows registry values
 * (`HKLM\SOFTWARE\ASIP\Cryptolib CPS` InstallDir / Version) are not read yet: file locations only.
 */
import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export type ModuleKind = "cryptolib" | "cryptolib-obsolete" | "opensc";

export interface FoundModule {
  kind: ModuleKind;
  /** The path as the OS sees it (without the fsRoot prefix). */
  path: string;
}

const CANDIDATES: Record<string, { kind: ModuleKind; path: string }[]> = {
  linux: [
    { kind: "cryptolib", path: "/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so" },
    { kind: "cryptolib-obsolete", path: "/usr/lib/libcps_pkcs11_lux.so" },
    { kind: "cryptolib-obsolete", path: "/usr/local/lib/libcps_pkcs11_lux.so" },
    { kind: "cryptolib-obsolete", path: "/usr/lib/libcps_pkcs11_pcsc_lux.so" },
    { kind: "opensc", path: "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so" },
    { kind: "opensc", path: "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so" },
    { kind: "opensc", path: "/usr/lib64/opensc-pkcs11.so" },
    { kind: "opensc", path: "/usr/lib/opensc-pkcs11.so" },
  ],
  win32: [
    { kind: "cryptolib", path: "C:/Windows/System32/cps3_pkcs11_w64.dll" },
    { kind: "cryptolib", path: "C:/Windows/SysWOW64/cps3_pkcs11_w32.dll" },
    { kind: "cryptolib-obsolete", path: "C:/Windows/System32/cps_pkcs11_w32.dll" },
    { kind: "opensc", path: "C:/Program Files/OpenSC Project/OpenSC/pkcs11/opensc-pkcs11.dll" },
  ],
  darwin: [
    { kind: "cryptolib", path: "/usr/local/lib/libcps3_pkcs11_osx.dylib" },
    { kind: "cryptolib-obsolete", path: "/usr/local/lib/libcps_pkcs11_osx.dylib" },
    { kind: "cryptolib-obsolete", path: "/usr/local/lib/libcps_pkcs11_pcsc_osx.dylib" },
    { kind: "opensc", path: "/Library/OpenSC/lib/opensc-pkcs11.so" },
  ],
};

/** The Cryptolib's file cache (cps-card.md §4.1): corrupt caches made cards unusable (#1102, #1413). */
export const CACHE_DIRS: Record<string, string> = {
  linux: "/etc/opt/santesocial/CPS/cache",
  win32: "C:/ProgramData/santesocial/cps/cache",
  darwin: "/Library/Preferences/santesocial/CPS/cache",
};

/** A Windows path like C:/x under the fsRoot is fsRoot/C/x. */
export function underRoot(fsRoot: string, osPath: string): string {
  return join(fsRoot, osPath.replace(/^([A-Za-z]):/, "$1"));
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findModules(fsRoot: string, os: string): Promise<FoundModule[]> {
  const found: FoundModule[] = [];
  for (const c of CANDIDATES[os] ?? []) if (await exists(underRoot(fsRoot, c.path))) found.push(c);
  return found;
}

export interface CacheState {
  dir: string;
  present: boolean;
  files: number;
  /** Zero-length or unreadable entries: what a cache left half-written looks like ([I] — cps-card.md §5.3 gives
   * only "corrompu/incohérent"). */
  damaged: string[];
  writable: boolean;
}

export async function cacheState(fsRoot: string, os: string): Promise<CacheState | undefined> {
  const dir = CACHE_DIRS[os];
  if (!dir) return undefined;
  const real = underRoot(fsRoot, dir);
  let names: string[];
  try {
    names = await readdir(real);
  } catch {
    return { dir, present: false, files: 0, damaged: [], writable: false };
  }
  const damaged: string[] = [];
  for (const n of names) {
    try {
      const s = await stat(join(real, n));
      if (s.isFile() && s.size === 0) damaged.push(n);
      if (s.isFile()) await access(join(real, n), constants.R_OK);
    } catch {
      damaged.push(n);
    }
  }
  let writable = false;
  try {
    await access(real, constants.W_OK);
    writable = true;
  } catch {}
  return { dir, present: true, files: names.length, damaged, writable };
}
