/**
 * A mute card: it connects to the reader but never answers its ATR (`atr: null`; the vpcd link does not reply to
 * GET ATR), as a dead chip or a card inserted the wrong way round. pcscd then reports it present but mute.
 */
import { responseBytes, SW } from "./iso7816";
import type { VirtualCard } from "./virtual-card";

export function createMuteCard(): VirtualCard {
  return {
    profile: "mute",
    atr: null,
    powerOn() {},
    powerOff() {},
    reset() {},
    // Never reached through pcscd (no ATR, no APDU); answers like the others if called in process.
    transmit: () => responseBytes(undefined, SW.NO_PRECISE_DIAGNOSIS),
  };
}
