import { parsePairingEntry } from "@cps-bridge/protocol/agent-ports";
import { defineHandler, fail } from "../router";

/** Pairing page: pairs with the code printed by `cps-bridge pair`; answers once authenticated with the new key. */
export default defineHandler({
  type: "pairing.submit",
  from: ["extension-page"],
  async handle({ code }, { services }) {
    const digits = typeof code === "string" ? code.replace(/\s/g, "") : "";
    // Checked here too so a typo never costs one of the window's 5 attempts (limits.ts PAIRING_MAX_ATTEMPTS).
    // 7 digits: the agent's port index, then the code (protocol/src/agent-ports.ts); the client checks the rest.
    if (!parsePairingEntry(digits).ok) return fail("ERR_PAIRING_CODE_WRONG", { reason: "format" });
    await services.client.pair(digits, services.pairingLabel());
    return { ok: true };
  },
});
