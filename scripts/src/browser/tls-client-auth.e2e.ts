/**
 * The browser's own TLS client-certificate card login (issue 10 §7), in real Debian Chromium under Xvfb:
 * NSS db in a temp HOME, a PKCS#11 module registered with modutil, the certificate auto-selected by policy, the
 * token PIN typed into NSS's prompt with xdotool. The token is softhsm2 holding a test-PKI holder certificate + key
 * (OpenSC + the virtual CPS3 is not wired here yet: see docs/diagnostics.md). With the module registered the mock
 * portal's real-mode card login reaches the dashboard; without it the browser presents no certificate and the
 * portal answers its failure page, reason `no-certificate` in its admin log.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e scripts/src/browser/tls-client-auth.e2e.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATHS } from "../mock-portal/paths";
import { createMockPortal, type MockPortal } from "../mock-portal/portal";
import { loadTestPki, makeCard } from "../mock-portal/testing/tokens";
import { screenshot } from "./artifacts";
import { type ClientCertBrowser, launchClientCertBrowser, makeSofthsmToken, SOFTHSM_MODULE } from "./client-cert";

const PIN = "1234";
const pem = (l: string, d: ArrayBuffer) =>
  `-----BEGIN ${l}-----\n${Buffer.from(d)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END ${l}-----\n`;

let portal: MockPortal;
let tokenDir: string;
let tokenEnv: Record<string, string>;

beforeAll(async () => {
  portal = createMockPortal({ mode: "real", tlsPort: 0 });
  await portal.start();
  const card = await makeCard(await loadTestPki(), {
    nationalId: "899700123456",
    surname: "TESTCPS",
    givenName: "Alice",
  });
  tokenDir = mkdtempSync(join(tmpdir(), "cps-bridge-softhsm-"));
  tokenEnv = makeSofthsmToken(
    tokenDir,
    pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", card.keys.privateKey)),
    card.certificate,
    PIN,
  ).env;
}, 120_000);
afterAll(async () => {
  await portal.stop();
  rmSync(tokenDir, { recursive: true, force: true });
});

const RETURN = "%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB";

async function cardLogin(kit: ClientCertBrowser, typePin: boolean): Promise<string> {
  const page = await kit.browser.newPage();
  const nav = page.goto(`${portal.tls!.url}${PATHS.loginCps}?ReturnUrl=${RETURN}`, { timeout: 60_000 });
  // The PIN prompt appears once the handshake asks the token to sign; a loaded CI machine needs a generous delay.
  if (typePin) await kit.typePinAfter(PIN, 5_000);
  await nav;
  await page.waitForFunction(() => document.readyState === "complete", { timeout: 30_000 });
  return page.url();
}

describe("TLS client-certificate card login in Chromium (softhsm2 token, Xvfb, PIN typed)", () => {
  it("module registered: the real-mode card login reaches the dashboard", async () => {
    const kit = await launchClientCertBrowser({
      pkcs11Module: { name: "softhsm", library: SOFTHSM_MODULE },
      env: tokenEnv,
      trustServerCertPem: portal.tls!.identity!.certPem,
      autoSelectOrigins: [portal.tls!.url],
    });
    try {
      const url = await cardLogin(kit, true);
      expect(new URL(url).pathname).toBe(PATHS.dashboard);
      const page = (await kit.browser.pages()).at(-1)!;
      expect(await page.content()).toContain("TESTCPS");
      await screenshot(page, "tls-client-auth-dashboard", "body");
      expect(portal.tls!.attempts.find((a) => a.path.endsWith("LoginCPS.aspx"))).toMatchObject({
        ok: true,
        nationalId: "899700123456",
      });
    } finally {
      await kit.dispose();
    }
  }, 150_000);

  it("module not registered: no certificate is presented and the portal shows its failure page", async () => {
    portal.tls!.attempts.length = 0;
    const kit = await launchClientCertBrowser({
      env: tokenEnv,
      trustServerCertPem: portal.tls!.identity!.certPem,
      autoSelectOrigins: [portal.tls!.url],
    });
    try {
      const url = await cardLogin(kit, false);
      expect(new URL(url).pathname).toBe(PATHS.cpsFailure);
      const page = (await kit.browser.pages()).at(-1)!;
      expect(await page.content()).toContain("La lecture de la carte CPS a échoué");
      await screenshot(page, "tls-client-auth-no-module-failure", "body");
      expect(portal.tls!.attempts.at(0)).toMatchObject({ ok: false, reason: "no-certificate" });
    } finally {
      await kit.dispose();
    }
  }, 150_000);
});
