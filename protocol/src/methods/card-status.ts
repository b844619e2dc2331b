/**
 * `card.status`: type, holder, certificate summary and PIN tries of one card. Answers from the agent's cache when the
 * card was already read since insertion, else reads it (a card operation, queued per reader).
 */
import * as v from "valibot";
import { ReaderStatusSchema } from "../model";
import { CARD_ERRORS, cardTarget, defineMethod, GENERIC_ERRORS } from "./define";

export const cardStatus = defineMethod({
  name: "card.status",
  summary: "Card type, holder, certificate summary and PIN status of one reader's card.",
  params: v.strictObject({ ...cardTarget }),
  result: ReaderStatusSchema,
  requiresAuth: true,
  cardOperation: true,
  timeoutMs: 20_000,
  errors: [...GENERIC_ERRORS, ...CARD_ERRORS],
  since: "1.0",
});
