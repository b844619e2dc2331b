import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { middlewareRegistered } from "../diagnostics/checks/middleware-registered";
import type { DiagContext } from "../diagnostics/context";
import { silentLogger } from "../log";
import { findBrowserDbs, moduleRole, parsePkcs11Txt, parseProfilesIni, registrationOf } from "./nss-profiles";

const OPENSC = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";
let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cps-nss-tree-"));
  root = dir;
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}
const secmod = (lib?: string) =>
  `library=\nname=NSS Internal PKCS #11 Module\nNSS=Flags=internal\n\n${lib ? `library=${lib}\nname=X\n` : ""}`;
const ctx = (fsRoot: string, os = "linux"): DiagContext =>
  ({ os, env: {}, homeDir: "/home/dr", fsRoot, log: silentLogger, now: () => new Date() }) as unknown as DiagContext;

describe("pkcs11.txt and profiles.ini parsing", () => {
  it("reads library= lines (CRLF, quotes, NSS's empty internal one skipped)", () => {
    expect(parsePkcs11Txt(`library=\r\nname=NSS\r\n\r\nlibrary="${OPENSC}"\r\nname=OpenSC\r\n`)).toEqual([OPENSC]);
  });
  it("reads relative and absolute profiles, ignores [General] and [Install…]", () => {
    const ini =
      "[Install4F96D1932A9F858E]\nDefault=abc.default-release\n[Profile1]\nName=work\nIsRelative=0\nPath=/data/ff-work\n\n[Profile0]\nName=default-release\nIsRelative=1\nPath=abc.default-release\nDefault=1\n[General]\nStartWithLastProfile=1\n";
    expect(parseProfilesIni(ini)).toEqual([
      { name: "work", path: "/data/ff-work", isRelative: false },
      { name: "default-release", path: "abc.default-release", isRelative: true },
    ]);
  });
  it("knows the Cryptolib, OpenSC and the 4.x modules by file name, whatever the directory", () => {
    expect(moduleRole("/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so")).toBe("cps");
    expect(moduleRole("C:\\Windows\\System32\\cps3_pkcs11_w64.dll")).toBe("cps");
    expect(moduleRole("/usr/lib/libcps_pkcs11_lux.so")).toBe("obsolete");
    expect(moduleRole("/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so")).toBe("other");
  });
});

describe("middleware.registered on fake trees", () => {
  const firefox = (lib?: string) => ({
    "home/dr/.mozilla/firefox/profiles.ini": "[Profile0]\nName=default-release\nIsRelative=1\nPath=p0.default\n",
    "home/dr/.mozilla/firefox/p0.default/pkcs11.txt": secmod(lib),
  });

  it("ok when Firefox and Chromium both list OpenSC and its file exists", async () => {
    const r = tree({ ...firefox(OPENSC), "home/dr/.pki/nssdb/pkcs11.txt": secmod(OPENSC), [OPENSC.slice(1)]: "" });
    const dbs = await findBrowserDbs(r, "linux", "/home/dr");
    expect(dbs.map((d) => `${d.browser}:${d.dir}`)).toEqual([
      "firefox:/home/dr/.mozilla/firefox/p0.default",
      "chromium:/home/dr/.pki/nssdb",
    ]);
    const out = await middlewareRegistered.run(ctx(r), new Map());
    expect(out).toMatchObject({ verdict: "ok", code: "DIAG_REGISTERED_OK", params: { count: 2 } });
    expect(String(out.facts.profiles)).toContain("~/.pki/nssdb");
    expect(String(out.facts.profiles)).not.toContain("/home/dr");
  });

  it("failed and blocking-shaped with one fix per database when none lists a CPS module", async () => {
    const r = tree({ ...firefox(), "home/dr/.pki/nssdb/pkcs11.txt": secmod(), [OPENSC.slice(1)]: "" });
    const out = await middlewareRegistered.run(ctx(r), new Map());
    expect(out.verdict).toBe("failed");
    expect(out.code).toBe("DIAG_NOT_REGISTERED");
    expect(out.fixes?.map((f) => f.target)).toEqual(["/home/dr/.mozilla/firefox/p0.default", "/home/dr/.pki/nssdb"]);
    expect(out.fixes?.every((f) => f.id === "middleware.register" && !f.needsAdmin && f.afterFr)).toBe(true);
  });

  it("a registered path whose file is gone (Cryptolib uninstalled) does not count", async () => {
    const r = tree({ ...firefox("/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so"), [OPENSC.slice(1)]: "" });
    const [db] = await findBrowserDbs(r, "linux", "/home/dr");
    const reg = await registrationOf(db!, r);
    expect(reg.registered).toBeUndefined();
    expect(reg.missingFiles).toHaveLength(1);
    expect((await middlewareRegistered.run(ctx(r), new Map())).verdict).toBe("failed");
  });

  it("warning when only some profiles have it; warning when no profile exists", async () => {
    const r = tree({ ...firefox(OPENSC), "home/dr/.pki/nssdb/pkcs11.txt": secmod(), [OPENSC.slice(1)]: "" });
    const out = await middlewareRegistered.run(ctx(r), new Map());
    expect(out).toMatchObject({ verdict: "warning", code: "DIAG_REGISTERED_PARTIAL" });
    expect(out.params?.profiles).toBe("chromium:nssdb");
    rmSync(r, { recursive: true });
    const empty = tree({ [OPENSC.slice(1)]: "" });
    expect((await middlewareRegistered.run(ctx(empty), new Map())).code).toBe("DIAG_REGISTERED_NO_PROFILE");
  });

  it("Windows: Firefox under %APPDATA%, the fix gives Firefox's steps (admin-free but manual)", async () => {
    const r = tree({
      "C/Users/dr/AppData/Roaming/Mozilla/Firefox/profiles.ini":
        "[Profile0]\r\nName=default\r\nIsRelative=1\r\nPath=Profiles/x.default\r\n",
      "C/Users/dr/AppData/Roaming/Mozilla/Firefox/Profiles/x.default/pkcs11.txt": secmod(),
      "C/Windows/System32/cps3_pkcs11_w64.dll": "",
    });
    const c = { ...ctx(r, "win32"), homeDir: "C:/Users/dr" } as DiagContext;
    const out = await middlewareRegistered.run(c, new Map());
    expect(out.code).toBe("DIAG_NOT_REGISTERED");
    expect(out.fixes?.[0]?.steps).toContain("Périphériques de sécurité");
    expect(out.fixes?.[0]?.steps).toContain("cps3_pkcs11_w64.dll");
    expect(out.facts.systemStore).toMatch(/system store/);
  });
});
