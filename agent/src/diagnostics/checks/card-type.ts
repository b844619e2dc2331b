/** card.type: which card it is, from the ATR (agent/src/cards/atr-table.ts) — CPS3/CPS4 pass, the rest says why not. */
import { CARD_TYPE_LABELS } from "@cps-bridge/protocol/card-labels";
import type { AgentCheck, CheckOutcome } from "../check";
import { pickCard } from "./card-present";

export const cardType: AgentCheck = {
  id: "card.type",
  dependsOn: ["card.present"],
  codes: [
    "DIAG_CARD_CPS",
    "DIAG_CARD_CONTACTLESS",
    "DIAG_CARD_OLD_CPS",
    "DIAG_CARD_NOT_CPS",
    "DIAG_CARD_MUTE",
    "DIAG_CARD_UNREADABLE",
  ],
  summary: "The inserted card is a CPS card that can log in (CPS3, CPS4), not a Vitale, bank, CNIe or mute card.",
  async run(ctx): Promise<CheckOutcome> {
    const card = await pickCard(ctx);
    if (!card) return { verdict: "failed", code: "DIAG_CARD_MUTE", facts: {} };
    const facts = { reader: card.name, cardType: card.cardType ?? null, atr: card.atr ?? null };
    if (card.state === "mute") return { verdict: "failed", code: "DIAG_CARD_MUTE", facts };
    const type = card.cardType ?? "unknown";
    const label = CARD_TYPE_LABELS[type];
    const params = { card: label.name.fr, cardEn: label.name.en, advice: label.label.fr, adviceEn: label.label.en };
    if (!label.cpsFamily) return { verdict: "failed", code: "DIAG_CARD_NOT_CPS", params, facts };
    if (type === "cps2ter" || (type === "cpx-unknown" && !card.holder))
      return { verdict: "failed", code: "DIAG_CARD_OLD_CPS", params, facts };
    if (card.errorCode)
      return {
        verdict: "failed",
        code: "DIAG_CARD_UNREADABLE",
        params: { ...params, error: card.errorCode },
        facts: { ...facts, errorCode: card.errorCode },
      };
    if (type === "cps3-contactless") return { verdict: "warning", code: "DIAG_CARD_CONTACTLESS", params, facts };
    return { verdict: "ok", code: "DIAG_CARD_CPS", params, facts: { ...facts, serial: card.serial ?? null } };
  },
};
