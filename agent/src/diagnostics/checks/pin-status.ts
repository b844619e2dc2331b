/** pin.status: PIN tries left, read without spending one (the card service's PIN status). */
import type { AgentCheck, CheckOutcome } from "../check";
import { pickCard } from "./card-present";

export const pinStatus: AgentCheck = {
  id: "pin.status",
  dependsOn: ["card.type"],
  codes: ["DIAG_PIN_OK", "DIAG_PIN_LAST_TRY", "DIAG_PIN_BLOCKED"],
  summary: "The PIN is not blocked; warns at the last try. Never asks for nor sends a PIN.",
  async run(ctx): Promise<CheckOutcome> {
    const card = await pickCard(ctx);
    let pin = card?.pin;
    if (!pin && card) pin = await ctx.cards.pinStatus({ reader: card.name });
    if (!pin) return { verdict: "failed", code: "DIAG_CARD_UNREADABLE", params: { error: "no PIN status" }, facts: {} };
    const facts = { triesLeft: pin.triesLeft, maxTries: pin.maxTries, blocked: pin.blocked };
    if (pin.blocked || pin.triesLeft === 0) return { verdict: "failed", code: "DIAG_PIN_BLOCKED", facts };
    if (pin.triesLeft === 1) return { verdict: "warning", code: "DIAG_PIN_LAST_TRY", facts };
    return { verdict: "ok", code: "DIAG_PIN_OK", params: { tries: pin.triesLeft, max: pin.maxTries }, facts };
  },
};
