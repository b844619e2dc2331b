import type { ReaderStatus } from "@cps-bridge/protocol/model";
import { describe, expect, it } from "vitest";
import { verdictOf } from "./verdict";

const cert = (over: Partial<NonNullable<ReaderStatus["certificate"]>> = {}) => ({
  subject: "s",
  issuer: "i",
  serialNumber: "01",
  notBefore: "2026-01-01T00:00:00.000Z",
  notAfter: "2029-01-01T00:00:00.000Z",
  validity: "valid" as const,
  daysLeft: 800,
  chain: "production" as const,
  fingerprint: "00",
  ...over,
});
const holder = {
  nationalId: "899700123456",
  idType: "RPPS" as const,
  surname: "X",
  givenName: "Y",
  profession: "Médecin",
  kind: "CPS" as const,
};
const pin = (triesLeft: number) => ({ triesLeft, maxTries: 3, blocked: triesLeft === 0, verified: false });
const cps3 = (over: Partial<ReaderStatus> = {}): ReaderStatus => ({
  name: "R",
  state: "present",
  cardType: "cps3",
  holder,
  certificate: cert(),
  pin: pin(3),
  ...over,
});

describe("verdict", () => {
  it.each([
    [{ name: "R", state: "empty" } as ReaderStatus, "info", "ERR_NO_CARD"],
    [{ name: "R", state: "mute", cardType: "mute" } as ReaderStatus, "error", "ERR_CARD_MUTE"],
    [{ name: "R", state: "present", cardType: "vitale2" } as ReaderStatus, "error", "ERR_NOT_A_CPS"],
    [{ name: "R", state: "present", cardType: "cps2ter" } as ReaderStatus, "error", "ERR_UNSUPPORTED_CARD"],
    [cps3({ errorCode: "ERR_CARD_DATA_INVALID", holder: undefined }), "error", "ERR_CARD_DATA_INVALID"],
    [cps3({ pin: pin(0) }), "error", "ERR_PIN_BLOCKED"],
    [cps3({ certificate: cert({ validity: "expired", daysLeft: -3 }) }), "error", "ERR_CERT_EXPIRED"],
    [cps3({ certificate: cert({ validity: "not-yet-valid" }) }), "error", "ERR_CERT_NOT_YET_VALID"],
    [cps3({ certificate: cert({ chain: "untrusted" }) }), "error", "ERR_CERT_UNTRUSTED"],
    [cps3({ pin: pin(1) }), "warning", "ERR_PIN_LAST_TRY"],
    [cps3({ certificate: cert({ validity: "expiring", daysLeft: 12 }) }), "warning", undefined],
    [cps3(), "ok", undefined],
  ])("%# → %s %s", (status, level, code) => {
    const v = verdictOf(status);
    expect(v.level).toBe(level);
    expect(v.code).toBe(code);
    expect(v.fr.length).toBeGreaterThan(5);
    expect(v.en.length).toBeGreaterThan(5);
  });

  it("speaks French first, with the card label for a Vitale and the days left when expiring", () => {
    expect(verdictOf({ name: "R", state: "present", cardType: "vitale1" }).fr).toBe(
      "Carte Vitale : insérez votre carte CPS",
    );
    expect(verdictOf(cps3({ certificate: cert({ validity: "expiring", daysLeft: 12 }) })).fr).toContain("12 jours");
    expect(verdictOf(cps3({ certificate: cert({ chain: "test" }) })).fr).toContain("mode test");
  });
});
