import { DEFAULT_OTP_SENDERS, MAX_OTP_SENDERS } from "@cps-bridge/protocol/otp/rules";
import { describe, expect, it } from "vitest";
import { parseOtpSettings, parseSenderList } from "./otp-settings";

describe("the OTP sender allow-list", () => {
  it("reads one address per line (or commas), lower-cased, without duplicates", () => {
    expect(
      parseSenderList("No_Reply.Trajectoire@sante-ra.fr\n  formation@exemple.fr, no_reply.trajectoire@sante-ra.fr"),
    ).toEqual({
      ok: true,
      senders: ["no_reply.trajectoire@sante-ra.fr", "formation@exemple.fr"],
    });
  });
  it("refuses a display name, a partial address or two addresses glued together, naming the entry", () => {
    expect(parseSenderList("Portail <no_reply.trajectoire@sante-ra.fr>")).toMatchObject({ ok: false });
    expect(parseSenderList("sante-ra.fr")).toEqual({ ok: false, bad: "sante-ra.fr" });
    expect(parseSenderList("a@b.fr@c.fr")).toEqual({ ok: false, bad: "a@b.fr@c.fr" });
  });
  it("an empty list means the default senders; more than the agent accepts is refused", () => {
    expect(parseSenderList("  \n ")).toEqual({ ok: true, senders: [...DEFAULT_OTP_SENDERS] });
    const many = Array.from({ length: MAX_OTP_SENDERS + 1 }, (_, i) => `s${i}@exemple.fr`).join("\n");
    expect(parseSenderList(many)).toEqual({ ok: false, tooMany: true });
  });
  it("stored settings: a bad or missing list falls back to the default, a good one is kept", () => {
    expect(parseOtpSettings(undefined).senders).toEqual([...DEFAULT_OTP_SENDERS]);
    expect(parseOtpSettings({ senders: ["x"] }).senders).toEqual([...DEFAULT_OTP_SENDERS]);
    expect(parseOtpSettings({ autoSubmit: true, senders: ["a@exemple.fr"] })).toEqual({
      autoSubmit: true,
      senders: ["a@exemple.fr"],
      webmails: [],
    });
  });
  it("enabled webmails: only known ids, each once, none by default", () => {
    expect(parseOtpSettings(undefined).webmails).toEqual([]);
    expect(parseOtpSettings({ webmails: ["outlook", "evil", "gmail", "gmail", 3] }).webmails).toEqual([
      "gmail",
      "outlook",
    ]);
    expect(parseOtpSettings({ webmails: "gmail" }).webmails).toEqual([]);
  });
});
