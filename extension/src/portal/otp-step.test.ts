// @vitest-environment happy-dom
/** The e-mailed code step: the field (never a password input, never a guess between two) and the countdown. */
import { describe, expect, it } from "vitest";
import { detectPortalPage, findOtpField, readOtpRemainingSeconds } from "./detectors";
import { fixtureUrl, loadFixture, parseHtml } from "./fixtures/load";

describe("OTP step", () => {
  it("finds the one code field of the mock and of the real-shaped page", () => {
    expect(findOtpField(loadFixture("mock-login-otp.html"))?.id).toBe("CodeOTP");
    expect(findOtpField(loadFixture("real-shaped-login-otp.html"))?.id).toBe("ContentPlaceHolder1_txtCodeOTP");
  });

  it("reads the countdown from data-remaining, else from its mm:ss text", () => {
    expect(readOtpRemainingSeconds(loadFixture("mock-login-otp.html"))).toBe(600);
    expect(readOtpRemainingSeconds(loadFixture("real-shaped-login-otp.html"))).toBe(9 * 60 + 12);
    expect(readOtpRemainingSeconds(parseHtml("<p>rien</p>"))).toBeUndefined();
  });

  it("never takes a password input, a disabled one, or one of two candidates", () => {
    expect(findOtpField(parseHtml('<input id="CodeOTP" type="password">'))).toBeUndefined();
    expect(findOtpField(parseHtml('<input autocomplete="one-time-code" type="password">'))).toBeUndefined();
    expect(findOtpField(parseHtml('<input id="CodeOTP" disabled>'))).toBeUndefined();
    expect(findOtpField(parseHtml('<input id="CodeOTP"><input autocomplete="one-time-code">'))).toBeUndefined();
    expect(findOtpField(parseHtml('<input id="CodeOTP" type="hidden">'))).toBeUndefined();
  });

  it("is an OTP page only on the portal's public paths, with a code field", () => {
    const doc = loadFixture("mock-login-otp.html");
    expect(detectPortalPage(fixtureUrl("mock-login-otp.html"), doc).kind).toBe("otp");
    expect(detectPortalPage(new URL("https://evil.example/Trajectoire/Pages/AccesLibre/LoginOTP.aspx"), doc).kind).toBe(
      "otp",
    ); // the URL alone says the path; which origins get the feature is the assistant's origin check (assistant.ts)
    expect(
      detectPortalPage(new URL("https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/x"), doc).kind,
    ).toBe("none");
    expect(detectPortalPage(fixtureUrl("mock-login-otp.html"), parseHtml("<p>plus de champ</p>")).kind).toBe("none");
  });
});
