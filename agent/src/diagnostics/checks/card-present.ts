/** card.present: some reader holds a card; the card the next checks look at is chosen by `pickCard`. */

import { CARD_TYPE_LABELS } from "@cps-bridge/protocol/card-labels";
import type { ReaderStatus } from "@cps-bridge/protocol/model";
import type { AgentCheck, CheckOutcome } from "../check";
import type { DiagContext } from "../context";

/** The card the diagnostics is about: a CPS-family card first, else any card (a Vitale…), else a mute one. */
export async function pickCard(ctx: DiagContext): Promise<ReaderStatus | undefined> {
  const all = await ctx.readerStatuses();
  const withCard = all.filter((r) => r.state !== "empty");
  return (
    withCard.find((r) => r.cardType && CARD_TYPE_LABELS[r.cardType].cpsFamily) ??
    withCard.find((r) => r.state === "present") ??
    withCard[0]
  );
}

export const cardPresent: AgentCheck = {
  id: "card.present",
  dependsOn: ["readers.visible"],
  codes: ["DIAG_CARD_PRESENT", "DIAG_NO_CARD"],
  summary: "A card is inserted in one of the readers.",
  async run(ctx): Promise<CheckOutcome> {
    const card = await pickCard(ctx);
    if (!card) return { verdict: "failed", code: "DIAG_NO_CARD", facts: { readers: ctx.cards.readers().length } };
    return {
      verdict: "ok",
      code: "DIAG_CARD_PRESENT",
      params: { reader: card.name },
      facts: { reader: card.name, state: card.state, atr: card.atr ?? null },
    };
  },
};
