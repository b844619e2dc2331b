import { PAIRING_CODE_DIGITS } from "@cps-bridge/protocol/limits";
import { defineHandler, fail } from "../router";

const CODE = new RegExp(`^\\d{${PAIRING_CODE_DIGITS}}$`);

/** Pairing page: pairs with the code printed by `cps-bridge pair`; answers once authenticated with the new key. */
export default defineHandler({
  type: "pairing.submit",
  from: ["extension-page"],
  async handle({ code }, { services }) {
    const digits = typeof code === "string" ? code.replace(/\s/g, "") : "";
    // Checked here too so a typo never costs one of the window's 5 attempts (limits.ts PAIRING_MAX_ATTEMPTS).
    if (!CODE.test(digits)) return fail("ERR_PAIRING_CODE_WRONG", { reason: "format" });
    await services.client.pair(digits, services.pairingLabel());
    return { ok: true };
  },
});
