/**
 * Keeps one PC/SC context and one reader monitor alive across everything that happens on a doctor's machine
 * (shared/research/feasibility.md §3, anchors.md §6):
 *  - the service is down at start, or dies later (pcscd stopped; Windows stops SCardSvr with the last reader):
 *    state "down", every known reader reported detached, no crash, no busy loop (one attempt per backoff step),
 *    no log flood (the transition once, then at most one line per backoff step until the cap);
 *  - the service comes back: neither `smartcard`'s context nor its monitor ever recover by themselves (the monitor
 *    keeps reporting "PC/SC service not running" every second), so both are recreated, with a fast first retry
 *    and a capped delay (events flow again within ~1 s of pcscd being ready);
 *  - readers unplugged / plugged back, cards inserted / removed: reconciled into one event stream, each event
 *    once, whatever the order in which the initial listing and the monitor's own initial events arrive.
 */

import { BridgeError } from "@cps-bridge/protocol/errors";
import type { PcscState } from "@cps-bridge/protocol/model";
import type { Logger } from "../log";
import { silentLogger } from "../log";
import { type MonitorEvent, type PcscBinding, type PcscContext, type PcscMonitor, SCARD_STATE } from "./binding";
import { isServiceLoss } from "./errors";

export type SupervisorEvent =
  | { type: "state"; state: PcscState }
  | { type: "reader-attached"; reader: string }
  | { type: "reader-detached"; reader: string }
  /** `at`: performance.now() when the binding received the event (event-latency benchmark). */
  | { type: "card-inserted"; reader: string; atr: Uint8Array | null; mute: boolean; at: number }
  | { type: "card-removed"; reader: string; at: number };

export interface KnownReader {
  name: string;
  present: boolean;
  mute: boolean;
  atr: Uint8Array | null;
}

/** Delays between reconnection attempts: fast first, capped (ms). */
export const DEFAULT_BACKOFF_MS = [100, 200, 400, 800, 1000] as const;

export interface SupervisorOptions {
  logger?: Logger;
  backoffMs?: readonly number[];
}

const sameAtr = (a: Uint8Array | null, b: Uint8Array | null) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]));

export class PcscSupervisor {
  private readonly log: Logger;
  private readonly backoff: readonly number[];
  private _state: PcscState = "starting";
  private ctx: PcscContext | undefined;
  private monitor: PcscMonitor | undefined;
  /** Bumped at each (re)connection; events of an older monitor are ignored. */
  private generation = 0;
  private readonly known = new Map<string, KnownReader>();
  private readonly listeners = new Set<(e: SupervisorEvent) => void>();
  private retryTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private downSince = 0;
  private stopped = false;

  constructor(
    private readonly binding: PcscBinding,
    options: SupervisorOptions = {},
  ) {
    this.log = (options.logger ?? silentLogger()).child({ component: "pcsc" });
    this.backoff = options.backoffMs?.length ? options.backoffMs : DEFAULT_BACKOFF_MS;
  }

  get state(): PcscState {
    return this._state;
  }

  /** First connection attempt; resolves once the service is up (readers listed) or known to be down. */
  async start(): Promise<void> {
    this.stopped = false;
    if (this.ctx) return;
    if (!this.tryConnect()) this.goDown("service unreachable at start");
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.teardown();
    this.known.clear();
  }

