/**
 * middleware.version: the installed module is recent enough for the card's generation. A CPS4 needs the Cryptolib
 * 5.2 or later (cps-card.md §5.3: "Cryptolib missing / too old (<5.2 with CPS4)", #1722 needs ≥ 5.2.1); its file
 * names do not carry the release, so the generation is told by the module files present: the `cps3_pkcs11` module
 * is the 5.x one [C, §4.1], the `cps_pkcs11` names are older. OpenSC reads CPS3 (IAS-ECC CPx) but no CPS4 [C, §6].
 */
import { findModules } from "../../middleware/cryptolib";
import type { AgentCheck, CheckOutcome } from "../check";
import { pickCard } from "./card-present";

export const middlewareVersion: AgentCheck = {
  id: "middleware.version",
  dependsOn: ["middleware.installed", "card.type"],
  codes: ["DIAG_MIDDLEWARE_FITS_CARD", "DIAG_MIDDLEWARE_NO_CPS4"],
  summary: "The installed middleware can handle the inserted card's generation (a CPS4 needs the Cryptolib ≥ 5.2).",
  async run(ctx): Promise<CheckOutcome> {
    const card = await pickCard(ctx);
    const type = card?.cardType ?? "unknown";
    const found = await findModules(ctx.fsRoot, ctx.os);
    const hasCryptolib = found.some((m) => m.kind === "cryptolib");
    const facts = { cardType: type, modules: found.map((m) => m.path) };
    const label = type === "cps4" ? "CPS4" : type === "cps3" ? "CPS3" : type;
    if (type === "cps4" && !hasCryptolib)
      return { verdict: "failed", code: "DIAG_MIDDLEWARE_NO_CPS4", params: { card: label }, facts };
    return { verdict: "ok", code: "DIAG_MIDDLEWARE_FITS_CARD", params: { card: label }, facts };
  },
};
