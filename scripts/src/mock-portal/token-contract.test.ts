/**
 * The mock portal's refusal codes (routes/auth-cps.ts PORTAL_CODES, the sentences it writes in #lblErreur) are exactly
 * the contract's PORTAL_OUTCOME_CODES (protocol/src/portal-contract.ts), which the extension explains to the doctor:
 * a code the mock sends and the extension does not know would leave the doctor with the portal's sentence only.
 */
import { describe, expect, it } from "vitest";
import { PORTAL_CODES } from "./routes/auth-cps";
import { isPortalOutcomeCode, PORTAL_OUTCOME_CODES, TOKEN_CONTRACT } from "./token-contract";

describe("token contract", () => {
  it("the mock's refusal codes are the contract's, one for one", () => {
    expect(Object.keys(PORTAL_CODES).sort()).toEqual(Object.keys(PORTAL_OUTCOME_CODES).sort());
    for (const code of Object.keys(PORTAL_CODES)) expect(isPortalOutcomeCode(code)).toBe(true);
    expect(isPortalOutcomeCode("ERR_TOKEN_MALFORMED")).toBe(false);
    expect(isPortalOutcomeCode("toString")).toBe(false);
  });

  it("every outcome has its four texts", () => {
    for (const [code, t] of Object.entries(PORTAL_OUTCOME_CODES)) {
      for (const text of [t.fr, t.remedyFr, t.en, t.remedyEn]) expect(text.length, code).toBeGreaterThan(10);
    }
  });

  it("names the outcome element the mock writes", () => {
    expect(TOKEN_CONTRACT.outcomeId).toBe("lblErreur");
    expect(TOKEN_CONTRACT.outcomeCodeAttribute).toBe("data-code");
  });
});
