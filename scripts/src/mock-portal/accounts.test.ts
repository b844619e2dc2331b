import { describe, expect, it } from "vitest";
import { DEFAULT_HOLDERS } from "../testbed/profiles";
import { AccountStore, DEFAULT_ACCOUNTS, maskEmail } from "./accounts";

describe("accounts", () => {
  it("include the test bench's CPS3 and CPS4 default holders, and not its CPE", () => {
    const store = new AccountStore(DEFAULT_ACCOUNTS);
    for (const h of [DEFAULT_HOLDERS.cps3, DEFAULT_HOLDERS.cps4]) {
      const a = store.byNationalId(h.nationalId);
      expect(a, h.nationalId).toBeDefined();
      expect(a!.surname.toUpperCase()).toBe(h.surname.toUpperCase());
      expect(a!.givenName.toUpperCase()).toBe(h.givenName.toUpperCase());
    }
    expect(store.byNationalId(DEFAULT_HOLDERS.cpe.nationalId)).toBeUndefined();
  });

  it("find a user by national id, bare RPPS, or the guide's '@' spelling; check passwords", () => {
    const store = new AccountStore(DEFAULT_ACCOUNTS);
    const a = store.byUsername("899700218896")!;
    expect(store.byUsername("99700218896")).toBe(a);
    expect(store.byUsername(" @99700218896 ")).toBe(a);
    expect(a.rpps).toBe("99700218896");
    expect(store.checkPassword(a, "Motdepasse-Test-2025")).toBe(true);
    expect(store.checkPassword(a, "motdepasse-test-2025")).toBe(false);
    const noPw = store.byNationalId("899700654321")!;
    expect(noPw.passwordHash).toBeUndefined();
    expect(store.checkPassword(noPw, "")).toBe(false);
  });

  it("mask e-mail addresses as the OTP page shows them", () => {
    expect(maskEmail("cps@test.local")).toBe("c***@***.local");
    expect(maskEmail("x")).toBe("***");
  });
});
