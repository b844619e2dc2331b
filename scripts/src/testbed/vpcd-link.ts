/**
 * Plugs one {@link VirtualCard} into one vpcd slot of the real pcscd (shared/research/feasibility.md §2).
 *
 * vpcd (inside pcscd) is the TCP server; the card connects to it. Insertion = connect, removal = close.
 * Wire format, both directions: 2-byte big-endian length, then the payload. From vpcd, a 1-byte payload is a
 * control message — 0x00 power off, 0x01 power on, 0x02 reset, 0x04 GET ATR — and only GET ATR is answered; any
 * other payload is a command APDU answered by one R-APDU. pcscd polls GET ATR about every 400 ms to see whether the
 * card is still there.
 *
 * Speed: Debian's vpcd 0.8 sends length and body in two send() calls without TCP_NODELAY, so with delayed ACKs
 * every APDU costs ~44 ms. Connecting to 127.0.0.2, which the quickack route of scripts/testbed/quickack.sh covers,
 * brings that to ~0.35 ms (feasibility.md §2). We also answer every message in ONE write with Nagle off.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import net from "node:net";
import type { VirtualCard } from "./cards/virtual-card";
import { TestbedError } from "./pcscd";

const CTRL_OFF = 0x00;
const CTRL_ON = 0x01;
const CTRL_RESET = 0x02;
const CTRL_ATR = 0x04;

/** How long a card that dropped off on purpose (`disconnect` fault) stays away: more than two vpcd polls. */
const DISCONNECT_AWAY_MS = 1_000;

/** pcsc-lite's MAX_ATR_SIZE. A longer answer to GET ATR makes pcscd's power-up fail (see {@link MuteStyle}). */
const MAX_ATR_SIZE = 33;

/**
 * Faults for the next answers of the card (one-shot each, in the order they were asked):
 * - `truncate`: the status word is cut off (data only; an answer that was only SW1 SW2 keeps SW1 alone);
 * - `random`: random bytes of the same length (at least 2) instead of the answer;
 * - `bitflip`: the data bytes are corrupted, the status word is kept (e.g. 9000 over a broken TLV);
 * - `no-answer`: that APDU is never answered: the PC/SC client's SCardTransmit blocks until the card is removed
 *   (or pcscd dies), like a card that stopped responding mid-command;
 * - `disconnect`: instead of answering, the card drops off the slot (TCP reset) and comes back 1 s later, as a card
 *   with a bad contact: pcscd reports a removal then a new insertion.
 * When the card leaves during a command (`no-answer` then removal, `disconnect`), vpcd 0.8 hands the 0 bytes it read
 * to pcscd as a successful EMPTY answer (measured), where a real reader fails with SCARD_W_REMOVED_CARD: a client
 * must treat an answer without status word as a communication error.
 */
export type GarbleMode = "truncate" | "random" | "bitflip" | "no-answer" | "disconnect";
export const GARBLE_MODES: readonly GarbleMode[] = ["truncate", "random", "bitflip", "no-answer", "disconnect"];

/**
 * How a card whose `atr` is `null` (the `mute` profile) behaves on the vpcd link:
 * - `unresponsive` (default): it answers GET ATR with more than 33 bytes. vpcd 0.8's presence poll only needs a
 *   non-empty answer, so the card is present, but pcscd's power-up rejects the oversized ATR ("Error powering up
 *   card"), marks the card swallowed, and PC/SC clients see SCARD_STATE_PRESENT | SCARD_STATE_MUTE with no ATR;
 *   SCardConnect fails (pcsc-lite 1.9.9: SCARD_W_UNPOWERED_CARD "Card is unpowered"). That is what a real mute card
 *   (upside down, dead chip) looks like to an application (cps-card.md §5: "no ATR / SCARD_W_UNRESPONSIVE_CARD").
 * - `silent`: it never answers GET ATR. vpcd 0.8 reads with no timeout, so pcscd's polling thread for that reader
 *   blocks until the card is removed, and clients see the reader stay EMPTY (measured). Other readers keep working.
 */
export type MuteStyle = "unresponsive" | "silent";

let quickackCache: boolean | undefined;

