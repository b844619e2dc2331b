/**
 * In-process fake of pcsc/binding.ts for unit tests only (integration tests use the real pcscd): readers, cards
 * answering through a function (an APDU script or a small card model), a service that can be stopped and
 * restarted, and error injection per call. Errors carry the same messages as `smartcard` 3.7.0
 * (src/pcsc_errors.h), so pcsc/errors.ts maps them exactly as it maps real ones.
 */
import type { MonitorEvent, PcscBinding, PcscCard, PcscContext, PcscMonitor, ReaderSnapshot } from "./binding";
import { SCARD_STATE } from "./binding";

export type CardBehaviour = (command: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface FakeCardSpec {
  /** `null`: a mute card (present, no ATR). */
  atr: Uint8Array | null;
  respond: CardBehaviour;
}

interface FakeReader {
  name: string;
  card: FakeCardSpec | null;
  /** Bumped at each insertion; handles of older insertions fail with "Card was removed". */
  generation: number;
}

export class FakeBinding implements PcscBinding {
  serviceUp = true;
  readonly readers = new Map<string, FakeReader>();
  readonly monitors = new Set<FakeMonitor>();
  contextsCreated = 0;
  monitorsStarted = 0;
  /** Every raw command transmitted, per reader (copies). */
  readonly transmitted: { reader: string; command: Uint8Array }[] = [];
  /** The very buffers handed to transmit (not copies): tests check that secrets were wiped after use. */
  readonly handedBuffers: Uint8Array[] = [];
  /** Next transmit on any reader throws this message (once). */
  failNextTransmit: string | undefined;
  /** Next connect throws this message (once). */
  failNextConnect: string | undefined;
  /** Card handles connected and not disconnected yet: tests check that none is abandoned to the GC. */
  readonly openHandles = new Set<PcscCard>();

  createContext(): PcscContext {
    if (!this.serviceUp) throw new Error("PC/SC service not running");
    this.contextsCreated++;
    return new FakeContext(this, this.epoch);
  }
  createMonitor(): PcscMonitor {
    return new FakeMonitor(this);
  }

  /** Incremented when the service stops: contexts and handles of an older epoch are dead. */
  epoch = 0;

  addReader(name: string): void {
    this.readers.set(name, { name, card: null, generation: 0 });
    this.emit({ type: "reader-attached", reader: name, state: SCARD_STATE.EMPTY, atr: null, at: performance.now() });
  }
  removeReader(name: string): void {
    this.readers.delete(name);
    this.emit({ type: "reader-detached", reader: name, state: 0, at: performance.now() });
  }
  insert(readerName: string, card: FakeCardSpec): void {
    const reader = this.readers.get(readerName);
    if (!reader) throw new Error(`no reader ${readerName}`);
    reader.card = card;
    reader.generation++;
    this.emit({
      type: "card-inserted",
      reader: readerName,
      state: stateOf(reader),
      atr: card.atr,
      at: performance.now(),
    });
  }
  remove(readerName: string): void {
    const reader = this.readers.get(readerName);
    if (!reader) return;
    reader.card = null;
    reader.generation++;
    this.emit({ type: "card-removed", reader: readerName, state: SCARD_STATE.EMPTY, at: performance.now() });
  }
  /** pcscd dies: monitors report errors (once per call, like the native 1-s loop). */
  stopService(): void {
    this.serviceUp = false;
    this.epoch++;
    this.emit({ type: "error", message: "Communication error", at: performance.now() });
  }
  startService(): void {
    this.serviceUp = true;
  }
  /** What the native loop does every second while the service is down. */
  tickMonitorErrors(): void {
    if (!this.serviceUp) this.emit({ type: "error", message: "PC/SC service not running", at: performance.now() });
  }

  private emit(event: MonitorEvent): void {
    for (const m of this.monitors) m.deliver(event);
  }
}

function stateOf(reader: FakeReader): number {
  if (!reader.card) return SCARD_STATE.EMPTY;
  return reader.card.atr ? SCARD_STATE.PRESENT : SCARD_STATE.PRESENT | SCARD_STATE.MUTE;
}

class FakeMonitor implements PcscMonitor {
  private onEvent: ((event: MonitorEvent) => void) | undefined;
  constructor(private readonly binding: FakeBinding) {}
  start(onEvent: (event: MonitorEvent) => void): void {
    if (!this.binding.serviceUp) throw new Error("PC/SC service not running");
    this.binding.monitorsStarted++;
    this.onEvent = onEvent;
    this.binding.monitors.add(this);
    // Like the native monitor: one reader-attached per existing reader, with its current state (issue #30).
    for (const r of this.binding.readers.values()) {
      onEvent({
        type: "reader-attached",
        reader: r.name,
        state: stateOf(r),
        atr: r.card?.atr ?? null,
        at: performance.now(),
      });
    }
  }
  deliver(event: MonitorEvent): void {
    queueMicrotask(() => this.onEvent?.(event));
  }
  stop(): void {
    this.onEvent = undefined;
    this.binding.monitors.delete(this);
  }
}

class FakeContext implements PcscContext {
  private closed = false;
  constructor(
    private readonly binding: FakeBinding,
    private readonly epoch: number,
  ) {}
  private check(): void {
    if (this.closed) throw new Error("Context is not valid");
    if (!this.binding.serviceUp || this.binding.epoch !== this.epoch) throw new Error("PC/SC service not running");
  }
  listReaders(): ReaderSnapshot[] {
    this.check();
    return [...this.binding.readers.values()].map((r) => ({
      name: r.name,
      state: stateOf(r),
      atr: r.card?.atr ?? null,
    }));
  }
  async connect(readerName: string): Promise<PcscCard> {
    this.check();
    if (this.binding.failNextConnect) {
      const m = this.binding.failNextConnect;
      this.binding.failNextConnect = undefined;
      throw new Error(m);
    }
    const reader = this.binding.readers.get(readerName);
    if (!reader) throw new Error("Unknown reader");
    if (!reader.card) throw new Error("No smart card present");
    if (!reader.card.atr) throw new Error("Card is unresponsive");
    const card = new FakeCard(this.binding, reader, reader.generation, this.epoch);
    this.binding.openHandles.add(card);
    return card;
  }
  close(): void {
    this.closed = true;
  }
}

class FakeCard implements PcscCard {
  readonly protocol = 2;
  private disconnected = false;
  constructor(
    private readonly binding: FakeBinding,
    private readonly reader: FakeReader,
    private readonly generation: number,
    private readonly epoch: number,
  ) {}
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.disconnected) throw new Error("Card is not connected");
    if (this.binding.epoch !== this.epoch || !this.binding.serviceUp) throw new Error("PC/SC service not running");
    if (this.binding.failNextTransmit) {
      const m = this.binding.failNextTransmit;
      this.binding.failNextTransmit = undefined;
      throw new Error(m);
    }
    if (!this.reader.card || this.reader.generation !== this.generation) throw new Error("Card was removed");
    this.binding.transmitted.push({ reader: this.reader.name, command: command.slice() });
    this.binding.handedBuffers.push(command);
    const card = this.reader.card;
    const answer = await card.respond(command.slice());
    // The card may have been pulled while it was "working" (slow behaviours in tests).
    if (!this.reader.card || this.reader.generation !== this.generation) throw new Error("Card was removed");
    return answer;
  }
  async reconnect(): Promise<void> {
    if (!this.reader.card || this.reader.generation !== this.generation) throw new Error("Card was removed");
  }
  disconnect(): void {
    this.disconnected = true;
    this.binding.openHandles.delete(this);
  }
}
