/**
 * The webmail path of the OTP autofill (issue 11 §2, §6), with real parts only: a real Roundcube (Debian's, on PHP's
 * built-in server) over a real dovecot holding the mock portal's mail, Chromium with the built extension, the real
 * agent with NO mailbox configured. The doctor has Roundcube open in another tab; opening the portal's mail there puts
 * the code into the portal's field; a look-alike sender's mail opened the same way is never taken.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/otp-webmail.e2e.ts
 */
import { screenshot } from "@cps-bridge/scripts/browser/index";
import { portalScreenshot, readPanel, waitForPanel } from "@cps-bridge/scripts/demo/assistant-page";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import { DEFAULT_MAIL_USER, type Dovecot, startDovecot } from "@cps-bridge/scripts/mail/dovecot";
import { hasRoundcube, type Roundcube, startRoundcube } from "@cps-bridge/scripts/mail/roundcube";
import type { Page } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, openLoginTracked, PASSWORD_ACCOUNT, sleep, startLoginSlice } from "./login-helpers";

const USER = DEFAULT_MAIL_USER.user;
let d: Dovecot;
let rc: Roundcube;
let s: Slice;
let webmail: Page;
const pages: Page[] = [];

beforeAll(async () => {
  d = await startDovecot();
  rc = await startRoundcube({ imapPort: d.imapPort });
  s = await startLoginSlice({ mode: "token", mail: { mailboxDir: d.maildirOf(USER), mailCa: d.caPath } });
  await s.kit.configure({ developerOrigins: [s.origin, rc.origin] });
  webmail = await s.kit.browser.newPage();
  await webmail.setViewport({ width: 1280, height: 800 });
  await webmail.goto(`${rc.url}/`, { waitUntil: "load" });
  await webmail.type("#rcmloginuser", USER);
  await webmail.type("#rcmloginpwd", DEFAULT_MAIL_USER.pass);
  await Promise.all([webmail.waitForNavigation(), webmail.click("#rcmloginsubmit")]);
}, 180_000);

afterAll(async () => {
  await s?.stop();
  await rc?.stop();
  await d?.dispose();
});

afterEach(async () => {
  s.portal.admin.setOtpMailVariant("standard");
  await cleanUp(s, pages);
});

async function passwordStep(): Promise<Page> {
  const page = await openLoginTracked(s, pages);
  await page.type("#UserName", PASSWORD_ACCOUNT.user);
  await page.type("#Password", PASSWORD_ACCOUNT.password);
  await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.click("#LoginButton")]);
  return page;
}

/** In the Roundcube tab: refresh the list and open the newest message in the preview frame (a real click). */
async function openNewestInRoundcube(): Promise<void> {
  await webmail.bringToFront();
  await webmail.goto(`${rc.url}/?_task=mail&_mbox=INBOX`, { waitUntil: "load" });
  await webmail.waitForSelector("#messagelist tbody tr", { timeout: 10_000 });
  await webmail.click("#messagelist tbody tr:first-child td.subject");
  await webmail.waitForFunction(
    () =>
      (document.querySelector("#messagecontframe") as HTMLIFrameElement | null)?.contentDocument?.querySelector(
        "#messagebody",
      ),
    { timeout: 10_000 },
  );
}

describe.skipIf(!hasRoundcube())("OTP from a webmail tab (real Roundcube, no mailbox configured)", () => {
  it("opening the portal's mail in Roundcube fills the portal's code field", async () => {
    const page = await passwordStep();
    // No mailbox set up: the panel says so, and keeps listening to webmail tabs.
    const panel = await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "error", 10_000);
    expect(panel.text).toContain("webmail");
    const code = s.portal.admin.lastOtp()?.code;
    await openNewestInRoundcube();
    await screenshot(webmail, "otp-webmail-01-roundcube", "body");
    await page.bringToFront();
    await page.waitForFunction(
      (c) => (document.querySelector("#CodeOTP") as HTMLInputElement)?.value === c,
      { timeout: 5_000 },
      code,
    );
    const filled = await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "filled");
    expect(filled.text).toContain("lu dans votre webmail");
    await portalScreenshot(page, "otp-webmail-02-filled", "otp");
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.click("#btnValider")]);
    expect(s.isDashboard(page.url())).toBe(true);
  });

  it("a look-alike sender's mail opened in Roundcube is never taken; the genuine one then is", async () => {
    s.portal.admin.setOtpMailVariant("lookalike-domain");
    const page = await passwordStep();
    await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "error", 10_000);
    await openNewestInRoundcube();
    await sleep(1_500);
    await page.bringToFront();
    expect(await page.$eval("#CodeOTP", (e) => (e as HTMLInputElement).value)).toBe("");
    expect((await readPanel(page, "otp"))?.data["otp-state"]).toBe("error");
    const genuine = s.portal.admin.sendOtpVariant("standard");
    await sleep(300);
    await openNewestInRoundcube();
    await page.bringToFront();
    await page.waitForFunction(
      (c) => (document.querySelector("#CodeOTP") as HTMLInputElement)?.value === c,
      { timeout: 5_000 },
      genuine.meta.code,
    );
  });
});
