/**
 * `pin.verify`: the PIN typed in the extension's own PIN window (never a portal page, anchors.md §1.5) goes to the
 * card at once. The agent turns it into a byte buffer, wipes it after use, never logs it; the schema refuses anything
 * but 4 to 8 ASCII digits (answered ERR_PIN_FORMAT, nothing sent to the card, the value never echoed). With one try
 * left the agent refuses (ERR_PIN_LAST_TRY) unless `confirmLastTry` is true: the user confirmed explicitly.
 */
import * as v from "valibot";
import { PinStatusSchema } from "../model";
import { CARD_ERRORS, cardTarget, defineMethod, GENERIC_ERRORS } from "./define";

/** 4 to 8 ASCII digits (CPS PINs are 4 digits; PKCS#11 bounds 4–8, cps-card.md §2.4). `\d` is ASCII-only here. */
export const PinSchema = v.pipe(v.string(), v.regex(/^\d{4,8}$/, "4 to 8 digits"));

export const pinVerify = defineMethod({
  name: "pin.verify",
  summary: "Presents the PIN to the card; answers the PIN status after a right PIN.",
  params: v.strictObject({
    pin: PinSchema,
    /** The user confirmed they want to use the last try. */
    confirmLastTry: v.optional(v.boolean()),
    ...cardTarget,
  }),
  result: PinStatusSchema,
  requiresAuth: true,
  cardOperation: true,
  timeoutMs: 20_000,
  errors: [
    ...GENERIC_ERRORS,
    ...CARD_ERRORS,
    "ERR_PIN_FORMAT",
    "ERR_PIN_INCORRECT",
    "ERR_PIN_LAST_TRY",
    "ERR_PIN_BLOCKED",
  ],
  paramErrorCodes: { pin: "ERR_PIN_FORMAT" },
  since: "1.0",
});
