/**
 * Login.aspx (GET: the page; POST: identifiant + mot de passe, or a cps-bridge token submitted with the same form),
 * LoginOTP.aspx (the e-mailed code) and Logout.aspx. Texts of errors are ours [G] unless they quote the guide.
 */
import { type MockAccount, maskEmail } from "../accounts";
import type { Context } from "../http/context";
import type { Router } from "../http/router";
import { otpVariantMail } from "../mail/otp-variants";
import { OtpChallenge } from "../otp";
import { loginPage } from "../pages/login";
import { otpPage } from "../pages/otp";
import { checkEventValidation } from "../pages/webforms";
import { aspNetUrlEncode, PATHS, safeReturnUrl } from "../paths";
import { ensureSession, openSession, type Runtime, readSession } from "../runtime";
import { SESSION_COOKIE, type Session } from "../sessions";
import { TOKEN_CONTRACT } from "../token-contract";
import { handleTokenPost, issueChallenge } from "./auth-cps";

export const MSG = {
  badCredentials: "Identifiant ou mot de passe incorrect.",
  missingCredentials: "Veuillez saisir votre identifiant et votre mot de passe.",
  // Guide excerpt: "Ce mode de connexion n'est possible que si vous vous êtes déjà connecté par CPS (ou e-CPS)".
  noPasswordYet: "Ce mode de connexion n'est possible que si vous vous êtes déjà connecté par CPS (ou e-CPS).",
  pageExpired: "La page a expiré. Veuillez saisir à nouveau vos informations.",
  otpWrong: (n: number) => `Code incorrect. Il vous reste ${n} essai${n > 1 ? "s" : ""}.`,
  // Guide excerpt: "Passé ce délai, un nouveau code doit être demandé."
  otpExpired: "Ce code n'est plus valable : passé le délai de 10 minutes, un nouveau code doit être demandé.",
  otpLocked: "Nombre maximal d'essais atteint. Veuillez vous reconnecter.",
  otpResent: "Un nouveau code vous a été envoyé. Le code précédent n'est plus valable.",
  otpTooManyResends: "Nombre maximal d'envois de code atteint. Veuillez vous reconnecter.",
  otpNoPending: "Votre demande de connexion a expiré. Veuillez vous reconnecter.",
};

export function renderLogin(
  rt: Runtime,
  ctx: Context,
  session: Session,
  o: { error?: string; username?: string; errorCode?: string } = {},
): void {
  const returnUrl = safeReturnUrl(ctx.query.get("ReturnUrl"));
  const flash = session.flash;
  delete session.flash;
  const challenge = rt.cpsMode === "token" ? issueChallenge(rt, session) : undefined;
  ctx.html(
    loginPage({
      returnUrl,
      ...(challenge ? { challenge } : {}),
      ...((o.error ?? flash) ? { error: (o.error ?? flash) as string } : {}),
      ...(o.errorCode ? { errorCode: o.errorCode } : {}),
      ...(o.username ? { username: o.username } : {}),
    }),
  );
}

/** The portal's OTP mail, in the variant the tests chose (`POST /__admin/mail/otp-variant`; default "standard"). */
export function sendOtpMail(rt: Runtime, account: MockAccount, code: string, variant = rt.otpMailVariant): void {
  const minutes = Math.round(rt.otpPolicy.validityMs / 60_000);
  rt.mailbox.send(
    otpVariantMail(variant, {
      code,
      to: account.email,
      date: rt.clock.now(),
      instance: rt.instanceName,
      validityMinutes: minutes,
    }),
    "otp",
    { code, accountId: account.id, variant },
  );
}

function otpLocation(returnUrl: string): string {
  return `${PATHS.loginOtp}?ReturnUrl=${aspNetUrlEncode(returnUrl)}`;
}

function renderOtp(rt: Runtime, ctx: Context, s: Session, o: { error?: string; info?: string } = {}): void {
  const pending = s.otp!;
  const account = rt.accounts.get(pending.accountId)!;
  const now = rt.clock.nowMs();
  ctx.html(
    otpPage({
      returnUrl: pending.returnUrl,
      maskedEmail: maskEmail(account.email),
      remainingSeconds: pending.challenge.remainingSeconds(now),
      validityMinutes: Math.round(rt.otpPolicy.validityMs / 60_000),
      triesLeft: pending.challenge.triesLeft,
      ...o,
    }),
  );
}

