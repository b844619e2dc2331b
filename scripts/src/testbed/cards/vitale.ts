/**
 * Carte Vitale (the patient's health insurance card), which doctors often insert instead of their CPS
 * (cps-card.md §1.4, ANS test scenario "Vitale puis CPS"). Recognised by its ATR; **no patient data anywhere** in
 * this model: no file can be read, and a SELECT of the Vitale 2 applications answers 9000 with no data at all.
 */
import { BaseCard } from "./card-base";
import { ForeignIsoCard } from "./foreign-card";
import { type Command, fromHex, type Reply, reply, SW } from "./iso7816";

/** Carte Vitale 2 `3B 75 13 00 00 4x 09 EA 90 00` (pcsc-tools, cps-card.md §1.4); x = 7 here. */
export const VITALE2_ATR = fromHex("3B 75 13 00 00 47 09 EA 90 00");
/** Carte Vitale 1 `3F 65 25 00 2[2C] 09 [F6]9 90 00` (pcsc-tools, cps-card.md §1.4). */
export const VITALE1_ATR = fromHex("3F 65 25 00 2C 09 69 90 00");

/** Vitale 2 application AIDs (cardpeek `vitale_2.lua`, cps-card.md §1.4). */
export const VITALE2_AIDS = [
  fromHex("D2 50 00 00 02 56 49 54 41 4C 45"), // "VITALE"
  fromHex("D2 50 00 00 02 4D 46 5F 56 49 54 41 4C 45"), // "MF_VITALE"
  fromHex("E8 28 BD 08 0F D2 50 00 00 04 41 64 E8 6C 65"),
  fromHex("D2 50 00 00 04 41 64 E8 6C 65 01 01"),
] as const;

export function createVitale2Card(): ForeignIsoCard {
  // T=0 only: TD1 absent in `3B 75…`.
  return new ForeignIsoCard("vitale2", VITALE2_ATR, "T0", VITALE2_AIDS);
}

/**
 * Vitale 1 predates ISO 7816-4 applications: it speaks its own class (BC in the SESAM-Vitale 1 specifications,
 * [I]), so every ISO command (class 00, SELECT of the Vitale 2 or CPS AIDs included) answers 6E00, and every
 * instruction of its own class 6D00 (nothing is modelled).
 */
export class Vitale1Card extends BaseCard {
  constructor() {
    super("vitale1", VITALE1_ATR, "T0"); // inverse convention (3F), T=0
  }

  protected override isGetResponse(): boolean {
    return false;
  }

  protected handle(command: Command): Reply {
    return reply(command.cla === 0xbc ? SW.INS_NOT_SUPPORTED : SW.CLA_NOT_SUPPORTED);
  }

  protected resetVolatileState(): void {}
}

export function createVitale1Card(): Vitale1Card {
  return new Vitale1Card();
}
