/** The Cryptolib file checks on fake trees (fsRoot), per OS layout of research/cps-card.md §4.1. */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ReaderStatus } from "@cps-bridge/protocol/model";
import { describe, expect, it } from "vitest";
import type { CardService } from "../card-service";
import { silentLogger } from "../log";
import { underRoot } from "../middleware/cryptolib";
import { createDiagContext } from "./context";
import { applyFix, runDiagnostics } from "./run";

function tree(os: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), `diag-mw-${os}-`));
  for (const [p, content] of Object.entries(files)) {
    const real = underRoot(root, p);
    mkdirSync(dirname(real), { recursive: true });
    writeFileSync(real, content);
  }
  return root;
}

const cards = (cardType: ReaderStatus["cardType"]): CardService => {
  const r: ReaderStatus = { name: "R", state: "present", atr: "3B", cardType };
  return {
    start: async () => {},
    stop: async () => {},
    pcscState: () => "up",
    readers: () => [r],
    cardStatus: async () => r,
    pinStatus: async () => ({ triesLeft: 3, maxTries: 3, blocked: false, verified: false }),
    verifyPin: async () => {
      throw new Error("never");
    },
    signAuth: async () => {
      throw new Error("never");
    },
    subscribe: () => () => {},
  };
};

const ctx = (os: string, fsRoot: string, type: ReaderStatus["cardType"] = "cps3") =>
  createDiagContext({
    cards: cards(type),
    log: silentLogger(),
    agentVersion: "0.1.0",
    agentRunning: async () => ({ running: true }),
    fetch: (async () => new Response("ok")) as typeof fetch,
    usbDevices: async () => [],
    os,
    fsRoot,
    testMode: true,
  });
const run = async (c: ReturnType<typeof ctx>) =>
  Object.fromEntries((await runDiagnostics(c)).results.map((r) => [r.id, r]));

describe("middleware file checks", () => {
  it.each([
    ["linux", "/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so"],
    ["win32", "C:/Windows/System32/cps3_pkcs11_w64.dll"],
    ["darwin", "/usr/local/lib/libcps3_pkcs11_osx.dylib"],
  ])("%s: the Cryptolib module at %s is found; a CPS4 fits", async (os, path) => {
    const r = await run(ctx(os, tree(os, { [path]: "ELF" }), "cps4"));
    expect(r["middleware.installed"]).toMatchObject({
      verdict: "ok",
      code: "DIAG_CRYPTOLIB_OK",
      params: { module: path },
    });
    expect(r["middleware.version"]).toMatchObject({ verdict: "ok" });
  });

  it("nothing installed: failed, blocking, with the download remedy; version and cache skipped", async () => {
    const r = await run(ctx("linux", tree("linux", {})));
    expect(r["middleware.installed"]).toMatchObject({
      verdict: "failed",
      code: "DIAG_CRYPTOLIB_MISSING",
      blocking: true,
    });
    expect(r["middleware.version"]?.verdict).toBe("skipped");
    expect(r["middleware.cache"]?.verdict).toBe("skipped");
  });

  it("only an obsolete Cryptolib: failed; OpenSC only: a warning, and a CPS4 then fails for want of a Cryptolib ≥ 5.2", async () => {
    expect(
      (await run(ctx("linux", tree("linux", { "/usr/lib/libcps_pkcs11_lux.so": "x" }))))["middleware.installed"]?.code,
    ).toBe("DIAG_CRYPTOLIB_OBSOLETE");
    const opensc = tree("linux", { "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so": "x" });
    const cps3 = await run(ctx("linux", opensc, "cps3"));
    expect(cps3["middleware.installed"]).toMatchObject({ verdict: "warning", code: "DIAG_OPENSC_ONLY" });
    expect(cps3["middleware.version"]?.verdict).toBe("ok");
    const cps4 = await run(ctx("linux", opensc, "cps4"));
    expect(cps4["middleware.version"]).toMatchObject({ verdict: "failed", code: "DIAG_MIDDLEWARE_NO_CPS4" });
  });

  it("a damaged cache is failed with a fix that moves it aside (never deletes), after which the check is ok", async () => {
    const root = tree("linux", {
      "/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so": "x",
      "/etc/opt/santesocial/CPS/cache/card-80250000012900995266.bin": "",
      "/etc/opt/santesocial/CPS/cache/index": "ok",
    });
    const c = ctx("linux", root);
    const r = await run(c);
    expect(r["middleware.cache"]).toMatchObject({
      verdict: "failed",
      code: "DIAG_CACHE_DAMAGED",
      params: { count: 1 },
    });
    expect(r["middleware.cache"]?.fixes?.[0]).toMatchObject({ id: "middleware.clear-cache", needsAdmin: false });
    const fixed = await applyFix(c, "middleware.clear-cache", undefined);
    expect(fixed).toMatchObject({ applied: true, result: { id: "middleware.cache", verdict: "ok" } });
    expect(readdirSync(join(root, "etc/opt/santesocial/CPS")).some((n) => n.startsWith("cache.old-"))).toBe(true);
  });
});