  on(listener: (e: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The live context, or ERR_PCSC_SERVICE_DOWN. */
  context(): PcscContext {
    if (this._state !== "up" || !this.ctx) throw new BridgeError("ERR_PCSC_SERVICE_DOWN");
    return this.ctx;
  }

  readers(): KnownReader[] {
    return [...this.known.values()].map((r) => ({ ...r }));
  }

  reader(name: string): KnownReader | undefined {
    const r = this.known.get(name);
    return r && { ...r };
  }

  /**
   * A card operation failed: if the failure means the service is gone, rebuild everything now rather than wait
   * for the monitor to notice. Returns true when it did.
   */
  reportFailure(err: unknown): boolean {
    if (this._state !== "up" || !isServiceLoss(err)) return false;
    this.lost(`operation failed: ${(err as Error)?.message ?? String(err)}`);
    return true;
  }

  // ─────────────────────────────── lifecycle ───────────────────────────────

  private tryConnect(): boolean {
    let ctx: PcscContext | undefined;
    let monitor: PcscMonitor | undefined;
    try {
      ctx = this.binding.createContext();
      const snapshot = ctx.listReaders();
      monitor = this.binding.createMonitor();
      const generation = ++this.generation;
      // Events the monitor delivers before we are done here (a fake may call back synchronously) wait in
      // `early` so that listeners always see "up" first, then the listed readers, then changes.
      let early: MonitorEvent[] | undefined = [];
      monitor.start((e) => {
        if (generation !== this.generation) return;
        if (early) early.push(e);
        else this.onMonitorEvent(e);
      });
      this.ctx = ctx;
      this.monitor = monitor;
      this.setState("up");
      const at = performance.now();
      for (const r of snapshot) this.applyReaderState(r.name, r.state, r.atr, at);
      const pending = early;
      early = undefined;
      for (const e of pending) if (generation === this.generation) this.onMonitorEvent(e);
      return true;
    } catch (err) {
      try {
        monitor?.stop();
      } catch {}
      try {
        ctx?.close();
      } catch {}
      this.lastError = (err as Error)?.message ?? String(err);
      return false;
    }
  }
  private lastError = "";

  private teardown(): void {
    this.generation++;
    const monitor = this.monitor;
    const ctx = this.ctx;
    this.monitor = undefined;
    this.ctx = undefined;
    try {
      monitor?.stop();
    } catch {}
    try {
      ctx?.close();
    } catch {}
  }

  private lost(reason: string): void {
    if (this._state === "down") return;
    this.teardown();
    const at = performance.now();
    for (const r of [...this.known.values()]) {
      if (r.present) this.emit({ type: "card-removed", reader: r.name, at });
      this.known.delete(r.name);
      this.emit({ type: "reader-detached", reader: r.name });
    }
    this.goDown(reason);
  }

  private goDown(reason: string): void {
    this.attempts = 0;
    this.downSince = performance.now();
    if (this._state !== "down") {
      this.log.warn({ event: "pcsc.down", reason, lastError: this.lastError || undefined }, "PC/SC service down");
    }
    this.setState("down");
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const step = Math.min(this.attempts, this.backoff.length - 1);
    const delay = this.backoff[step]!;
    // One line per backoff step, none once the delay is capped.
    if (this.attempts > 0 && this.attempts < this.backoff.length) {
      this.log.info({ event: "pcsc.retry", attempt: this.attempts, nextInMs: delay }, "PC/SC still down");
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      this.attempts++;
      if (this.tryConnect()) {
        this.log.info(
          { event: "pcsc.up", attempts: this.attempts, downMs: Math.round(performance.now() - this.downSince) },
          "PC/SC service back",
        );
        this.attempts = 0;
      } else {
        this.scheduleRetry();
      }
    }, delay);
  }

  private setState(state: PcscState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit({ type: "state", state });
  }

  // ─────────────────────────────── events ───────────────────────────────

  private onMonitorEvent(e: MonitorEvent): void {
    switch (e.type) {
      case "error":
        this.lastError = e.message;
        this.lost(`monitor: ${e.message}`);
        return;
      case "reader-attached":
        this.applyReaderState(e.reader, e.state, e.atr, e.at);
        return;
      case "card-inserted": {
        const r = this.known.get(e.reader);
        // Inserted again while we still believe a different card is there: the old one left in between.
        if (r?.present && !sameAtr(r.atr, e.atr)) this.cardRemoved(e.reader, e.at);
        this.applyReaderState(e.reader, e.state | SCARD_STATE.PRESENT, e.atr, e.at);
        return;
      }
      case "card-removed":
        this.cardRemoved(e.reader, e.at);
        return;
      case "reader-detached": {
        if (!this.known.has(e.reader)) return;
        this.cardRemoved(e.reader, e.at);
        this.known.delete(e.reader);
        this.emit({ type: "reader-detached", reader: e.reader });
        return;
      }
    }
  }

  private applyReaderState(name: string, state: number, atr: Uint8Array | null, at: number): void {
    let r = this.known.get(name);
    if (!r) {
      r = { name, present: false, mute: false, atr: null };
      this.known.set(name, r);
      this.emit({ type: "reader-attached", reader: name });
    }
    const present = (state & SCARD_STATE.PRESENT) !== 0;
    if (present && !r.present) {
      const usableAtr = atr && atr.length > 0 ? atr : null;
      r.present = true;
      r.atr = usableAtr;
      r.mute = (state & SCARD_STATE.MUTE) !== 0 || usableAtr === null;
      this.emit({ type: "card-inserted", reader: name, atr: r.atr, mute: r.mute, at });
    } else if (!present && r.present) {
      this.cardRemoved(name, at);
    }
  }

  private cardRemoved(name: string, at: number): void {
    const r = this.known.get(name);
    if (!r?.present) return;
    r.present = false;
    r.mute = false;
    r.atr = null;
    this.emit({ type: "card-removed", reader: name, at });
  }

  private emit(e: SupervisorEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ err, event: e.type }, "supervisor listener failed");
      }
    }
  }
}
