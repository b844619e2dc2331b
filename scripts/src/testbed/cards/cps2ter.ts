/**
 * CPS2ter: the legacy CPS generation (cps-card.md §1.2), and the "volet CPS2ter" compatibility application that
 * CPS3 and CPS4 cards also carry. Its commands use the proprietary class A0 and its own status words (9404 file
 * not found, 9Fxx bytes available, 6E00 class not supported); no CPS2ter content is modelled (situations,
 * holder data): only the class behaviour a PKCS#15 / IAS driver runs into.
 */
import { BaseCard } from "./card-base";
import { type Command, fromHex, type Reply, reply, SW } from "./iso7816";

/** [I/U] pcsc-tools "Sesam Vitale card CPS": byte 02 where CPS3 has 03 (cps-card.md §1.3). */
export const CPS2TER_ATR = fromHex("3B AC 00 40 2A 00 12 25 00 64 80 82 02 12 00 90 00");
/** CPS2ter volet AID, selected on channel 0 (cps-card.md §2.1, DC `card-cps4.c`) [U on CPS3]. */
export const CPS2TER_VOLET_AID = fromHex("80 25 00 00 01 FF 00 02");
export const CPS2TER_CLA = 0xa0;
const SW_CPS2TER_FILE_NOT_FOUND = 0x9404; // cps-card.md §1.2 error table

/** The CLA A0 interpreter: SELECT of the MF only. */
export function cps2terVoletCommand(command: Command): Reply {
  if (command.cla !== CPS2TER_CLA) return reply(SW.CLA_NOT_SUPPORTED);
  if (command.ins === 0xa4) {
    if (command.p1 !== 0 || command.p2 !== 0) return reply(SW.WRONG_P1P2);
    if (command.data.length !== 2) return reply(SW.WRONG_LENGTH);
    const fid = (command.data[0]! << 8) | command.data[1]!;
    return reply(fid === 0x3f00 ? SW.OK : SW_CPS2TER_FILE_NOT_FOUND);
  }
  return reply(SW.INS_NOT_SUPPORTED);
}

/** A CPS2ter card: ISO class 00 is unknown to it (6E00, so a SELECT of the CPS3 AIDs answers 6E00 too). */
export class Cps2terCard extends BaseCard {
  constructor() {
    super("cps2ter", CPS2TER_ATR, "T0");
  }

  protected override isGetResponse(): boolean {
    return false;
  }

  protected handle(command: Command): Reply {
    return cps2terVoletCommand(command);
  }

  protected resetVolatileState(): void {}
}
