/**
 * The e-mailed login code (issue 11) end to end, with real parts only: Chromium with the built extension, the real
 * agent (test mode, trusting the test dovecot's certificate), a real dovecot serving the Maildir the mock portal
 * mails into, and the mock portal's password login. The doctor configures the mailbox in the options page, logs in
 * with identifiant + mot de passe, and the code is in the field by itself; wrong senders, old mails, a reused code and
 * other origins are never filled; IMAP down and an agent restart mid-wait end in a clear message and the manual path
 * works.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/otp.e2e.ts
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { screenshot } from "@cps-bridge/scripts/browser/index";
import { portalScreenshot, readPanel, waitForPanel } from "@cps-bridge/scripts/demo/assistant-page";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import { DEFAULT_MAIL_USER, type Dovecot, startDovecot } from "@cps-bridge/scripts/mail/dovecot";
import { otpVariantMail } from "@cps-bridge/scripts/mock-portal/mail/otp-variants";
import { buildMail } from "@cps-bridge/scripts/mock-portal/mail/rfc5322";
import type { Page } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixtureHtml } from "../src/portal/fixtures/load";
import { cleanUp, openLoginTracked, PASSWORD_ACCOUNT, sleep, startLoginSlice } from "./login-helpers";

const USER = DEFAULT_MAIL_USER.user;
const OTP_PAGE = /\/LoginOTP\.aspx/i;

let d: Dovecot;
let s: Slice;
const pages: Page[] = [];
const timings: Record<string, number> = {};

beforeAll(async () => {
  d = await startDovecot();
  s = await startLoginSlice({ mode: "token", mail: { mailboxDir: d.maildirOf(USER), mailCa: d.caPath } });
}, 180_000);

afterAll(async () => {
  console.log(`otp e2e timings: ${JSON.stringify(timings)}`);
  await s?.stop();
  await d?.dispose();
});

afterEach(async () => {
  s.portal.admin.setOtpMailVariant("standard");
  s.portal.admin.setMailDelay(0);
  await cleanUp(s, pages);
});

const fieldValue = (page: Page) => page.$eval("#CodeOTP", (e) => (e as HTMLInputElement).value);

/** Identifiant + mot de passe on the mock's login page; resolves on the code step. */
async function passwordStep(): Promise<Page> {
  const page = await openLoginTracked(s, pages);
  await page.type("#UserName", PASSWORD_ACCOUNT.user);
  await page.type("#Password", PASSWORD_ACCOUNT.password);
  await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.click("#LoginButton")]);
  expect(page.url()).toMatch(OTP_PAGE);
  return page;
}

async function configureMailboxInOptions(): Promise<Page> {
  const opts = await s.kit.openExtensionPage("options.html");
  pages.push(opts);
  await opts.waitForSelector('form[data-form="mailbox"]');
  await opts.select('select[name="preset"]', "other");
  const set = async (sel: string, value: string) => {
    await opts.$eval(sel, (e) => {
      (e as HTMLInputElement).value = "";
    });
    await opts.type(sel, value);
  };
  await set('input[name="user"]', USER);
  await set('input[name="host"]', "127.0.0.1");
  await set('input[name="port"]', String(d.imapsPort));
  await opts.select('select[name="security"]', "tls");
  await set('input[name="password"]', DEFAULT_MAIL_USER.pass);
  await opts.click('[data-action="mailbox-save"]');
  await opts.waitForSelector('[data-mailbox-status="ok"]', { timeout: 10_000 });
  return opts;
}

