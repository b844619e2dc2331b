/**
 * One reader as the card layer uses it: the SHARED connection to the card currently in it, and a FIFO lock held
 * across every APDU sequence ("transaction").
 *
 * `smartcard` 3.7.0 has no SCardBeginTransaction (see pcsc/smartcard-binding.ts), so the lock only serialises
 * this process; other middleware sharing the card (Cryptolib, SESAM-Vitale software) may change the card's
 * selection between our sequences, which is why every driver operation re-selects its application first
 * (design.md "card access"; cps-card.md §7.3).
 *
 * Guarantees:
 *  - a card pulled during a sequence fails it with ERR_CARD_REMOVED at once (the pending transmit is raced
 *    against the removal event) and the lock is released; waiters queued for that card get ERR_CARD_REMOVED;
 *  - a card that stops answering fails with ERR_CARD_MUTE after `apduTimeoutMs`, never a hang;
 *  - another application resetting the card (SCARD_W_RESET_CARD) → reconnect and run the sequence once more,
 *    unless a PIN was already sent in it;
 *  - `wait: false` → ERR_ACTION_PENDING instead of queuing; an aborted `signal` leaves the queue.
 */
import { BridgeError, isBridgeError } from "@cps-bridge/protocol/errors";
import type { Logger } from "../log";
import {
  type CommandApdu,
  type ExchangeObserver,
  type ExchangeRecord,
  exchange,
  exchangeChained,
  type ResponseApdu,
  swHex,
} from "./apdu";
import type { PcscCard } from "./binding";
import { SCARD, scardCode, toBridgeError } from "./errors";
import type { PcscSupervisor } from "./supervisor";

export interface Transaction {
  readonly reader: string;
  /** Sends one command; 61xx / 6Cxx already handled (pcsc/apdu.ts). */
  send(apdu: CommandApdu): Promise<ResponseApdu>;
  /** Command chaining in blocks of `blockSize` bytes. */
  sendChained(apdu: CommandApdu, blockSize: number): Promise<ResponseApdu>;
  /** Raw exchanges so far in this transaction (GET RESPONSE included). */
  readonly apduCount: number;
}

export interface TransactionOptions {
  /** false: ERR_ACTION_PENDING when another sequence holds the reader. Default true. */
  wait?: boolean;
  signal?: AbortSignal;
  /** For logs. */
  label?: string;
}

