/** French national identity card (CNIe, 2021): recognised by its ATR, holds nothing we read (cps-card.md §1.4). */
import { ForeignIsoCard } from "./foreign-card";
import { fromHex } from "./iso7816";

/** CNIe, contact interface (OpenSC #2649, #3168 via cps-card.md §1.4). Offers T=1 (TD1 = 80 → TD2 = B1). */
export const CNIE_ATR = fromHex("3B DB 96 FF 80 B1 FE 45 1F 87 00 31 C1 64 09 37 72 13 0F 90 00 F4");

export function createCnieCard(): ForeignIsoCard {
  return new ForeignIsoCard("cnie", CNIE_ATR, "T1");
}
