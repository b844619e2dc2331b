/**
 * What every virtual card shares: the VirtualCard contract (virtual-card.ts) around a command handler. The base
 * parses the APDU (iso7816.ts), answers GET RESPONSE, shapes the response for the card's transmission protocol,
 * and turns any exception into 6F00 so that no APDU, however malformed, can throw out of `transmit` or hang.
 */
import {
  type Command,
  parseCommand,
  type Reply,
  ResponseShaper,
  responseBytes,
  SW,
  type TransmissionProtocol,
} from "./iso7816";
import type { CardInfo, ProfileName, VirtualCard } from "./virtual-card";

export abstract class BaseCard implements VirtualCard {
  protected readonly shaper: ResponseShaper;
  info?: CardInfo;

  constructor(
    readonly profile: ProfileName,
    readonly atr: Uint8Array | null,
    readonly protocol: TransmissionProtocol,
  ) {
    this.shaper = new ResponseShaper(protocol);
  }

  powerOn(): void {
    this.shaper.reset();
    this.resetVolatileState();
  }

  powerOff(): void {
    this.shaper.reset();
    this.resetVolatileState();
  }

  reset(): void {
    this.shaper.reset();
    this.resetVolatileState();
  }

  transmit(apdu: Uint8Array): Uint8Array {
    try {
      const command = parseCommand(apdu);
      if (typeof command === "number") {
        this.shaper.reset();
        return responseBytes(undefined, command);
      }
      if (this.isGetResponse(command)) return this.shaper.getResponse(command);
      return this.shaper.shape(command, this.handle(command));
    } catch {
      this.shaper.reset();
      return responseBytes(undefined, SW.NO_PRECISE_DIAGNOSIS);
    }
  }

  /** GET RESPONSE (INS C0) in an interindustry class; a card may refuse it in some states. */
  protected isGetResponse(command: Command): boolean {
    return command.ins === 0xc0 && !command.proprietary;
  }

  /** One parsed command (never GET RESPONSE) → data and status word. */
  protected abstract handle(command: Command): Reply;

  /** Power off / reset: what a real card forgets (PIN verified, selections, security environment, channels). */
  protected abstract resetVolatileState(): void;
}
