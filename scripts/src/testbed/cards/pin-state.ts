/**
 * The PIN ("code porteur") of a CPx card: 4 digits, 3 tries, blocked after 3 wrong entries (cps-card.md §2.4).
 * VERIFY semantics shared by the CPS3 (IAS-ECC) and CPS4 (ChipDoc) models:
 *  - no data (case 1, or the 5-byte form `00 20 00 ref 00`): the status, without spending a try — `63 Cx` not
 *    verified (x tries left), `90 00` already verified in this power session, `69 83` blocked
 *    (cps-card.md §2.4: generic IAS-ECC per OpenSC `iasecc_pin_verify`; CPS4 per ANS `_cps4_get_pin_counter`);
 *  - the right PIN: `90 00`, counter back to the maximum;
 *  - a wrong PIN: `63 Cx` with x decremented (`63 C0` on the try that blocks), then `69 83` for every later VERIFY.
 * The PIN is compared in constant time and never leaves this object.
 */
import { equalBytes, SW, swTriesLeft } from "./iso7816";

export class PinState {
  private pin: Uint8Array;
  private tries: number;
  maxTries: number;
  verified = false;
  /** GET DATA tag 9D on CPS3: remaining unblock uses (0 = permanently blocked) [I] (cps-card.md §2.4). */
  unblockLeft: number;

  constructor(pin: string, triesLeft = 3, maxTries = 3, unblockLeft = 10) {
    this.pin = new TextEncoder().encode(pin);
    this.maxTries = Math.max(maxTries, triesLeft);
    this.tries = triesLeft;
    this.unblockLeft = unblockLeft;
  }

  get triesLeft(): number {
    return this.tries;
  }

  get blocked(): boolean {
    return this.tries === 0;
  }

  /** For the test bench API: any count 0..15; raising it above the maximum raises the maximum. */
  setTriesLeft(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 15) throw new RangeError(`tries left must be 0..15, got ${n}`);
    this.tries = n;
    this.maxTries = Math.max(this.maxTries, n);
    this.verified = false;
  }

  status(): number {
    if (this.blocked) return SW.AUTH_METHOD_BLOCKED;
    return this.verified ? SW.OK : swTriesLeft(this.tries);
  }

  verify(candidate: Uint8Array): number {
    if (candidate.length === 0) return this.status();
    if (this.blocked) return SW.AUTH_METHOD_BLOCKED;
    if (equalBytes(candidate, this.pin)) {
      this.tries = this.maxTries;
      this.verified = true;
      return SW.OK;
    }
    this.tries -= 1;
    this.verified = false;
    return swTriesLeft(this.tries);
  }

  /** Power off / reset. */
  forget(): void {
    this.verified = false;
  }
}
