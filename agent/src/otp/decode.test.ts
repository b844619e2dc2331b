/** decodeOtpMail on every mock variant, built as real MIME by the mock's builder and parsed by mailparser. */

import { OTP_MAIL_VARIANTS, otpVariantMail } from "@cps-bridge/scripts/mock-portal/mail/otp-variants";
import { buildMail } from "@cps-bridge/scripts/mock-portal/mail/rfc5322";
import { describe, expect, it } from "vitest";
import { decodeOtpMail } from "./decode";

const input = {
  code: "542642",
  to: "cps@test.local",
  date: new Date("2026-12-06T10:00:00Z"),
  instance: "ViaTrajectoire",
  validityMinutes: 10,
};

describe("decodeOtpMail", () => {
  it.each(OTP_MAIL_VARIANTS)("reads the code, sender and date of the %s variant", async (variant) => {
    const raw = buildMail(otpVariantMail(variant, input)).raw;
    const d = await decodeOtpMail(raw);
    expect(d.extraction).toEqual({ ok: true, code: "542642" });
    expect(d.date).toBe(input.date.getTime());
    expect(d.messageId).toMatch(/^<.+@.+>$/);
    expect(d.auth).toBe(variant === "auth-pass" ? "pass" : variant === "auth-fail" ? "fail" : "none");
    if (variant === "display-name-trick") expect(d.from).toContain("<alerte@securite-sante.example>");
  });

  it("keeps the From header as written (display name and all) for the rules to parse", async () => {
    const raw = buildMail({
      ...otpVariantMail("standard", input),
      from: '"ViaTrajectoire" <no_reply.trajectoire@sante-ra.fr>',
    }).raw;
    expect((await decodeOtpMail(raw)).from).toBe('"ViaTrajectoire" <no_reply.trajectoire@sante-ra.fr>');
  });

  it("refuses a mail with two different codes (ambiguous) and one without any", async () => {
    const two = buildMail({
      ...otpVariantMail("standard", input),
      text: "Votre code OTP : 111111\nVotre code OTP : 222222",
      html: "<p>x</p>",
    });
    expect((await decodeOtpMail(two.raw)).extraction).toEqual({ ok: false, reason: "ambiguous" });
    const none = buildMail({
      ...otpVariantMail("standard", input),
      text: "Bonjour",
      html: "<p>Bonjour</p>",
      subject: "Info",
    });
    expect((await decodeOtpMail(none.raw)).extraction).toEqual({ ok: false, reason: "none" });
  });

  it("reads ISO-8859-1 bodies as text (accents intact around the code)", async () => {
    const raw = buildMail(otpVariantMail("latin1", input)).raw;
    expect(raw).toContain("charset=iso-8859-1");
    expect(raw).toContain("=E0"); // « à » in Latin-1, quoted-printable
    expect((await decodeOtpMail(raw)).extraction).toEqual({ ok: true, code: "542642" });
  });
});
