/**
 * Chromium doing the browser's own TLS client-certificate login (issue 10 §7), as on today's portal:
 * - a temporary HOME whose `~/.pki/nssdb` (made by `certutil -N --empty-password`) has a PKCS#11 module registered
 *   with `modutil` (OpenSC's for the virtual cards, or softhsm2 holding a test-PKI key) and the mock portal's
 *   self-signed server certificate trusted as a peer (`certutil -A -t P,,`) — no --ignore-certificate-errors;
 * - the client certificate chosen by the managed policy `AutoSelectCertificateForUrls`, scoped to the test origin,
 *   in `/etc/chromium/policies/managed/cps-bridge-tls-<pid>.json`, removed by `dispose()`;
 * - a headful Chromium under its own `Xvfb` display, and the token PIN typed into NSS's password prompt with
 *   `xdotool`. Measured here: headless Chromium (Debian 14x) never completes the handshake with a token that needs
 *   C_Login — it cannot show the PIN prompt, the navigation just hangs (15 s, no request reached the server) —
 *   while under Xvfb the prompt (an X window "Unlock Security Device") takes the typed PIN and the handshake completes.
 *
 * Test only. Needs root for the policy file (CI runs as root). Everything installed is removed by `dispose()`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { runTool } from "../testbed/nss";
import { chromiumArgs, findChromium } from "./chromium";

export const POLICY_DIR = "/etc/chromium/policies/managed";
export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";
/** The title of NSS's PIN prompt window in Debian Chromium (seen with `xdotool search --name`). */
export const PIN_PROMPT_TITLE = "Unlock Security Device";

export interface ClientCertBrowserOptions {
  /** PKCS#11 module registered in the NSS db (none: the "middleware not registered" case). */
  pkcs11Module?: { name: string; library: string };
  /** Extra environment for Chromium and the NSS tools (e.g. SOFTHSM2_CONF). */
  env?: Record<string, string>;
  /** PEM of the HTTPS server certificate to trust (the mock portal's `tls.identity.certPem`). */
  trustServerCertPem?: string;
  /** Origins whose client certificate is auto-selected (AutoSelectCertificateForUrls). */
  autoSelectOrigins: string[];
  /** Extra Chromium switches. */
  args?: string[];
}

