/**
 * The browser's own TLS client-certificate card login (issue 10 §7), in real Debian Chromium under Xvfb:
 * NSS db in a temp HOME, a PKCS#11 module registered with modutil, the certificate auto-selected by policy, the
 * token PIN typed into NSS's prompt with xdotool. Two tokens: softhsm2 holding a test-PKI holder certificate + key,
 * and OpenSC's module reading the virtual CPS3 over the real pcscd + vpcd. With the module registered (and the card
 * in) the mock portal's real-mode card login reaches the dashboard; without the module, without the card, or with a
 * Vitale card, the
 * browser presents no certificate and the portal answers its failure page, reason `no-certificate` in its admin log.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e scripts/src/browser/tls-client-auth.e2e.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATHS } from "../mock-portal/paths";
import { createMockPortal, type MockPortal } from "../mock-portal/portal";
import { loadTestPki, makeCard } from "../mock-portal/testing/tokens";
import { Testbed } from "../testbed/index";
import { OPENSC_MODULE_NAME, openscPkcs11Module } from "../testbed/nss";
import { DEFAULT_PIN } from "../testbed/profiles";
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

async function cardLogin(kit: ClientCertBrowser, typePin: boolean, pin = PIN): Promise<string> {
  const page = await kit.browser.newPage();
  const nav = page.goto(`${portal.tls!.url}${PATHS.loginCps}?ReturnUrl=${RETURN}`, { timeout: 60_000 });
  // The PIN prompt appears once the handshake needs the token's key; waited for by its window title.
  if (typePin) await kit.typePinWhenPrompted(pin, 60_000);
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

describe("TLS client-certificate card login in Chromium (OpenSC's module, virtual CPS3 over pcscd, Xvfb)", () => {
  let tb: Testbed;
  beforeAll(async () => {
    tb = await Testbed.start();
  }, 60_000);
  afterAll(async () => {
    await tb?.stop();
  }, 60_000);

  it("OpenSC registered, CPS3 inserted, PIN typed: the real-mode card login reaches the dashboard", async () => {
    portal.tls!.attempts.length = 0;
    await tb.insert(0, "cps3");
    const kit = await launchClientCertBrowser({
      pkcs11Module: { name: OPENSC_MODULE_NAME, library: openscPkcs11Module() },
      trustServerCertPem: portal.tls!.identity!.certPem,
      autoSelectOrigins: [portal.tls!.url],
    });
    try {
      const url = await cardLogin(kit, true, DEFAULT_PIN);
      const page = (await kit.browser.pages()).at(-1)!;
      await screenshot(page, "tls-client-auth-opensc-cps3", "body");
      expect(portal.tls!.attempts, JSON.stringify(portal.tls!.attempts)).toContainEqual(
        expect.objectContaining({ ok: true }),
      );
      expect(new URL(url).pathname).toBe(PATHS.dashboard);
    } finally {
      await kit.dispose();
      await tb.remove(0);
    }
  }, 150_000);

  it("OpenSC registered, no card in the reader: no certificate, the portal's failure page", async () => {
    portal.tls!.attempts.length = 0;
    const kit = await launchClientCertBrowser({
      pkcs11Module: { name: OPENSC_MODULE_NAME, library: openscPkcs11Module() },
      trustServerCertPem: portal.tls!.identity!.certPem,
      autoSelectOrigins: [portal.tls!.url],
    });
    try {
      const url = await cardLogin(kit, false);
      const page = (await kit.browser.pages()).at(-1)!;
      await screenshot(page, "tls-client-auth-opensc-no-card-failure", "body");
      expect(new URL(url).pathname).toBe(PATHS.cpsFailure);
      expect(portal.tls!.attempts.at(0)).toMatchObject({ ok: false, reason: "no-certificate" });
    } finally {
      await kit.dispose();
    }
  }, 150_000);

  it("OpenSC registered, a Vitale card inserted by mistake: no certificate, the portal's failure page", async () => {
    portal.tls!.attempts.length = 0;
    await tb.insert(0, "vitale2");
    const kit = await launchClientCertBrowser({
      pkcs11Module: { name: OPENSC_MODULE_NAME, library: openscPkcs11Module() },
      trustServerCertPem: portal.tls!.identity!.certPem,
      autoSelectOrigins: [portal.tls!.url],
    });
    try {
      const url = await cardLogin(kit, false);
      const page = (await kit.browser.pages()).at(-1)!;
      await screenshot(page, "tls-client-auth-opensc-vitale-failure", "body");
      expect(new URL(url).pathname).toBe(PATHS.cpsFailure);
      expect(portal.tls!.attempts.at(0)).toMatchObject({ ok: false, reason: "no-certificate" });
    } finally {
      await kit.dispose();
      await tb.remove(0);
    }
  }, 150_000);
});