/** Back to Login.aspx with a one-time message (the pending OTP is dropped). */
function backToLogin(ctx: Context, s: Session, message: string, returnUrl: string): void {
  delete s.otp;
  s.flash = message;
  ctx.redirect(`${PATHS.login}?ReturnUrl=${aspNetUrlEncode(returnUrl)}`);
}

export function registerPasswordRoutes(router: Router, rt: Runtime): void {
  router.get(PATHS.login, (ctx) => renderLogin(rt, ctx, ensureSession(rt, ctx)));

  router.post(PATHS.login, async (ctx) => {
    const body = await ctx.body();
    if ((body[TOKEN_CONTRACT.tokenField] ?? "") !== "") return handleTokenPost(rt, ctx, body, "Login.aspx");
    const session = ensureSession(rt, ctx);
    if (!checkEventValidation("Login.aspx", body.__EVENTVALIDATION))
      return renderLogin(rt, ctx, session, { error: MSG.pageExpired });
    const username = (body.UserName ?? "").trim();
    const password = body.Password ?? "";
    if (!username || !password) return renderLogin(rt, ctx, session, { error: MSG.missingCredentials, username });
    const account = rt.accounts.byUsername(username);
    if (account && !account.passwordHash) return renderLogin(rt, ctx, session, { error: MSG.noPasswordYet, username });
    if (!account || !rt.accounts.checkPassword(account, password))
      return renderLogin(rt, ctx, session, { error: MSG.badCredentials, username });
    const returnUrl = safeReturnUrl(ctx.query.get("ReturnUrl"));
    const challenge = new OtpChallenge(rt.clock.nowMs(), rt.otpPolicy);
    session.otp = { accountId: account.id, returnUrl, challenge, resends: 0 };
    sendOtpMail(rt, account, challenge.code);
    ctx.redirect(otpLocation(returnUrl));
  });

  router.get(PATHS.loginOtp, (ctx) => {
    const s = readSession(rt, ctx);
    if (!s?.otp) {
      const fresh = s ?? ensureSession(rt, ctx);
      return backToLogin(ctx, fresh, MSG.otpNoPending, safeReturnUrl(ctx.query.get("ReturnUrl")));
    }
    const expired = s.otp.challenge.remainingSeconds(rt.clock.nowMs()) === 0;
    renderOtp(rt, ctx, s, expired ? { error: MSG.otpExpired } : {});
  });

  router.post(PATHS.loginOtp, async (ctx) => {
    const body = await ctx.body();
    const s = readSession(rt, ctx);
    if (!s?.otp) {
      const fresh = s ?? ensureSession(rt, ctx);
      return backToLogin(ctx, fresh, MSG.otpNoPending, safeReturnUrl(ctx.query.get("ReturnUrl")));
    }
    const pending = s.otp;
    if (!checkEventValidation("LoginOTP.aspx", body.__EVENTVALIDATION))
      return renderOtp(rt, ctx, s, { error: MSG.pageExpired });
    const account = rt.accounts.get(pending.accountId);
    if (!account) return backToLogin(ctx, s, MSG.otpNoPending, pending.returnUrl);

    if (body.btnRenvoyer !== undefined) {
      if (pending.resends >= rt.otpMaxResends) return backToLogin(ctx, s, MSG.otpTooManyResends, pending.returnUrl);
      // A new code replaces the previous challenge object: the old code can no longer be verified.
      pending.challenge = new OtpChallenge(rt.clock.nowMs(), rt.otpPolicy);
      pending.resends++;
      sendOtpMail(rt, account, pending.challenge.code);
      return renderOtp(rt, ctx, s, { info: MSG.otpResent });
    }

    const result = pending.challenge.verify(body.CodeOTP ?? "", rt.clock.nowMs());
    switch (result) {
      case "ok": {
        openSession(rt, ctx, s, account, "password+otp");
        return ctx.redirect(pending.returnUrl);
      }
      case "wrong":
        return renderOtp(rt, ctx, s, { error: MSG.otpWrong(pending.challenge.triesLeft) });
      case "expired":
        return renderOtp(rt, ctx, s, { error: MSG.otpExpired });
      case "locked":
      case "used":
        return backToLogin(ctx, s, MSG.otpLocked, pending.returnUrl);
    }
  });

  router.get(PATHS.logout, (ctx) => {
    const id = ctx.cookies.get(SESSION_COOKIE);
    if (id) rt.sessions.destroy(id);
    ctx.setCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0 });
    ctx.redirect(PATHS.login);
  });
}