export interface ReaderSessionOptions {
  logger: Logger;
  /** Per raw exchange; default 20 s (an RSA-2048 operation takes well under 2 s on a CPx). */
  apduTimeoutMs?: number;
  /** How long to wait for pcscd to confirm a removal after an ambiguous transmit failure. */
  removalConfirmMs?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ReaderSession {
  private card: PcscCard | undefined;
  private connecting: Promise<PcscCard> | undefined;
  /** Bumped on every insertion and removal; a sequence started for one card never runs on another. */
  private generation = 0;
  private present = false;
  private busy = false;
  private readonly queue: Waiter[] = [];
  /** Fails the in-flight transmit when the card leaves: one entry per pending transmit, removed when it settles. */
  private readonly inFlight = new Set<(e: unknown) => void>();
  /** The native transmit of the current card handle, while one runs (the reader lock allows one at a time). */
  private transmitting: Promise<unknown> | undefined;
  private readonly observers = new Set<ExchangeObserver>();
  /**
   * A native call (transmit or connect) that outlived its deadline and still occupies a libuv worker thread:
   * until it settles (the card is pulled, pcscd gives up) this reader gets no new native call, so one stuck card
   * can never exhaust the thread pool the rest of the agent needs.
   */
  private stuck: Promise<unknown> | undefined;
  private readonly log: Logger;
  private readonly apduTimeoutMs: number;
  private readonly removalConfirmMs: number;

  constructor(
    readonly name: string,
    private readonly supervisor: PcscSupervisor,
    options: ReaderSessionOptions,
  ) {
    this.log = options.logger.child({ reader: name });
    this.apduTimeoutMs = options.apduTimeoutMs ?? 20_000;
    this.removalConfirmMs = options.removalConfirmMs ?? 800;
  }

  get cardGeneration(): number {
    return this.generation;
  }
  get cardPresent(): boolean {
    return this.present;
  }
  get isBusy(): boolean {
    return this.busy;
  }

  /** Observe every raw exchange on this reader (APDU counts, the benchmark's recording). */
  observe(observer: ExchangeObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  cardInserted(_atr: Uint8Array | null): void {
    this.dropCard("inserted");
    this.present = true;
  }

  cardRemoved(): void {
    this.dropCard("removed");
    this.present = false;
  }

  /** Reader gone or service lost: same as a removal, and nothing may wait any more. */
  close(): void {
    this.cardRemoved();
    for (const w of this.queue.splice(0)) w.reject(new BridgeError("ERR_CARD_REMOVED", "reader went away"));
  }

  private dropCard(why: string): void {
    this.generation++;
    const card = this.card;
    this.card = undefined;
    this.connecting = undefined;
    if (this.inFlight.size > 0) {
      const removed = new BridgeError("ERR_CARD_REMOVED", `card ${why} during the operation`);
      for (const fail of [...this.inFlight]) fail(removed);
      this.inFlight.clear();
    }
    if (!card) return;
    const disconnect = () => {
      try {
        card.disconnect("leave");
      } catch {
        // the handle is already dead with the card
      }
    };
    // A synchronous disconnect would wait for the handle's running transmit (pcsc/smartcard-binding.ts): the
    // card usually fails it at once when pulled out, but a stuck reader may not. Disconnect once it returns.
    const running = this.transmitting;
    this.transmitting = undefined;
    if (running) running.then(disconnect, disconnect);
    else disconnect();
  }

  /** Runs `fn` holding this reader's lock, on the card present when it was called. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (!this.present) throw new BridgeError("ERR_NO_CARD", undefined, { reader: this.name });
    const generation = this.generation;
    await this.acquire(options);
    try {
      if (generation !== this.generation || !this.present) {
        throw new BridgeError("ERR_CARD_REMOVED", "the card changed while this operation waited", {
          reader: this.name,
        });
      }
      let resetRetried = false;
      for (;;) {
        const tx = this.makeTransaction(generation, options.signal);
        try {
          return await fn(tx);
        } catch (err) {
          if (!resetRetried && scardCode(err) === SCARD.W_RESET_CARD && !tx.sentSecret) {
            // Another application reset the card: reconnect, then run the whole sequence again (it starts by
            // selecting its application, so it does not depend on what the reset cleared).
            resetRetried = true;
            this.log.info({ event: "card.reset-by-other", label: options.label }, "card was reset; retrying once");
            await this.reconnect(generation);
            continue;
          }
          throw await this.mapFailure(err, generation);
        }
      }
    } finally {
      this.release();
    }
  }

  private async mapFailure(err: unknown, generation: number): Promise<BridgeError> {
    if (generation !== this.generation) {
      return isBridgeError(err, "ERR_CARD_REMOVED")
        ? err
        : new BridgeError("ERR_CARD_REMOVED", undefined, { reader: this.name }, { cause: err });
    }
    if (this.supervisor.reportFailure(err)) return toBridgeError(err, { reader: this.name, serviceDown: true });
    const mapped = toBridgeError(err, { reader: this.name, operation: "transmit" });
    if (mapped.code === "ERR_CARD_COMMUNICATION" || mapped.code === "ERR_PCSC_FAILURE") {
      // Readers report a card pulled mid-command as a transmit failure, and vpcd even as an empty "successful"
      // answer (no status word), before pcscd's next presence poll (~400 ms) reports the removal to our monitor:
      // wait a little for that event before calling it a communication error. (Only the monitor's event is
      // awaited: no synchronous PC/SC call here — one would freeze the event loop while a reader is stuck.)
      const deadline = performance.now() + this.removalConfirmMs;
      while (performance.now() < deadline && generation === this.generation) await sleep(20);
      if (generation !== this.generation) {
        return new BridgeError("ERR_CARD_REMOVED", undefined, { reader: this.name }, { cause: err });
      }
    }
    return mapped;
  }

  private async reconnect(generation: number): Promise<void> {
    const card = await this.connect(generation);
    try {
      await card.reconnect();
    } catch (err) {
      throw toBridgeError(err, { reader: this.name, operation: "reconnect" });
    }
  }

  private connect(generation: number): Promise<PcscCard> {
    if (this.card) return Promise.resolve(this.card);
    if (!this.connecting) {
      const attempt = this.openCard(generation);
      this.connecting = attempt;
      const clear = () => {
        if (this.connecting === attempt) this.connecting = undefined;
      };
      attempt.then(clear, clear);
    }
    return this.connecting;
  }

  /** SCardConnect SHARED for the card of `generation`. */
  private async openCard(generation: number): Promise<PcscCard> {
    this.refuseWhileStuck();
    let card: PcscCard;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      // SCardConnect has no deadline of its own: a reader whose driver is stuck (a card that stopped answering)
      // would keep us waiting forever.
      const connecting = this.supervisor.context().connect(this.name);
      connecting.then(
        (late) => {
          if (timedOut) {
            try {
              late.disconnect("leave");
            } catch {}
          }
        },
        () => {},
      );
      card = await Promise.race([
        connecting,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            this.markStuck(connecting);
            reject(
              new BridgeError("ERR_CARD_MUTE", `no connection within ${this.apduTimeoutMs} ms`, { reader: this.name }),
            );
          }, this.apduTimeoutMs);
        }),
      ]);
    } catch (err) {
      throw toBridgeError(err, { reader: this.name, operation: "connect" });
    } finally {
      clearTimeout(timer);
    }
    if (generation !== this.generation) {
      try {
        card.disconnect("leave");
      } catch {}
      throw new BridgeError("ERR_CARD_REMOVED", undefined, { reader: this.name });
    }
    this.card = card;
    return card;
  }

  private makeTransaction(generation: number, signal: AbortSignal | undefined): Transaction & { sentSecret: boolean } {
    let count = 0;
    // APDU traces (header, lengths, SW, time — never data) only at trace level; nothing is built otherwise.
    const traceOn = this.log.isLevelEnabled("trace");
    const observer: ExchangeObserver = (record: ExchangeRecord) => {
      count++;
      if (traceOn) {
        this.log.trace(
          {
            event: "apdu",
            header: record.header,
            lc: record.lc,
            sw: swHex(record.sw),
            le: record.responseLength,
            ms: +record.ms.toFixed(2),
          },
          "apdu",
        );
      }
      for (const o of this.observers) o(record);
    };
    const transport = {
      transmit: async (command: Uint8Array): Promise<Uint8Array> => {
        if (signal?.aborted) throw abortError(signal);
        if (generation !== this.generation || !this.present) {
          throw new BridgeError("ERR_CARD_REMOVED", undefined, { reader: this.name });
        }
        // Connected (every APDU but a sequence's first): no extra turn through the microtask queue.
        const card = this.card ?? (await this.connect(generation));
        return this.guardedTransmit(card, command);
      },
    };
    const tx = {
      reader: this.name,
      sentSecret: false,
      get apduCount() {
        return count;
      },
      send: (apdu: CommandApdu) => {
        if (apdu.sensitive) tx.sentSecret = true;
        return exchange(transport, apdu, observer);
      },
      sendChained: (apdu: CommandApdu, blockSize: number) => {
        if (apdu.sensitive) tx.sentSecret = true;
        return exchangeChained(transport, apdu, blockSize, observer);
      },
    };
    return tx;
  }

  private refuseWhileStuck(): void {
    if (this.stuck) {
      throw new BridgeError("ERR_CARD_MUTE", "the reader still waits for the card's previous answer", {
        reader: this.name,
      });
    }
  }

  /**
   * `call` waits for a card that does not answer. Nothing new is sent to this reader until it settles; then the
   * abandoned handle, if any, is disconnected. It is kept referenced until then: dropped, its GC finalizer would
   * run SCardDisconnect on the main thread at some random later moment (pcsc/smartcard-binding.ts).
   */
  private markStuck(call: Promise<unknown>, abandoned?: PcscCard): void {
    const settled = call.then(
      () => {},
      () => {},
    );
    this.stuck = settled;
    settled.then(() => {
      if (this.stuck === settled) this.stuck = undefined;
      if (abandoned && abandoned !== this.card) {
        try {
          abandoned.disconnect("leave");
        } catch {
          // already dead with its card or its service
        }
      }
    });
  }

  /** The transmit, raced against the card's removal and a timeout. */
  private guardedTransmit(card: PcscCard, command: Uint8Array): Promise<Uint8Array> {
    this.refuseWhileStuck();
    const sending = card.transmit(command);
    this.transmitting = sending;
    const done = () => {
      if (this.transmitting === sending) this.transmitting = undefined;
    };
    sending.then(done, done);
    return new Promise<Uint8Array>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.inFlight.delete(fail);
      };
      const fail = (e: unknown) => {
        settle();
        reject(e);
      };
      const timer = setTimeout(() => {
        // Leave the stuck handle alone for now (a synchronous disconnect would wait for its transmit); the next
        // operation connects afresh, and the handle is disconnected once its transmit returns.
        if (this.card === card) this.card = undefined;
        this.markStuck(sending, card);
        fail(new BridgeError("ERR_CARD_MUTE", `no answer within ${this.apduTimeoutMs} ms`, { reader: this.name }));
      }, this.apduTimeoutMs);
      this.inFlight.add(fail);
      sending.then((answer) => {
        settle();
        resolve(answer);
      }, fail);
    });
  }

  // ─────────────────────────────── lock ───────────────────────────────

  private acquire(options: TransactionOptions): Promise<void> {
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    if (options.wait === false) {
      return Promise.reject(new BridgeError("ERR_ACTION_PENDING", undefined, { reader: this.name }));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.queue.push(waiter);
      options.signal?.addEventListener(
        "abort",
        () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(abortError(options.signal!));
          }
        },
        { once: true },
      );
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.resolve();
    else this.busy = false;
  }
}

function abortError(signal: AbortSignal): BridgeError {
  const reason = signal.reason;
  return isBridgeError(reason) ? reason : new BridgeError("ERR_USER_CANCELLED", "operation aborted");
}
