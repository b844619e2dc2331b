/**
 * Identifiant + mot de passe, then the e-mailed code (viatrajectoire-guide-excerpt.md; viatrajectoire.md §2.2,
 * §8.1–8.2), and the session rules (sliding expiry → 302 to Login.aspx?ReturnUrl=…, logout), over real HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loginUrlFor, PATHS } from "./paths";
import { createMockPortal, type MockPortal } from "./portal";
import { MSG } from "./routes/auth-password";
import { adminFetch } from "./testing/admin";
import { attr, hiddenFields, TestBrowser, tagById, textById } from "./testing/browser";
import { DOCTOR, loggedIn, passwordStep, submitOtp } from "./testing/flows";

let portal: MockPortal;
beforeAll(async () => {
  portal = createMockPortal({
    extraAccounts: [
      { nationalId: "810000000017", surname: "SANSMOTDEPASSE", givenName: "Lou", email: "lou@test.local" },
    ],
  });
  await portal.start();
});
afterAll(() => portal.stop());
beforeEach(() => portal.admin.reset());

describe("login page", () => {
  it("has the WebForms shape and the three ways in (viatrajectoire.md §8.2)", async () => {
    const b = new TestBrowser(portal.url);
    const p = await b.get(
      `${PATHS.login}?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB`,
    );
    expect(p.status).toBe(200);
    expect(p.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const form = tagById(p.text, "form1")!;
    expect(attr(form, "method")).toBe("post");
    expect(attr(form, "action")).toBe(
      "./Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
    );
    expect(p.text.match(/<form /g)).toHaveLength(1);
    const hidden = hiddenFields(p.text);
    expect(Object.keys(hidden)).toEqual(expect.arrayContaining(["__VIEWSTATE", "__EVENTVALIDATION", "__EVENTTARGET"]));
    expect(attr(tagById(p.text, "UserName"), "type")).toBe("text");
    expect(attr(tagById(p.text, "Password"), "type")).toBe("password");
    expect(attr(tagById(p.text, "LoginButton"), "type")).toBe("submit");
    expect(textById(p.text, "btnCPS")).toBe("Se connecter par carte CPS");
    expect(attr(tagById(p.text, "btnCPS"), "href")).toBe(
      "LoginCPS.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
    );
    expect(textById(p.text, "btnECPS")).toBe("Se connecter par E-CPS");
    expect(textById(p.text, "lnkMotDePasseOublie")).toBe("Mot de passe oublié ?");
    expect(tagById(p.text, "lblErreur")).toContain("hidden");
    // Session cookie: HttpOnly, SameSite=Lax.
    const cookie = p.headers.getSetCookie().find((c) => c.startsWith("ASP.NET_SessionId="))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
  });

  it("matches paths without regard to case, as IIS", async () => {
    const p = await new TestBrowser(portal.url).get("/trajectoire/pages/acceslibre/login.aspx");
    expect(p.status).toBe(200);
  });

  it("refuses a wrong password, an unknown user, empty fields, and a password login before any CPS login", async () => {
    const b = new TestBrowser(portal.url);
    const cases: [Record<string, string>, string][] = [
      [{ UserName: DOCTOR.username, Password: "wrong" }, MSG.badCredentials],
      [{ UserName: "899999999999", Password: DOCTOR.password }, MSG.badCredentials],
      [{ UserName: "", Password: "" }, MSG.missingCredentials],
      [{ UserName: "810000000017", Password: "anything" }, MSG.noPasswordYet],
    ];
    for (const [creds, message] of cases) {
      const login = await b.get(PATHS.login);
      const r = await b.post(PATHS.login, { ...hiddenFields(login.text), ...creds });
      expect(r.status).toBe(200);
      expect(textById(r.text, "lblErreur")).toBe(message);
    }
    expect(portal.admin.mails()).toHaveLength(0);
  });

  it("refuses a post without the page's __EVENTVALIDATION (the form must come from the page)", async () => {
    const b = new TestBrowser(portal.url);
    const r = await b.post(PATHS.login, { UserName: DOCTOR.username, Password: DOCTOR.password });
    expect(textById(r.text, "lblErreur")).toBe(MSG.pageExpired);
    expect(portal.admin.mails()).toHaveLength(0);
  });

  it("accepts the bare RPPS as identifier too", async () => {
    const b = new TestBrowser(portal.url);
    const r = await passwordStep(b, PATHS.dashboard, { username: DOCTOR.username.slice(1), password: DOCTOR.password });
    expect(r.status).toBe(302);
  });
});

describe("the e-mailed code", () => {
  it("sends the guide's mail and logs in with the code once", async () => {
    const b = new TestBrowser(portal.url);
    const posted = await passwordStep(b, PATHS.account);
    expect(posted.status).toBe(302);
    expect(posted.location).toBe(
      `${PATHS.loginOtp}?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fMonCompte`,
    );

    const mails = (await (await fetch(`${portal.url}/__mailbox`)).json()) as {
      from: string;
      to: string;
      subject: string;
      text: string;
      raw?: string;
    }[];
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.from).toBe("no_reply.trajectoire@sante-ra.fr");
    expect(m.to).toBe("cps@test.local");
    expect(m.subject).toBe("[ViaTrajectoire] Connexion OTP");
    expect(m.raw).toBeUndefined();
    const code = /Votre code OTP : (\d{6})\n/.exec(m.text)![1]!;
    expect(m.text).toBe(
      `Madame, Monsieur,\n\nSuite à votre demande de connexion OTP, veuillez trouver ci-dessous le code vous permettant de vous connecter.\n\nVotre code OTP : ${code}\n\nAttention: Ce code n'est valable que pour une durée de 10 minutes.\n[Ce message est généré automatiquement par le logiciel ViaTrajectoire, veuillez ne pas y répondre.]\n`,
    );
    const raw = portal.admin.lastMail()!.raw;
    expect(raw).toMatch(
      /^Return-Path: <no_reply\.trajectoire@sante-ra\.fr>\r\nFrom: no_reply\.trajectoire@sante-ra\.fr\r\nTo: cps@test\.local\r\nSubject: \[ViaTrajectoire\] Connexion OTP\r\nDate: .+ \+0000\r\nMessage-ID: <.+@sante-ra\.fr>\r\nMIME-Version: 1\.0\r\n/,
    );

    const otp = await b.follow(posted);
    expect(textById(otp.text, "lblEnvoi")).toBe("Un code vous a été envoyé à c***@***.local, valable 10 minutes.");
    const input = tagById(otp.text, "CodeOTP")!;
    expect(attr(input, "inputmode")).toBe("numeric");
    expect(attr(input, "autocomplete")).toBe("one-time-code");
    expect(attr(input, "maxlength")).toBe("6");
    expect(attr(tagById(otp.text, "otpTimer"), "data-remaining")).toBe("600");
    expect(textById(otp.text, "otpTimer")).toBe("10:00");
    expect(textById(otp.text, "btnRenvoyer")).toBe("Renvoyer le code");

    const ok = await submitOtp(b, otp, code);
    expect(ok.status).toBe(302);
    expect(ok.location).toBe(PATHS.account);
    expect(portal.admin.sessions().filter((s) => s.accountId)).toMatchObject([
      { accountId: DOCTOR.username, method: "password+otp" },
    ]);
    const account = await b.get(PATHS.account);
    expect(account.status).toBe(200);

    // Single use: the pending login is gone, the code cannot be replayed.
    const again = await b.post(`${PATHS.loginOtp}?ReturnUrl=%2f`, { ...hiddenFields(otp.text), CodeOTP: code });
    expect(again.status).toBe(302);
    expect(again.location).toMatch(new RegExp(`^${PATHS.login.replace(/\./g, "\\.")}`));
  });

  it("a code is bound to its login attempt: another browser cannot use it", async () => {
    const a = new TestBrowser(portal.url);
    const otpA = await a.follow(await passwordStep(a));
    const codeA = portal.admin.lastOtp()!.code;
    const eve = new TestBrowser(portal.url);
    const otpE = await eve.follow(await passwordStep(eve));
    const codeE = portal.admin.lastOtp()!.code;
    if (codeA !== codeE) {
      const r = await submitOtp(eve, otpE, codeA);
      expect(r.status).toBe(200);
      expect(textById(r.text, "lblErreur")).toBe(MSG.otpWrong(4));
    }
    expect((await submitOtp(a, otpA, codeA)).status).toBe(302);
  });

  it("expires after 10 minutes (admin clock)", async () => {
    const b = new TestBrowser(portal.url);
    const otp = await b.follow(await passwordStep(b));
    const code = portal.admin.lastOtp()!.code;
    const adv = await adminFetch(`${portal.url}/__admin/clock/advance`, {
      method: "POST",
      body: JSON.stringify({ minutes: 10, seconds: 1 }),
    });
    expect(adv.status).toBe(200);
    const r = await submitOtp(b, otp, code);
    expect(r.status).toBe(200);
    expect(textById(r.text, "lblErreur")).toBe(MSG.otpExpired);
    expect(textById(r.text, "otpTimer")).toBe("00:00");
    // A fresh page load says so too.
    const page = await b.get(`${PATHS.loginOtp}?ReturnUrl=%2f`);
    expect(textById(page.text, "lblErreur")).toBe(MSG.otpExpired);
  });

  it("is still valid at 9 min 59 s", async () => {
    const b = new TestBrowser(portal.url);
    const otp = await b.follow(await passwordStep(b));
    portal.admin.advanceClock(9 * 60_000 + 59_000);
    expect((await b.get(`${PATHS.loginOtp}?ReturnUrl=%2f`)).text).toMatch(/data-remaining="1"/);
    expect((await submitOtp(b, otp, portal.admin.lastOtp()!.code)).status).toBe(302);
  });

  it("Renvoyer le code sends a new mail and invalidates the previous code", async () => {
    const b = new TestBrowser(portal.url);
    const otp = await b.follow(await passwordStep(b));
    const first = portal.admin.lastOtp()!.code;
    portal.admin.advanceClock(5 * 60_000);
    const resent = await b.post(`${PATHS.loginOtp}?ReturnUrl=%2f`, { ...hiddenFields(otp.text), btnRenvoyer: "1" });
    expect(resent.status).toBe(200);
    expect(textById(resent.text, "lblInfo")).toBe(MSG.otpResent);
    expect(attr(tagById(resent.text, "otpTimer"), "data-remaining")).toBe("600");
    expect(portal.admin.mails()).toHaveLength(2);
    const second = portal.admin.lastOtp()!.code;
    if (second !== first) {
      const old = await submitOtp(b, resent, first);
      expect(textById(old.text, "lblErreur")).toBe(MSG.otpWrong(4));
    }
    expect((await submitOtp(b, resent, second)).status).toBe(302);
  });

  it("allows 5 tries, then sends back to the login page", async () => {
    const b = new TestBrowser(portal.url);
    const otp = await b.follow(await passwordStep(b));
    const code = portal.admin.lastOtp()!.code;
    const wrong = code === "123456" ? "654321" : "123456";
    for (const left of [4, 3, 2, 1]) {
      const r = await submitOtp(b, otp, wrong);
      expect(textById(r.text, "lblErreur")).toBe(MSG.otpWrong(left));
      expect(textById(r.text, "lblEssais")).toBe(`Essais restants : ${left}`);
    }
    const fifth = await submitOtp(b, otp, wrong);
    expect(fifth.status).toBe(302);
    expect(fifth.location).toBe(loginUrlFor("/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB"));
    const back = await b.follow(fifth);
    expect(textById(back.text, "lblErreur")).toBe(MSG.otpLocked);
    // The right code no longer works: the attempt is over.
    const late = await submitOtp(b, otp, code);
    expect(late.status).toBe(302);
    expect(late.location).toMatch(/Login\.aspx/);
    expect(portal.admin.sessions().some((s) => s.accountId)).toBe(false);
  });

  it("delivers after the configured delay, and not before", async () => {
    await adminFetch(`${portal.url}/__admin/mail/delay`, { method: "POST", body: JSON.stringify({ ms: 300 }) });
    const b = new TestBrowser(portal.url);
    await passwordStep(b);
    expect(await (await fetch(`${portal.url}/__mailbox`)).json()).toEqual([]);
    expect(portal.admin.state().mailsInTransit).toBe(1);
    await new Promise((r) => setTimeout(r, 450));
    const mails = (await (await fetch(`${portal.url}/__mailbox`)).json()) as unknown[];
    expect(mails).toHaveLength(1);
  });
});

describe("session", () => {
  it("restricted pages redirect to Login.aspx?ReturnUrl=<path> when not logged in", async () => {
    const b = new TestBrowser(portal.url);
    const r = await b.get(`${PATHS.dashboard}?onglet=annules`);
    expect(r.status).toBe(302);
    expect(r.location).toBe(
      "/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB%3fonglet%3dannules",
    );
  });

  it("slides: active use keeps it, 30 idle minutes end it (302 with ReturnUrl), on every restricted page", async () => {
    const { b } = await loggedIn(portal);
    for (let i = 0; i < 3; i++) {
      portal.admin.advanceClock(29 * 60_000);
      expect((await b.get(PATHS.dashboard)).status).toBe(200);
    }
    portal.admin.advanceClock(30 * 60_000 + 1000);
    const d = portal.admin.dossiers()[0]!;
    const path = PATHS.dossier(d.module, d.numero);
    const r = await b.get(path);
    expect(r.status).toBe(302);
    expect(r.location).toBe(loginUrlFor(path));
    expect((await b.get(PATHS.dashboard)).status).toBe(302);
  });

  it("the session id changes at login (no fixation) and the old one is worthless", async () => {
    const b = new TestBrowser(portal.url);
    await b.get(PATHS.login);
    const before = b.cookies.get("ASP.NET_SessionId");
    const otp = await b.follow(await passwordStep(b));
    await submitOtp(b, otp, portal.admin.lastOtp()!.code);
    const after = b.cookies.get("ASP.NET_SessionId");
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const eve = new TestBrowser(portal.url);
    eve.cookies.set("ASP.NET_SessionId", before!);
    expect((await eve.get(PATHS.dashboard)).status).toBe(302);
  });

  it("Déconnexion ends the session", async () => {
    const { b, dashboard } = await loggedIn(portal);
    expect(attr(tagById(dashboard.text, "lnkDeconnexion"), "href")).toBe(PATHS.logout);
    const out = await b.get(PATHS.logout);
    expect(out.status).toBe(302);
    expect(out.location).toBe(PATHS.login);
    expect((await b.get(PATHS.dashboard)).status).toBe(302);
  });

  it("the idle time is configurable", async () => {
    const p = createMockPortal({ sessionIdleMinutes: 5 });
    await p.start();
    try {
      const { b } = await loggedIn(p);
      p.admin.advanceClock(5 * 60_000 + 1000);
      expect((await b.get(PATHS.dashboard)).status).toBe(302);
    } finally {
      await p.stop();
    }
  });
});
