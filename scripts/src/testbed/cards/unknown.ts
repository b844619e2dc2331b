/**
 * A card whose ATR is in no table (cps-card.md §1.3–1.4): the agent tries a non-destructive SELECT of the CPS AIDs
 * and gets 6A82; any other instruction 6D00, any other class 6E00.
 */
import { ForeignIsoCard } from "./foreign-card";
import { fromHex } from "./iso7816";

/** T=0, TB1 = TC1 = 00, 12 proprietary historical bytes spelling "UNKNOWN-CARD" (no ATR list has it). */
export const UNKNOWN_ATR = fromHex("3B 6C 00 00 55 4E 4B 4E 4F 57 4E 2D 43 41 52 44");

export function createUnknownCard(): ForeignIsoCard {
  return new ForeignIsoCard("unknown", UNKNOWN_ATR, "T0");
}
