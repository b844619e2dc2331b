/** Login flows for the HTTP-level tests, through the pages as a browser would (no shortcut into the session store). */
import { DEFAULT_ACCOUNTS } from "../accounts";
import { PATHS } from "../paths";
import type { MockPortal } from "../portal";
import { formAction, hiddenFields, type Page, TestBrowser } from "./browser";

export const DOCTOR = { username: DEFAULT_ACCOUNTS[0]!.nationalId, password: DEFAULT_ACCOUNTS[0]!.password! };

/** Login.aspx → password → LoginOTP.aspx page (the code was just mailed). */
export async function passwordStep(
  b: TestBrowser,
  returnPath: string = PATHS.dashboard,
  creds = DOCTOR,
): Promise<Page> {
  const login = await b.navigate(`${PATHS.login}?ReturnUrl=${encodeURIComponent(returnPath)}`);
  const posted = await b.post(formAction(login), {
    ...hiddenFields(login.text),
    UserName: creds.username,
    Password: creds.password,
    LoginButton: "Se connecter",
  });
  return posted;
}

export async function submitOtp(b: TestBrowser, otpPage: Page, code: string): Promise<Page> {
  return b.post(formAction(otpPage), { ...hiddenFields(otpPage.text), CodeOTP: code, btnValider: "Valider" });
}

/** A browser logged in as the default doctor (password + e-mailed code), sitting on the dashboard. */
export async function loggedIn(portal: MockPortal): Promise<{ b: TestBrowser; dashboard: Page }> {
  const b = new TestBrowser(portal.url);
  const posted = await passwordStep(b);
  const otp = await b.follow(posted);
  const done = await submitOtp(b, otp, portal.admin.lastOtp()!.code);
  if (done.status !== 302) throw new Error(`OTP step answered ${done.status}`);
  const dashboard = await b.follow(done);
  return { b, dashboard };
}
