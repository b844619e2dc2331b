/**
 * The mock's clock: real time plus an offset that tests move forward (`/__admin/clock/advance`), so OTP expiry
 * (10 minutes), session idle expiry (30 minutes) and the 6-month inactivity rule can be reached in milliseconds.
 * Time still flows between calls, so the OTP countdown in a browser behaves normally.
 */
export class MockClock {
  private offsetMs: number;

  /** `start`: what "now" is at construction (default: the real now). */
  constructor(start?: Date) {
    this.offsetMs = start ? start.getTime() - Date.now() : 0;
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("the mock clock only moves forward");
    this.offsetMs += ms;
    return this.now();
  }

  set(date: Date): Date {
    this.offsetMs = date.getTime() - Date.now();
    return this.now();
  }

  /** Milliseconds the mock is ahead of (or behind) the real clock. */
  get offset(): number {
    return this.offsetMs;
  }
}