export interface ClientCertBrowser {
  browser: Browser;
  home: string;
  nssDb: string;
  display: string;
  /**
   * Waits (up to `timeoutMs`) for NSS's PIN prompt — an X window named "Unlock Security Device" — focuses it and
   * types `pin` + Enter. Never logged. Throws when no prompt appeared.
   */
  typePinWhenPrompted(pin: string, timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Async (nss.ts runTool), so the virtual cards' host in this process keeps answering while OpenSC, loaded by
 * modutil or certutil, reads them (a synchronous spawn deadlocked: modutil timed out after 30 s). */
async function toolAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runTool(cmd, args, { env });
  if (r.code !== 0) throw new Error(`${cmd} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Synchronous: only for tools that never reach a virtual card of this process (softhsm2). */
function tool(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { env, input: "\n", stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 }).toString();
}

async function startXvfb(): Promise<{ proc: ChildProcess; display: string }> {
  // A display number of our own (pid-based), so parallel helpers' runs do not collide.
  for (let attempt = 0; attempt < 5; attempt++) {
    const display = `:${100 + ((process.pid + attempt * 7) % 400)}`;
    const proc = spawn("Xvfb", [display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], { stdio: "ignore" });
    const ok = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(true), 1000);
      proc.once("exit", () => {
        clearTimeout(t);
        resolve(false);
      });
    });
    if (ok) return { proc, display };
  }
  throw new Error("Xvfb would not start on any of 5 display numbers");
}

export async function launchClientCertBrowser(options: ClientCertBrowserOptions): Promise<ClientCertBrowser> {
  const home = mkdtempSync(join(tmpdir(), "cps-bridge-tls-home-"));
  const nssDb = join(home, ".pki", "nssdb");
  mkdirSync(nssDb, { recursive: true });
  const policy = join(POLICY_DIR, `cps-bridge-tls-${process.pid}.json`);
  let xvfb: { proc: ChildProcess; display: string } | undefined;
  let browser: Browser | undefined;
  const dispose = async () => {
    await browser?.close().catch(() => {});
    xvfb?.proc.kill();
    rmSync(policy, { force: true });
    try {
      rmdirSync(POLICY_DIR); // only when empty (another run's policy keeps it); Debian ships no such folder
    } catch {}
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const env = { ...process.env, ...(options.env ?? {}) };
    await toolAsync("certutil", ["-N", "--empty-password", "-d", `sql:${nssDb}`], env);
    if (options.pkcs11Module) {
      const { name, library } = options.pkcs11Module;
      await toolAsync("modutil", ["-force", "-add", name, "-libfile", library, "-dbdir", `sql:${nssDb}`], env);
    }
    if (options.trustServerCertPem) {
      const file = join(home, "server.pem");
      writeFileSync(file, options.trustServerCertPem);
      await toolAsync(
        "certutil",
        ["-A", "-n", "cps-bridge-mock-portal", "-t", "P,,", "-i", file, "-d", `sql:${nssDb}`],
        env,
      );
    }
    mkdirSync(POLICY_DIR, { recursive: true });
    writeFileSync(
      policy,
      JSON.stringify({
        AutoSelectCertificateForUrls: options.autoSelectOrigins.map((pattern) =>
          JSON.stringify({ pattern, filter: {} }),
        ),
      }),
    );
    xvfb = await startXvfb();
    const display = xvfb.display;
    browser = await puppeteer.launch({
      executablePath: findChromium(),
      headless: false,
      userDataDir: join(home, "profile"),
      pipe: true,
      args: [...chromiumArgs(), ...(options.args ?? [])],
      env: { ...env, HOME: home, DISPLAY: display },
      defaultViewport: null,
      protocolTimeout: 30_000,
    });
    const b = browser;
    return {
      browser: b,
      home,
      nssDb,
      display,
      async typePinWhenPrompted(pin, timeoutMs = 60_000) {
        const xenv = { ...process.env, DISPLAY: display };
        const deadline = Date.now() + timeoutMs;
        let win = "";
        while (!win) {
          const r = await runTool("xdotool", ["search", "--onlyvisible", "--name", PIN_PROMPT_TITLE], { env: xenv });
          win = r.code === 0 ? (r.stdout.trim().split("\n")[0] ?? "") : "";
          if (win) break;
          if (Date.now() > deadline) throw new Error(`no "${PIN_PROMPT_TITLE}" prompt within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 250));
        }
        // No window manager under Xvfb: focus the prompt ourselves (an error here is harmless, focus may follow).
        await runTool("xdotool", ["windowfocus", "--sync", win], { env: xenv, timeoutMs: 5_000 });
        await toolAsync("xdotool", ["type", "--delay", "50", pin], xenv);
        await toolAsync("xdotool", ["key", "Return"], xenv);
      },
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** A softhsm2 token in `dir` holding `keyPem` + `certDer` (id 01) behind `pin`: a stand-in card for the browser path. */
export function makeSofthsmToken(
  dir: string,
  keyPem: string,
  certDer: Uint8Array,
  pin: string,
): { env: Record<string, string> } {
  mkdirSync(join(dir, "tokens"), { recursive: true });
  const conf = join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  tool("softhsm2-util", ["--init-token", "--free", "--label", "CPS-TEST", "--pin", pin, "--so-pin", "12345678"], env);
  writeFileSync(join(dir, "key.pem"), keyPem);
  writeFileSync(join(dir, "cert.der"), certDer);
  tool(
    "softhsm2-util",
    ["--import", join(dir, "key.pem"), "--token", "CPS-TEST", "--label", "auth", "--id", "01", "--pin", pin],
    env,
  );
  rmSync(join(dir, "key.pem"));
  // biome-ignore format: one command
  tool("pkcs11-tool", ["--module", SOFTHSM_MODULE, "--token-label", "CPS-TEST", "--login", "--pin", pin, "--write-object", join(dir, "cert.der"), "--type", "cert", "--id", "01", "--label", "auth"], env);
  return { env: { SOFTHSM2_CONF: conf } };
}
