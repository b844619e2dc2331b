/**
 * The Internet webmail path of the OTP autofill (issue 11 §2): a webmail on the Internet is read only once the doctor
 * ticked it in the options, through the content script the background registers at run time on that service's
 * granted origins (background/otp/webmail-scripts.ts). Real parts: Chromium with the built extension, its options
 * page clicked, its worker's real `scripting.registerContentScripts`, the real agent, the mock portal's code step.
 *
 * What is not real, and why: the Gmail page. There is no network here and no real Gmail page may be saved into the
 * tree, so the tab's navigation to https://mail.google.com/… is answered by Puppeteer (request interception) with the
 * hand-made Gmail fixture (extension/src/webmail/fixtures/gmail-show.html, [U] selectors) carrying the portal's real
 * code and the current time. The browser still treats it as https://mail.google.com: only a content script
 * registered for that origin runs there. The extension is a copy whose manifest declares mail.google.com as granted
 * (kit `withGrantedHostPermissions`: Chromium's prompt cannot be accepted from Puppeteer), so the only thing that
 * keeps the script off the page before the tick is the extension's own rule — which is what the first test checks.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/otp-internet-webmail.e2e.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { screenshot, withGrantedHostPermissions } from "@cps-bridge/scripts/browser/index";
import { portalScreenshot, waitForPanel } from "@cps-bridge/scripts/demo/assistant-page";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import type { HTTPRequest, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PASSWORD_ACCOUNT, sleep, startLoginSlice } from "./login-helpers";

const GMAIL = "https://mail.google.com/*";
const FIXTURE = readFileSync(join(import.meta.dirname, "../src/webmail/fixtures/gmail-show.html"), "utf8");
const MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];

let s: Slice;
let portal: Page;
let webmail: Page;
/** What the intercepted Gmail tab serves next. */
let served: { code: string; id: string; sender?: string } = { code: "000000", id: "none" };

/** The Gmail fixture with this code, this message id and the current minute, as Gmail shows it. */
function gmailPage(code: string, id: string, sender = "no_reply.trajectoire@sante-ra.fr"): string {
  const d = new Date();
  const shown = `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return FIXTURE.replace(/482913/g, code)
    .replace(/title="[^"]*2026 09:02"/, `title="${shown}"`)
    .replace(/data-legacy-message-id="[^"]+"/, `data-legacy-message-id="${id}"`)
    .replaceAll("no_reply.trajectoire@sante-ra.fr", sender);
}

async function registered(): Promise<string[]> {
  const sw = await s.kit.serviceWorker();
  return sw.evaluate(async () => {
    const g = globalThis as unknown as {
      chrome: { scripting: { getRegisteredContentScripts(): Promise<Array<{ id: string; matches?: string[] }>> } };
    };
    return (await g.chrome.scripting.getRegisteredContentScripts()).flatMap((x) => x.matches ?? []);
  });
}

async function openGmail(): Promise<void> {
  await webmail.bringToFront();
  // A new document each time (a fragment-only change would not reload the page nor re-inject).
  await webmail.goto(`https://mail.google.com/mail/u/0/?ik=${served.id}#inbox/${served.id}`, { waitUntil: "load" });
}

/** Opens the Gmail tab, then checks the portal's field stayed empty. */
async function expectGmailNotRead(): Promise<void> {
  await openGmail();
  await sleep(1_500);
  await portal.bringToFront();
  expect(await portal.$eval("#CodeOTP", (e) => (e as HTMLInputElement).value)).toBe("");
}

/** Opens the Gmail tab, then waits for this code in the portal's field. */
async function expectGmailFills(code: string): Promise<void> {
  await openGmail();
  await portal.bringToFront();
  await portal.waitForFunction(
    (c) => (document.querySelector("#CodeOTP") as HTMLInputElement)?.value === c,
    { timeout: 5_000 },
    code,
  );
}

async function codeStep(): Promise<string> {
  await portal.bringToFront();
  await portal.goto(s.loginUrl, { waitUntil: "load" });
  await portal.type("#UserName", PASSWORD_ACCOUNT.user);
  await portal.type("#Password", PASSWORD_ACCOUNT.password);
  await Promise.all([portal.waitForNavigation({ timeout: 15_000 }), portal.click("#LoginButton")]);
  // No mailbox configured: the panel says where the code is expected from, and keeps listening to webmail tabs.
  await waitForPanel(portal, "otp", (p) => p.data["otp-state"] === "error", 10_000);
  const code = s.portal.admin.lastOtp()?.code;
  if (!code) throw new Error("the mock portal sent no code");
  return code;
}

