/**
 * `pin.status`: PIN tries left without consuming one (CPS4: empty VERIFY; CPS3: GET DATA on the PIN SDO,
 * cps-card.md §2.4).
 */
import * as v from "valibot";
import { PinStatusSchema } from "../model";
import { CARD_ERRORS, cardTarget, defineMethod, GENERIC_ERRORS } from "./define";

export const pinStatus = defineMethod({
  name: "pin.status",
  summary: "PIN tries left, blocked, verified in this card session.",
  params: v.strictObject({ ...cardTarget }),
  result: PinStatusSchema,
  requiresAuth: true,
  cardOperation: true,
  timeoutMs: 15_000,
  errors: [...GENERIC_ERRORS, ...CARD_ERRORS],
  since: "1.0",
});
