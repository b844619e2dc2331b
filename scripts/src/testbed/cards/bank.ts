/** A French bank card (CB/EMV): recognised by its ATR, no payment application modelled (cps-card.md §1.4). */
import { ForeignIsoCard } from "./foreign-card";
import { fromHex } from "./iso7816";

/** One of the many `3B 65 00 00 20 63 CB xx xx` bank card ATRs (pcsc-tools, cps-card.md §1.4); T=0. */
export const BANK_ATR = fromHex("3B 65 00 00 20 63 CB 6A 00");

export function createBankCard(): ForeignIsoCard {
  return new ForeignIsoCard("bank", BANK_ATR, "T0");
}
