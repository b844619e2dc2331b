/** The 1.2 OTP methods' schemas (registered in methods/index.ts). */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { mailboxConfigure } from "../methods/mailbox-configure";
import { mailboxStatus } from "../methods/mailbox-status";
import { mailboxTest } from "../methods/mailbox-test";
import { otpCancel } from "../methods/otp-cancel";
import { otpWait } from "../methods/otp-wait";

const ok = (s: v.GenericSchema, x: unknown) => v.safeParse(s, x).success;

describe("OTP methods (1.2)", () => {
  it("mailbox.configure: settings in, no password out", () => {
    const p = { host: "imap.orange.fr", port: 993, security: "tls", user: "dr@orange.fr", password: "x" };
    expect(ok(mailboxConfigure.params, p)).toBe(true);
    expect(ok(mailboxConfigure.params, { ...p, security: "ssl" })).toBe(false);
    expect(ok(mailboxConfigure.params, { ...p, port: 0 })).toBe(false);
    expect(ok(mailboxConfigure.params, { ...p, extra: 1 })).toBe(false);
    expect(ok(mailboxConfigure.result, { saved: true, credentialStore: "file" })).toBe(true);
    expect(ok(mailboxTest.params, {})).toBe(true);
    expect(ok(mailboxStatus.result, { configured: false, connected: false, lastErrorCode: "OTP_IMAP_AUTH" })).toBe(
      true,
    );
    expect(ok(mailboxStatus.result, { configured: false, connected: false, lastErrorCode: "NOPE" })).toBe(false);
  });
  it("otp.wait: bounded timeout, 6-digit code only", () => {
    const p = { since: 1_800_000_000_000, timeoutMs: 120_000, portalOrigin: "https://trajectoire.sante-ra.fr" };
    expect(ok(otpWait.params, p)).toBe(true);
    expect(ok(otpWait.params, { ...p, timeoutMs: 600_001 })).toBe(false);
    expect(ok(otpWait.params, { ...p, portalOrigin: "https://x/path" })).toBe(false);
    const r = { code: "542642", mailDate: 1, sender: "no_reply.trajectoire@sante-ra.fr", auth: "none", mailId: "1/2" };
    expect(ok(otpWait.result, r)).toBe(true);
    expect(ok(otpWait.result, { ...r, code: "54264" })).toBe(false);
    expect(ok(otpCancel.result, { cancelled: true })).toBe(true);
  });
});
