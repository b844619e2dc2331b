import { describe, expect, it } from "vitest";
import { DEFAULT_OTP_POLICY, OtpChallenge } from "./otp";

const T0 = 1_746_000_000_000;

describe("OtpChallenge", () => {
  it("is 6 digits, valid 10 minutes, single use", () => {
    const c = new OtpChallenge(T0, DEFAULT_OTP_POLICY);
    expect(c.code).toMatch(/^\d{6}$/);
    expect(c.expiresAt - c.issuedAt).toBe(600_000);
    expect(c.remainingSeconds(T0)).toBe(600);
    expect(c.verify(c.code, T0 + 1000)).toBe("ok");
    expect(c.verify(c.code, T0 + 2000)).toBe("used");
  });

  it("tolerates spaces in a pasted code", () => {
    const c = new OtpChallenge(T0, DEFAULT_OTP_POLICY);
    expect(c.verify(` ${c.code.slice(0, 3)} ${c.code.slice(3)} `, T0)).toBe("ok");
  });

  it("expires after 10 minutes, without spending a try", () => {
    const c = new OtpChallenge(T0, DEFAULT_OTP_POLICY);
    expect(c.verify(c.code, T0 + 600_001)).toBe("expired");
    expect(c.triesLeft).toBe(5);
    expect(c.remainingSeconds(T0 + 700_000)).toBe(0);
  });

  it("allows 5 tries: 4 wrong, then the 5th wrong locks, and the right code no longer works", () => {
    const c = new OtpChallenge(T0, DEFAULT_OTP_POLICY);
    const wrong = c.code === "000000" ? "111111" : "000000";
    for (let i = 4; i >= 1; i--) {
      expect(c.verify(wrong, T0)).toBe("wrong");
      expect(c.triesLeft).toBe(i);
    }
    expect(c.verify(wrong, T0)).toBe("locked");
    expect(c.verify(c.code, T0)).toBe("locked");
  });

  it("counts over-long and non-digit input as a wrong try", () => {
    const c = new OtpChallenge(T0, DEFAULT_OTP_POLICY);
    expect(c.verify(`${c.code}9`, T0)).toBe("wrong");
    expect(c.verify("abcdef", T0)).toBe("wrong");
    expect(c.verify("", T0)).toBe("wrong");
    expect(c.triesLeft).toBe(2);
  });

  it("draws codes over the whole range (leading zeros kept)", () => {
    const codes = new Set(Array.from({ length: 2000 }, () => new OtpChallenge(T0, DEFAULT_OTP_POLICY).code));
    expect(codes.size).toBeGreaterThan(1990);
    for (const c of codes) expect(c).toHaveLength(6);
  });
});
