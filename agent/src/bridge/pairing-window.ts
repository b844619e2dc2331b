/**
 * The pairing window opened by `cps-bridge pair`: a 6-digit code drawn uniformly from a CSPRNG (`crypto.randomInt`
 * rejects out-of-range draws, so there is no modulo bias — unlike Fortify's float parsing, anchors.md §2.5), valid
 * for 2 minutes, single use, compared in constant time, closed after 5 wrong codes (ERR_PAIRING_LOCKED), after which
 * no new window opens for `lockoutMs`. Only the local CLI can open a window (control channel), so a web page or
 * another extension cannot make the agent prompt the user (Fortify's "warning fatigue", anchors.md §2.5).
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import { BridgeError } from "@cps-bridge/protocol/errors";

export interface PairingWindowOptions {
  windowMs: number;
  maxWrongCodes: number;
  lockoutMs: number;
  now?: () => number;
  /** Injectable for tests only; default: uniform CSPRNG. */
  drawCode?: () => string;
}

export interface OpenWindow {
  code: string;
  expiresAt: number;
}

export type WindowEvent =
  | { type: "paired"; pairingId: string; label: string }
  | { type: "closed"; reason: "expired" | "locked" | "replaced" | "cancelled" };

export const CODE_DIGITS = 6;

export function drawPairingCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, "0");
}

/** "123456" → "123 456" (what the CLI prints; the extension accepts both). */
export function formatPairingCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

export class PairingWindow {
  private current:
    | {
        code: Buffer;
        expiresAt: number;
        wrong: number;
        listeners: Set<(e: WindowEvent) => void>;
        timer: NodeJS.Timeout;
      }
    | undefined;
  private lockedUntil = 0;
  private readonly now: () => number;
  private readonly draw: () => string;

  constructor(private readonly options: PairingWindowOptions) {
    this.now = options.now ?? Date.now;
    this.draw = options.drawCode ?? drawPairingCode;
  }

  /** Opens a new window (replacing any open one) or throws ERR_PAIRING_LOCKED during a lockout. */
  open(listener?: (e: WindowEvent) => void): OpenWindow {
    const now = this.now();
    if (now < this.lockedUntil) {
      throw new BridgeError("ERR_PAIRING_LOCKED", "pairing is locked after too many wrong codes", {
        retryAfterMs: this.lockedUntil - now,
      });
    }
    this.close("replaced");
    const code = this.draw();
    const expiresAt = now + this.options.windowMs;
    // The timer tells a waiting `cps-bridge pair` that the window expired; checks never rely on it (expireIfDue).
    const timer = setTimeout(() => this.expireIfDue(), this.options.windowMs + 5);
    timer.unref();
    this.current = { code: Buffer.from(code, "ascii"), expiresAt, wrong: 0, listeners: new Set(), timer };
    if (listener) this.current.listeners.add(listener);
    return { code, expiresAt };
  }

  isOpen(): boolean {
    this.expireIfDue();
    return this.current !== undefined;
  }

  /** Milliseconds left, 0 when closed. */
  remainingMs(): number {
    this.expireIfDue();
    return this.current ? this.current.expiresAt - this.now() : 0;
  }

  cancel(): void {
    this.close("cancelled");
  }

  /** Cancels the open window only if it is the one with this code (a later window is left alone). */
  cancelIfCode(code: string): void {
    const w = this.current;
    if (w && w.code.length === code.length && timingSafeEqual(w.code, Buffer.from(code, "ascii")))
      this.close("cancelled");
  }

  /**
   * Checks a submitted code. Resolves nothing on success (the caller then stores the pairing and calls
   * `completed`); throws ERR_PAIRING_WINDOW_CLOSED, ERR_PAIRING_CODE_WRONG (`details.attemptsLeft`) or
   * ERR_PAIRING_LOCKED.
   */
  check(submitted: string): void {
    const now = this.now();
    if (now < this.lockedUntil) {
      throw new BridgeError("ERR_PAIRING_LOCKED", "pairing is locked after too many wrong codes", {
        retryAfterMs: this.lockedUntil - now,
      });
    }
    this.expireIfDue();
    const w = this.current;
    if (!w) throw new BridgeError("ERR_PAIRING_WINDOW_CLOSED");
    const normalised = submitted.replace(/[\s-]/g, "");
    // Same length for timingSafeEqual; a wrong-length code is simply wrong (the schema already bounds it).
    const candidate = Buffer.alloc(w.code.length);
    candidate.write(normalised.slice(0, w.code.length), "ascii");
    const ok = normalised.length === w.code.length && timingSafeEqual(candidate, w.code);
    candidate.fill(0);
    if (ok) return;
    w.wrong++;
    if (w.wrong >= this.options.maxWrongCodes) {
      this.lockedUntil = now + this.options.lockoutMs;
      this.close("locked");
      throw new BridgeError("ERR_PAIRING_LOCKED", "too many wrong pairing codes: window closed", {
        retryAfterMs: this.options.lockoutMs,
      });
    }
    throw new BridgeError("ERR_PAIRING_CODE_WRONG", undefined, {
      attemptsLeft: this.options.maxWrongCodes - w.wrong,
    });
  }

  /** The code was right and the pairing stored: the window is used up. */
  completed(pairingId: string, label: string): void {
    const w = this.current;
    if (!w) return;
    this.current = undefined;
    clearTimeout(w.timer);
    w.code.fill(0);
    for (const l of w.listeners) l({ type: "paired", pairingId, label });
  }

  private expireIfDue(): void {
    if (this.current && this.now() >= this.current.expiresAt) this.close("expired");
  }

  private close(reason: "expired" | "locked" | "replaced" | "cancelled"): void {
    const w = this.current;
    if (!w) return;
    this.current = undefined;
    clearTimeout(w.timer);
    w.code.fill(0);
    for (const l of w.listeners) l({ type: "closed", reason });
  }
}
