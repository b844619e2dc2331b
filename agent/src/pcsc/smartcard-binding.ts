/**
 * pcsc/binding.ts over `smartcard` 3.7.0 (N-API over pcsc-lite / WinSCard; shared/research/feasibility.md §3).
 *
 * We use its low-level `Context` and native `ReaderMonitor`, not its `Devices` class: `Devices` connects every
 * inserted card itself and never re-establishes its context after the PC/SC service restarts (it keeps emitting
 * "PC/SC service not running" every second, feasibility.md §3). pcsc/supervisor.ts owns that lifecycle instead.
 *
 * No transactions: `smartcard` 3.7.0 exposes no SCardBeginTransaction/SCardEndTransaction (checked in its
 * src/pcsc_card.cpp: transmit, control, getStatus, disconnect, reconnect only). Our per-reader lock
 * (pcsc/reader-session.ts) serialises this process's APDU sequences, and every sequence re-selects its
 * application first (design.md "card access"), which is what protects us from other middleware sharing the card.
 */
import {
  Context,
  type ContextInterface,
  type MonitorEvent as NativeMonitorEvent,
  ReaderMonitor,
  SCARD_LEAVE_CARD,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_RESET_CARD,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
} from "smartcard";
import type {
  Disposition,
  MonitorEvent,
  PcscBinding,
  PcscCard,
  PcscContext,
  PcscMonitor,
  ReaderSnapshot,
} from "./binding";

interface NativeCard {
  readonly protocol: number;
  transmit(command: Buffer, options?: { maxRecvLength?: number }): Promise<Buffer>;
  reconnect(shareMode?: number, protocol?: number, initialization?: number): Promise<number>;
  disconnect(disposition?: number): void;
}
interface NativeReader {
  readonly name: string;
  readonly state: number;
  readonly atr: Buffer | null;
  connect(shareMode?: number, protocol?: number): Promise<NativeCard>;
}

const DISPOSITIONS: Record<Disposition, number> = {
  leave: SCARD_LEAVE_CARD,
  reset: SCARD_RESET_CARD,
  unpower: SCARD_UNPOWER_CARD,
};

/** Receive buffer: 256 data bytes + SW, with margin for readers that return a few more (extended length off). */
const MAX_RECV = 1024;

class SmartcardCard implements PcscCard {
  constructor(
    private readonly native: NativeCard,
    /** The SCARDCONTEXT of this handle alone (see SmartcardContext.connect); released with the handle. */
    private readonly ownContext: ContextInterface,
  ) {}
  get protocol(): number {
    return this.native.protocol;
  }
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    // Buffer.from(Uint8Array) copies: the caller wipes its own buffer (PIN) and this copy right after.
    const copy = Buffer.from(command);
    try {
      const r = await this.native.transmit(copy, { maxRecvLength: MAX_RECV });
      return new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
    } finally {
      copy.fill(0);
    }
  }
  async reconnect(): Promise<void> {
    await this.native.reconnect(SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD);
  }
  disconnect(disposition: Disposition = "leave"): void {
    try {
      this.native.disconnect(DISPOSITIONS[disposition]);
    } finally {
      this.ownContext.close();
    }
  }
}

/**
 * pcsc-lite holds a context's mutex for the whole of every call made on it — an SCardTransmit included, which lasts
 * as long as the card takes to answer — and the native addon makes its synchronous calls (`listReaders`,
 * `disconnect`, and the `disconnect` of a card object's GC finalizer) on the main thread. Calls that shared one
 * context would therefore freeze the event loop for as long as any reader's card takes to answer; with a card
 * that never answers, for ever, and in our tests, whose virtual cards answer from this very event loop, that is a
 * deadlock (seen once in CI: a finalizer's SCardDisconnect waited for another reader's transmit).
 * So the supervisor's context only lists readers, and each card handle gets an SCARDCONTEXT of its own: a call on
 * one card can then wait only for that card's own transmit, which the reader lock (pcsc/reader-session.ts) never
 * overlaps with another call on that card.
 */
class SmartcardContext implements PcscContext {
  constructor(private readonly native: ContextInterface) {}
  listReaders(): ReaderSnapshot[] {
    return (this.native.listReaders() as unknown as NativeReader[]).map((r) => ({
      name: r.name,
      state: r.state,
      atr: r.atr && r.atr.length > 0 ? new Uint8Array(r.atr) : null,
    }));
  }
  async connect(readerName: string): Promise<PcscCard> {
    const own = new Context(); // SCardEstablishContext: one local round trip to pcscd
    try {
      const reader = (own.listReaders() as unknown as NativeReader[]).find((r) => r.name === readerName);
      if (!reader) throw new Error("Unknown reader");
      return new SmartcardCard(await connectShared(reader), own);
    } catch (err) {
      own.close();
      throw err;
    }
  }
  close(): void {
    this.native.close();
  }
}

async function connectShared(reader: NativeReader): Promise<NativeCard> {
  try {
    return await reader.connect(SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1);
  } catch (err) {
    // Some readers refuse T0|T1 for T=0-only cards with "unresponsive" (tomkp/smartcard issue #34): retry T=0.
    if (!/unresponsive/i.test(String((err as Error)?.message))) throw err;
    return reader.connect(SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0);
  }
}

/**
 * After a failed wait the native loop emits "error" then sleeps 1 s before checking whether it was stopped
 * (smartcard src/reader_monitor.cpp), so a synchronous native `stop()` right after an error would block the
 * event loop for up to a second while it joins the thread. We silence the monitor at once and join it just
 * before that sleep ends.
 */
const NATIVE_ERROR_SLEEP_MS = 1000;

class SmartcardMonitor implements PcscMonitor {
  private readonly native = new ReaderMonitor();
  private stopped = false;
  private lastErrorAt = Number.NEGATIVE_INFINITY;

  start(onEvent: (event: MonitorEvent) => void): void {
    this.native.start((e: NativeMonitorEvent) => {
      const at = performance.now();
      if (e.type === "error") this.lastErrorAt = at;
      if (this.stopped) return;
      switch (e.type) {
        case "reader-attached":
        case "card-inserted":
          onEvent({ type: e.type, reader: e.reader, state: e.state, atr: e.atr ? new Uint8Array(e.atr) : null, at });
          return;
        case "reader-detached":
        case "card-removed":
          onEvent({ type: e.type, reader: e.reader, state: e.state, at });
          return;
        case "error":
          // The native monitor puts the error message in `reader` (smartcard src/reader_monitor.cpp).
          onEvent({ type: "error", message: e.reader, at });
          return;
      }
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const sinceError = performance.now() - this.lastErrorAt;
    if (sinceError >= NATIVE_ERROR_SLEEP_MS) {
      this.native.stop();
      return;
    }
    const timer = setTimeout(() => this.native.stop(), Math.max(0, NATIVE_ERROR_SLEEP_MS - 50 - sinceError));
    timer.unref();
  }
}

export const smartcardBinding: PcscBinding = {
  createContext: () => new SmartcardContext(new Context()),
  createMonitor: () => new SmartcardMonitor(),
};