describe("OTP autofill (real Chromium, agent, dovecot, mock portal)", () => {
  it("the doctor sets up the mailbox in the options page (French), the connection test passes", async () => {
    const opts = await configureMailboxInOptions();
    const saved = await opts.$eval("[data-mailbox-status]", (e) => e.textContent ?? "");
    expect(saved).toContain("Réglages enregistrés");
    expect(await opts.$eval('input[name="password"]', (e) => (e as HTMLInputElement).value)).toBe("");
    await opts.click('[data-action="mailbox-test"]');
    await opts.waitForFunction(
      () => document.querySelector("[data-mailbox-status]")?.textContent?.includes("Connexion réussie"),
      { timeout: 10_000 },
    );
    const stored = await (await s.kit.serviceWorker()).evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { storage: Record<string, { get(k: null): Promise<unknown> }> } })
        .chrome;
      return JSON.stringify([await c.storage.local!.get(null), await c.storage.session!.get(null)]);
    });
    expect(String(stored)).not.toContain(DEFAULT_MAIL_USER.pass);
    await screenshot(opts, "otp-01-options", "#cpsb-mailbox-options");
  });

  it("password step → the code is in the field by itself; the doctor presses « Valider » and is logged in", async () => {
    const t0 = Date.now();
    const page = await passwordStep();
    const tPage = Date.now();
    const code = s.portal.admin.lastOtp()?.code;
    expect(code).toMatch(/^\d{6}$/);
    await page.waitForFunction(
      (c) => (document.querySelector("#CodeOTP") as HTMLInputElement)?.value === c,
      { timeout: 5_000 },
      code,
    );
    timings.codePageToFieldMs = Date.now() - tPage;
    timings.passwordClickToFieldMs = Date.now() - t0;
    const panel = await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "filled");
    expect(panel.text).toContain("Code inséré automatiquement");
    expect(panel.text).toContain("Valider");
    expect(page.url()).toMatch(OTP_PAGE); // no auto-submit by default
    await portalScreenshot(page, "otp-02-filled", "otp");
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.click("#btnValider")]);
    expect(s.isDashboard(page.url())).toBe(true);
    await screenshot(page, "otp-03-dashboard");
  });

  it("a code already filled is never filled again (reload of the code page)", async () => {
    const page = await passwordStep();
    const code = s.portal.admin.lastOtp()?.code;
    await page.waitForFunction(
      (c) => (document.querySelector("#CodeOTP") as HTMLInputElement)?.value === c,
      { timeout: 5_000 },
      code,
    );
    await page.reload({ waitUntil: "load" });
    await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "waiting");
    await sleep(2_500);
    expect(await fieldValue(page)).toBe("");
    expect((await readPanel(page, "otp"))?.data["otp-state"]).toBe("waiting");
  });

  it.each([
    ["a look-alike domain", "lookalike-domain"],
    ["a display-name trick", "display-name-trick"],
    ["another sender", "other-sender"],
  ] as const)("a mail from %s is never filled; the portal's real mail then is", async (_label, variant) => {
    s.portal.admin.setOtpMailVariant(variant);
    const page = await passwordStep();
    await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "waiting");
    await sleep(2_000);
    expect(await fieldValue(page)).toBe("");
    const genuine = s.portal.admin.sendOtpVariant("standard");
    await page.waitForFunction(
      (c) => (document.querySelector("#CodeOTP") as HTMLInputElement)?.value === c,
      { timeout: 5_000 },
      genuine.meta.code,
    );
    if (variant === "lookalike-domain") await portalScreenshot(page, "otp-04-after-lookalike", "otp");
  });

  it("a mail older than 10 minutes is never filled", async () => {
    s.portal.admin.setMailDelay(600_000); // the portal's own mail stays in transit
    const page = await passwordStep();
    const code = s.portal.admin.lastOtp()?.code ?? "000000";
    const old = otpVariantMail("standard", {
      code,
      to: USER,
      date: new Date(Date.now() - 11 * 60_000),
      instance: "ViaTrajectoire",
      validityMinutes: 10,
    });
    d.deliver(USER, buildMail(old).raw);
    await sleep(2_500);
    expect(await fieldValue(page)).toBe("");
    expect((await readPanel(page, "otp"))?.data["otp-state"]).toBe("waiting");
  });

  it("the agent restarting mid-wait ends in a clear message; the manual path works", async () => {
    s.portal.admin.setMailDelay(600_000);
    const page = await passwordStep();
    await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "waiting");
    await s.agent.stop();
    try {
      const panel = await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "error", 15_000);
      expect(panel.text).toContain("Renvoyer le code");
      await portalScreenshot(page, "otp-06-agent-restart", "otp");
    } finally {
      await s.agent.start();
    }
    const code = s.portal.admin.lastOtp()?.code ?? "";
    await page.type("#CodeOTP", code);
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.click("#btnValider")]);
    expect(s.isDashboard(page.url())).toBe(true);
  });
  it("IMAP down: a clear French message, the manual path works", async () => {
    await d.stop();
    try {
      const page = await passwordStep();
      const panel = await waitForPanel(page, "otp", (p) => p.data["otp-state"] === "error", 15_000);
      expect(panel.text).toContain("no_reply.trajectoire@sante-ra.fr");
      expect(panel.text).toContain("Renvoyer le code");
      await portalScreenshot(page, "otp-05-imap-down", "otp");
      const code = s.portal.admin.lastOtp()?.code ?? "";
      await page.type("#CodeOTP", code);
      await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.click("#btnValider")]);
      expect(s.isDashboard(page.url())).toBe(true);
    } finally {
      await d.restart();
    }
  });

  it("another origin's copy of the code page gets nothing (the assistant does not run there)", async () => {
    const html = fixtureHtml("mock-login-otp.html");
    const server: Server = createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(html);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const page = await s.kit.browser.newPage();
      pages.push(page);
      await page.goto(`${origin}/Trajectoire/Pages/AccesLibre/LoginOTP.aspx`, { waitUntil: "load" });
      d.deliver(
        USER,
        buildMail(
          otpVariantMail("standard", {
            code: "424242",
            to: USER,
            date: new Date(),
            instance: "ViaTrajectoire",
            validityMinutes: 10,
          }),
        ).raw,
      );
      await sleep(2_500);
      expect(await fieldValue(page)).toBe("");
      expect(await readPanel(page, "otp")).toBeUndefined();
    } finally {
      server.close();
    }
  });
});
