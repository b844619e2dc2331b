/**
 * A card that is not a CPx: it answers ISO 7816-4 as a generic card would, with no content at all. SELECT by AID
 * answers 9000 without data for the card's own applications (no FCI, no data of any kind) and 6A82 for anything
 * else — so the agent's non-destructive SELECT of the CPS AIDs on an unknown ATR (cps-card.md §1.4) gets 6A82;
 * files are not modelled (6A82); any other instruction 6D00; a class other than 00 (and its channels) 6E00.
 */
import { BaseCard } from "./card-base";
import { type Command, equalBytes, type Reply, reply, SW, type TransmissionProtocol } from "./iso7816";
import type { ProfileName } from "./virtual-card";

export class ForeignIsoCard extends BaseCard {
  constructor(
    profile: ProfileName,
    atr: Uint8Array,
    protocol: TransmissionProtocol,
    private readonly applications: readonly Uint8Array[] = [],
  ) {
    super(profile, atr, protocol);
  }

  protected handle(command: Command): Reply {
    if (command.proprietary || command.channel !== 0 || command.secureMessaging) return reply(SW.CLA_NOT_SUPPORTED);
    switch (command.ins) {
      case 0xa4:
        if (command.p1 === 0x04 && this.applications.some((aid) => equalBytes(aid, command.data))) return reply(SW.OK);
        return reply(SW.FILE_NOT_FOUND);
      case 0xb0:
      case 0xb2:
        return reply(SW.FILE_NOT_FOUND);
      default:
        return reply(SW.INS_NOT_SUPPORTED);
    }
  }

  protected resetVolatileState(): void {}
}
