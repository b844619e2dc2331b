import { describe, expect, it } from "vitest";
import {
  acceptOtpMail,
  DEFAULT_OTP_SENDERS,
  extractOtpCode,
  isAllowedSender,
  OTP_VALIDITY_MS,
  parseAuthenticationResults,
  parseSenderAddress,
} from "./rules";

const PROD = "no_reply.trajectoire@sante-ra.fr";

describe("isAllowedSender", () => {
  it("accepts the production sender, bare or with a display name, any case", () => {
    expect(DEFAULT_OTP_SENDERS).toContain(PROD);
    expect(isAllowedSender(PROD)).toBe(true);
    expect(isAllowedSender(`"ViaTrajectoire" <${PROD}>`)).toBe(true);
    expect(isAllowedSender("No_Reply.Trajectoire@Sante-RA.fr")).toBe(true);
  });
  it("refuses look-alikes and display-name tricks", () => {
    for (const bad of [
      "no_reply.trajectoire@sante-ra.fr.evil.com",
      "no_reply.trajectoire@sante-ra.com",
      "no_reply.trajectoire@sante-rа.fr", // Cyrillic а
      "no-reply.trajectoire@sante-ra.fr",
      `"${PROD}" <attacker@evil.com>`,
      `${PROD} <attacker@evil.com>`,
      `attacker@evil.com, ${PROD}`,
      "",
    ]) {
      expect(isAllowedSender(bad), bad).toBe(false);
    }
  });
  it("uses the given allow-list only", () => {
    expect(isAllowedSender(PROD, ["other@example.org"])).toBe(false);
    expect(isAllowedSender("Other <other@example.org>", ["other@example.org"])).toBe(true);
    expect(parseSenderAddress("a b@c.d")).toBeUndefined();
  });
});

describe("extractOtpCode", () => {
  it("reads the guide's wording and plausible variants", () => {
    const guide =
      "Suite à votre demande de connexion OTP, veuillez trouver ci-dessous le code vous permettant de vous connecter.\nVotre code OTP : 542642\nAttention: Ce code n'est valable que pour une durée de 10 minutes.";
    expect(extractOtpCode(guide)).toEqual({ ok: true, code: "542642" });
    expect(extractOtpCode("Code: 123456")).toEqual({ ok: true, code: "123456" });
    expect(extractOtpCode("Votre code de connexion est le 000123.")).toEqual({ ok: true, code: "000123" });
    expect(extractOtpCode("Bonjour\n 987654 \nCordialement")).toEqual({ ok: true, code: "987654" });
  });
  it("ignores longer numbers, dates and phone numbers", () => {
    expect(extractOtpCode("Votre code OTP : 542642 — ticket 1234567, le 06/12/2026, tél 04.72.11.22.33")).toEqual({
      ok: true,
      code: "542642",
    });
    expect(extractOtpCode("FINESS 690000123")).toEqual({ ok: false, reason: "none" });
  });
  it("refuses two different codes", () => {
    expect(extractOtpCode("Votre code OTP : 111111. Ancien code : 222222")).toEqual({
      ok: false,
      reason: "ambiguous",
    });
    expect(extractOtpCode("111111 ou 222222")).toEqual({ ok: false, reason: "ambiguous" });
    expect(extractOtpCode("Votre code OTP : 333333 (code 333333)")).toEqual({ ok: true, code: "333333" });
  });
});

describe("parseAuthenticationResults", () => {
  it("pass, fail, none", () => {
    expect(parseAuthenticationResults(undefined)).toBe("none");
    expect(parseAuthenticationResults("mx.example.org; dkim=pass header.d=sante-ra.fr; spf=pass")).toBe("pass");
    expect(parseAuthenticationResults("mx.example.org; dkim=fail (bad sig) header.d=sante-ra.fr; spf=pass")).toBe(
      "fail",
    );
    expect(parseAuthenticationResults(["mx; spf=pass", "mx; dmarc=fail"])).toBe("fail");
    expect(parseAuthenticationResults("mx; spf=softfail")).toBe("fail");
    expect(parseAuthenticationResults("mx; none")).toBe("none");
    expect(parseAuthenticationResults("mx; dkim=none (dkim=fail in a comment)")).toBe("none");
  });
});

describe("acceptOtpMail", () => {
  const now = 1_800_000_000_000;
  const mail = { sender: PROD, date: now - 5_000, auth: "none" as const, mailId: "1/42" };
  const ctx = { since: now - 10_000, now, used: new Set<string>() };
  it("accepts a fresh mail from the right sender", () => {
    expect(acceptOtpMail(mail, ctx)).toEqual({ ok: true });
    expect(acceptOtpMail({ ...mail, auth: "pass" }, ctx)).toEqual({ ok: true });
    expect(acceptOtpMail({ ...mail, date: ctx.since - 29_000 }, ctx)).toEqual({ ok: true }); // skew tolerance
  });
  it("names each failing rule", () => {
    expect(acceptOtpMail({ ...mail, sender: "x@sante-ra.fr.evil.com" }, ctx)).toEqual({ ok: false, reason: "sender" });
    expect(acceptOtpMail({ ...mail, date: now - OTP_VALIDITY_MS - 1 }, { ...ctx, since: 0 })).toEqual({
      ok: false,
      reason: "too-old",
    });
    expect(acceptOtpMail({ ...mail, date: ctx.since - 31_000 }, ctx)).toEqual({ ok: false, reason: "before-request" });
    expect(acceptOtpMail(mail, { ...ctx, used: ["1/42"] })).toEqual({ ok: false, reason: "reused" });
    expect(acceptOtpMail({ ...mail, auth: "fail" }, ctx)).toEqual({ ok: false, reason: "auth-failed" });
    expect(acceptOtpMail({ ...mail, date: Number.NaN }, ctx)).toEqual({ ok: false, reason: "too-old" });
  });
});
