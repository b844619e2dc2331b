/**
 * The agent's own small PC/SC interface. Everything above it (supervisor, reader sessions, drivers) depends on
 * this, never on `smartcard` directly, so unit tests inject in-process fakes (pcsc/fake-binding.ts) the way
 * tomkp/smartcard injects Context/ReaderMonitor into its `Devices` (shared/research/anchors.md §6).
 * The real implementation is pcsc/smartcard-binding.ts.
 *
 * Errors thrown by any method are plain errors of the underlying library; pcsc/errors.ts maps them to
 * BridgeError codes (the native addon only gives messages, not numeric SCARD codes).
 */

/** What the native monitor reports. `at` is `performance.now()` when the binding received it (latency benches). */
export type MonitorEvent =
  | {
      type: "reader-attached" | "card-inserted";
      reader: string;
      /** SCARD_STATE_* bit mask. */
      state: number;
      atr: Uint8Array | null;
      at: number;
    }
  | { type: "reader-detached" | "card-removed"; reader: string; state: number; at: number }
  /** The monitor's wait failed (the native loop retries every second by itself; the supervisor decides). */
  | { type: "error"; message: string; at: number };

export interface PcscMonitor {
  /** Starts the background wait loop; throws when the PC/SC service is unreachable. */
  start(onEvent: (event: MonitorEvent) => void): void;
  stop(): void;
}

export interface ReaderSnapshot {
  name: string;
  state: number;
  atr: Uint8Array | null;
}

export type Disposition = "leave" | "reset" | "unpower";

/** A connected card handle (SCardConnect in SHARED mode). */
export interface PcscCard {
  /** 1 = T=0, 2 = T=1 (SCARD_PROTOCOL_*). */
  readonly protocol: number;
  /** One raw exchange: no GET RESPONSE / Le correction here (pcsc/apdu.ts does that, once). */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** SCardReconnect SHARED (after SCARD_W_RESET_CARD: another application reset the card). */
  reconnect(): Promise<void>;
  disconnect(disposition?: Disposition): void;
}

export interface PcscContext {
  /** Reader names with their current state; [] when none. Throws when the service is gone. */
  listReaders(): ReaderSnapshot[];
  /** SCardConnect SHARED, T=0|T=1. Throws (mapped by pcsc/errors.ts) on a mute card, a vanished reader… */
  connect(reader: string): Promise<PcscCard>;
  close(): void;
}

/** Factory of the two native objects; one instance per process. */
export interface PcscBinding {
  /** SCardEstablishContext; throws when the PC/SC service is not running. */
  createContext(): PcscContext;
  createMonitor(): PcscMonitor;
}

/** SCARD_STATE_* bits (pcsclite.h; same values on Windows). */
export const SCARD_STATE = {
  UNAWARE: 0x0000,
  IGNORE: 0x0001,
  CHANGED: 0x0002,
  UNKNOWN: 0x0004,
  UNAVAILABLE: 0x0008,
  EMPTY: 0x0010,
  PRESENT: 0x0020,
  ATRMATCH: 0x0040,
  EXCLUSIVE: 0x0080,
  INUSE: 0x0100,
  MUTE: 0x0200,
} as const;