beforeAll(async () => {
  s = await startLoginSlice({
    mode: "token",
    extensionPath: withGrantedHostPermissions(inject("extensionPath"), [GMAIL]),
  });
  portal = await s.kit.browser.newPage();
  webmail = await s.kit.browser.newPage();
  await webmail.setViewport({ width: 1280, height: 800 });
  await webmail.setRequestInterception(true);
  webmail.on("request", (r: HTTPRequest) => {
    if (r.url().startsWith("https://mail.google.com/")) {
      void r.respond({
        status: 200,
        contentType: "text/html; charset=utf-8",
        body: gmailPage(served.code, served.id, served.sender),
      });
    } else void r.continue();
  });
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

describe("OTP from an Internet webmail (Gmail-shaped page on https://mail.google.com, no mailbox configured)", () => {
  it("before Gmail is ticked in the options, the open mail is not read, though the host is granted", async () => {
    expect(await registered()).toEqual([]);
    const code = await codeStep();
    served = { code, id: "cpsb-e2e-before-tick" };
    await expectGmailNotRead();
    await s.logout();
  });

  it("ticked in the options, the script is registered on mail.google.com and the open mail fills the code", async () => {
    const options = await s.kit.openExtensionPage("options.html");
    await options.setViewport({ width: 900, height: 1400 });
    await options.waitForSelector('input[data-webmail="gmail"]');
    await options.click('input[data-webmail="gmail"]');
    await options.waitForFunction(
      () => document.querySelector("[data-webmail-status]")?.textContent?.startsWith("Gmail : activé"),
      { timeout: 5_000 },
    );
    await screenshot(options, "otp-internet-webmail-01-options", "#cpsb-webmail-options");
    const end = Date.now() + 5_000;
    while (!(await registered()).includes(GMAIL) && Date.now() < end) await sleep(100);
    expect(await registered()).toEqual([GMAIL]);
    await options.close();

    const code = await codeStep();
    served = { code, id: "cpsb-e2e-after-tick" };
    await expectGmailFills(code);
    const filled = await waitForPanel(portal, "otp", (p) => p.data["otp-state"] === "filled");
    expect(filled.text).toContain("lu dans votre webmail");
    await portalScreenshot(portal, "otp-internet-webmail-02-filled", "otp");
    await Promise.all([portal.waitForNavigation({ timeout: 15_000 }), portal.click("#btnValider")]);
    expect(s.isDashboard(portal.url())).toBe(true);
    await s.logout();
  });

  it("a sender outside the allow-list is not read until the doctor adds it in the options", async () => {
    const region = "no_reply.trajectoire@sante-exemple.fr";
    let code = await codeStep();
    served = { code, id: "cpsb-e2e-other-sender", sender: region };
    await expectGmailNotRead();
    await s.logout();

    const options = await s.kit.openExtensionPage("options.html");
    await options.waitForSelector('textarea[name="senders"]');
    await options.$eval(
      'textarea[name="senders"]',
      (e, extra) => {
        const t = e as HTMLTextAreaElement;
        t.value = `${t.value}\n${extra}`;
        t.dispatchEvent(new Event("input", { bubbles: true }));
      },
      region,
    );
    await options.click('[data-action="senders-save"]');
    await options.waitForSelector('[data-senders-status="ok"]', { timeout: 5_000 });
    await screenshot(options, "otp-internet-webmail-03-senders", "#cpsb-senders-options");
    await options.close();

    code = await codeStep();
    served = { code, id: "cpsb-e2e-added-sender", sender: region };
    await expectGmailFills(code);
    await s.logout();
  });

  it("unticked again, the registration is gone and the next code is not read", async () => {
    const options = await s.kit.openExtensionPage("options.html");
    await options.waitForSelector('input[data-webmail="gmail"]:checked');
    await options.click('input[data-webmail="gmail"]');
    await options.waitForFunction(
      () => document.querySelector("[data-webmail-status]")?.textContent?.startsWith("Gmail : désactivé"),
      { timeout: 5_000 },
    );
    await options.close();
    const end = Date.now() + 5_000;
    while ((await registered()).length > 0 && Date.now() < end) await sleep(100);
    expect(await registered()).toEqual([]);
    const code = await codeStep();
    served = { code, id: "cpsb-e2e-after-untick" };
    await expectGmailNotRead();
    await s.logout();
  });
});