/** Whether the loopback quickack route for 127.0.0.2 is set (scripts/testbed/quickack.sh status). */
export function quickackRouteSet(): boolean {
  if (quickackCache === undefined) {
    try {
      const out = execFileSync("ip", ["route", "show", "table", "local", "127.0.0.2/32"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
      quickackCache = /\bquickack\b/.test(out);
    } catch {
      quickackCache = false;
    }
  }
  return quickackCache;
}

/** 127.0.0.2 when the quickack route exists (fast APDUs), 127.0.0.1 otherwise. vpcd listens on 0.0.0.0. */
export function defaultCardHost(): string {
  return quickackRouteSet() ? "127.0.0.2" : "127.0.0.1";
}

export interface VpcdLinkOptions {
  card: VirtualCard;
  port: number;
  /** Default {@link defaultCardHost}. */
  host?: string;
  /** Only for cards with `atr === null`. Default `unresponsive`. */
  mute?: MuteStyle;
  /** Reconnect backoff while inserted and the socket dropped (pcscd killed): from `min` doubling to `max` ms. */
  reconnect?: { minMs?: number; maxMs?: number };
}

export type LinkState = "idle" | "connecting" | "connected" | "reconnecting" | "removed";

export interface LinkStats {
  /** TCP connections made (1 + reconnections). */
  connects: number;
  atrRequests: number;
  apdus: number;
}

/**
 * One virtual card in one vpcd slot. Events: `connect` (TCP up), `disconnect` (TCP down, `{ willReconnect }`),
 * `atr-request`, `apdu` (`{ commandLength, responseLength }` — never the bytes: a VERIFY carries the PIN).
 */
export class VpcdLink extends EventEmitter {
  readonly card: VirtualCard;
  readonly host: string;
  readonly port: number;
  readonly muteStyle: MuteStyle;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private sock: net.Socket | undefined;
  private rx: Buffer = Buffer.alloc(0);
  private queue: Promise<void> = Promise.resolve();
  private _state: LinkState = "idle";
  private backoff: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private nextReconnectDelay: number | undefined;
  private slow: number[] = [];
  private garble: GarbleMode[] = [];
  readonly stats: LinkStats = { connects: 0, atrRequests: 0, apdus: 0 };

  constructor(opts: VpcdLinkOptions) {
    super();
    this.card = opts.card;
    this.port = opts.port;
    this.host = opts.host ?? defaultCardHost();
    this.muteStyle = opts.mute ?? "unresponsive";
    this.minBackoff = opts.reconnect?.minMs ?? 50;
    this.maxBackoff = opts.reconnect?.maxMs ?? 1_000;
    this.backoff = this.minBackoff;
  }

  get state(): LinkState {
    return this._state;
  }

  /** True while the card's TCP connection to vpcd is up. */
  get connected(): boolean {
    return this._state === "connected";
  }

  /**
   * Inserts the card: connects to the slot. Rejects with ERR_TESTBED_NOT_RUNNING when nothing listens on the port
   * (no pcscd, or a pcscd without this reader). Once inserted, a dropped connection is retried until {@link remove}.
   */
  insert(): Promise<void> {
    if (this._state !== "idle") return Promise.reject(new Error("VpcdLink.insert() called twice"));
    this._state = "connecting";
    return new Promise((resolve, reject) => {
      this.open((err) => {
        if (err) {
          this._state = "removed";
          reject(
            new TestbedError(
              "ERR_TESTBED_NOT_RUNNING",
              `Nothing accepts the card on ${this.host}:${this.port} (${err.code ?? err.message}): pcscd with this vpcd reader is not running.`,
              "Start the test bench first: `npx cps-testbed up` (or Testbed.start()).",
            ),
          );
        } else resolve();
      });
    });
  }

  /** Removes the card: closes the connection (pcscd notices at its next poll, within ~400 ms) and stops reconnecting. */
  remove(): Promise<void> {
    this._state = "removed";
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const s = this.sock;
    this.sock = undefined;
    this.card.powerOff();
    if (!s || s.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      s.once("close", () => resolve());
      // Close at once (not a half-close): vpcd's next GET ATR then fails and it ejects the card at that poll.
      s.destroy();
    });
  }

  /** Delays the next APDU answer by `ms` (GET ATR polls are not delayed). Cumulative calls queue up. */
  slowNext(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new TestbedError("ERR_TESTBED_BAD_OPTION", `slowNext: bad delay ${ms}`);
    this.slow.push(ms);
  }

  /** Garbles the next `count` APDU answers with `mode` (see {@link GarbleMode}). */
  garbleNext(mode: GarbleMode, count = 1): void {
    if (!GARBLE_MODES.includes(mode)) {
      throw new TestbedError(
        "ERR_TESTBED_BAD_OPTION",
        `garbleNext: unknown mode "${mode}" (one of ${GARBLE_MODES.join(", ")})`,
      );
    }
    for (let i = 0; i < count; i++) this.garble.push(mode);
  }

  /** Faults still waiting for an APDU. */
  pendingFaults(): { slow: number[]; garble: GarbleMode[] } {
    return { slow: [...this.slow], garble: [...this.garble] };
  }

  private open(first?: (err?: NodeJS.ErrnoException) => void): void {
    const s = net.connect({ host: this.host, port: this.port });
    s.setNoDelay(true);
    this.sock = s;
    this.rx = Buffer.alloc(0);
    let up = false;
    s.once("connect", () => {
      up = true;
      if (this._state === "removed") {
        s.destroy();
        return;
      }
      this._state = "connected";
      this.backoff = this.minBackoff;
      this.stats.connects++;
      this.emit("connect");
      first?.();
    });
    s.on("data", (chunk: Buffer) => this.onData(s, chunk));
    s.on("error", (err: NodeJS.ErrnoException) => {
      if (!up && first) {
        first(err);
        first = undefined;
      }
    });
    s.once("close", () => {
      if (this.sock === s) this.sock = undefined;
      // pcscd powers a card on again after a (re)insertion; drop volatile state like a real card losing power.
      if (up) this.card.powerOff();
      if (this._state === "removed") {
        if (up) this.emit("disconnect", { willReconnect: false });
        return; // removed on purpose, or the first connect failed (insert() rejected)
      }
      if (up) this.emit("disconnect", { willReconnect: true });
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    this._state = "reconnecting";
    let delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
    if (this.nextReconnectDelay !== undefined) {
      delay = this.nextReconnectDelay;
      this.nextReconnectDelay = undefined;
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this._state === "reconnecting") this.open();
    }, delay);
  }

  private onData(s: net.Socket, chunk: Buffer): void {
    this.rx = this.rx.length ? Buffer.concat([this.rx, chunk]) : chunk;
    while (this.rx.length >= 2) {
      const len = this.rx.readUInt16BE(0);
      if (this.rx.length < 2 + len) break;
      const msg = Buffer.from(this.rx.subarray(2, 2 + len));
      this.rx = this.rx.subarray(2 + len);
      // Serialise: a slowed answer must not let a later message overtake it (vpcd waits anyway).
      this.queue = this.queue.then(() => this.handle(s, msg)).catch(() => {});
    }
  }

  private async handle(s: net.Socket, msg: Buffer): Promise<void> {
    if (msg.length === 0) return;
    if (msg.length === 1) {
      // vpcd's control bytes. A 1-byte command APDU cannot be told apart on this wire; PC/SC never sends one.
      switch (msg[0]) {
        case CTRL_OFF:
          this.card.powerOff();
          return;
        case CTRL_ON:
          this.card.powerOn();
          return;
        case CTRL_RESET:
          this.card.reset();
          return;
        case CTRL_ATR: {
          this.stats.atrRequests++;
          this.emit("atr-request");
          const atr = this.card.atr;
          if (atr) this.send(s, atr);
          else if (this.muteStyle === "unresponsive") this.send(s, Buffer.alloc(MAX_ATR_SIZE + 7, 0));
          return;
        }
        default:
          return;
      }
    }
    this.stats.apdus++;
    let answer: Uint8Array;
    try {
      answer = this.card.transmit(new Uint8Array(msg));
    } catch {
      answer = Uint8Array.of(0x6f, 0x00); // the contract: a card never throws; the link's last resort
    } finally {
      msg.fill(0); // a VERIFY carries the PIN
    }
    if (answer.length < 2) answer = Uint8Array.of(0x6f, 0x00); // an empty frame would make vpcd eject the card
    const delay = this.slow.shift();
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const fault = this.garble.shift();
    this.emit("apdu", { commandLength: msg.length, responseLength: answer.length, fault: fault ?? null });
    if (fault === "no-answer") return;
    if (fault === "disconnect") {
      // Stay away for a few of pcscd's 400 ms polls: vpcd 0.8 takes a connection back before its next poll as the
      // same card, so pcscd would report neither the removal nor the new insertion (measured).
      this.nextReconnectDelay = DISCONNECT_AWAY_MS;
      s.resetAndDestroy();
      return;
    }
    this.send(s, fault ? garbled(answer, fault) : answer);
  }

  /** One frame, one write: length and body in the same segment (feasibility.md §2). */
  private send(s: net.Socket, payload: Uint8Array): void {
    if (s.destroyed || !s.writable) return;
    let body = payload;
    if (body.length > 0xffff) body = Uint8Array.of(0x6f, 0x00);
    const frame = Buffer.allocUnsafe(2 + body.length);
    frame.writeUInt16BE(body.length, 0);
    frame.set(body, 2);
    s.write(frame);
  }
}

/** Applies a {@link GarbleMode} that still answers something. */
export function garbled(answer: Uint8Array, mode: Exclude<GarbleMode, "no-answer" | "disconnect">): Uint8Array {
  switch (mode) {
    case "truncate":
      return answer.length > 2 ? answer.slice(0, -2) : answer.slice(0, 1);
    case "random":
      return new Uint8Array(randomBytes(Math.max(2, answer.length)));
    case "bitflip": {
      const out = Uint8Array.from(answer);
      const n = Math.max(0, out.length - 2);
      if (n === 0) return out;
      const noise = randomBytes(n);
      for (let i = 0; i < n; i++) out[i] = (out[i] ?? 0) ^ ((noise[i] ?? 0) | 0x01); // every data byte changes
      return out;
    }
  }
}
