/**
 * The set of virtual cards inserted in the test bench's readers, by reader index: insert, remove, swap, PIN tries,
 * faults, list. Each card is plugged into its reader's vpcd slot by a {@link VpcdLink}; by default every operation
 * waits until pcscd itself reports the change to PC/SC clients (a real client through libpcsclite), so a test can
 * use the card right after `await insert(...)`.
 */
import { type CardOptions, PROFILES, type ProfileName, type VirtualCard } from "./cards/virtual-card";
import { PcscProbe, presenceOf, type ReaderSlot, TestbedError } from "./pcscd";
import { type GarbleMode, type MuteStyle, VpcdLink } from "./vpcd-link";

export interface InsertOptions extends CardOptions {
  /** For the `mute` profile: see {@link MuteStyle}. Default `unresponsive` (PC/SC shows PRESENT | MUTE). */
  mute?: MuteStyle;
  /**
   * Wait until pcscd reports the card to PC/SC clients (present with this card's ATR, or mute). Default true.
   * With `false`, insert resolves as soon as the card's TCP connection is up (pcscd notices within ~400 ms).
   */
  wait?: boolean;
  /** Give up waiting after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Where this card connects, overriding the host's default (the APDU benchmark compares 127.0.0.1 and 127.0.0.2). */
  cardHost?: string;
}

export type CardFactory = (profile: ProfileName, options?: CardOptions) => Promise<VirtualCard>;

/** A card in a reader. */
export interface HostedCard {
  readonly reader: ReaderSlot;
  /** The profile name, or the card's own `profile` for a card object passed in. */
  readonly profile: string;
  readonly card: VirtualCard;
  readonly link: VpcdLink;
  readonly insertedAt: Date;
}

/** One line of {@link CardHost.list}: a reader and what it holds (JSON-safe; the CLI prints it). */
export interface ReaderListing {
  index: number;
  name: string;
  port: number;
  card: null | {
    profile: string;
    /** Hex, upper case, no spaces; null for a mute card. */
    atr: string | null;
    triesLeft: number | null;
    /** False while the card's link is reconnecting (pcscd down). */
    connected: boolean;
    insertedAt: string;
  };
}

export interface CardHostOptions {
  /** Makes the card of a profile name (scripts/src/testbed/profiles.ts `createCard`). */
  createCard: CardFactory;
  /** Where cards connect; default: 127.0.0.2 with the quickack route, else 127.0.0.1. */
  host?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** pcscd polls vpcd about every 400 ms; no GET ATR after this long means someone else holds the slot. */
const FIRST_POLL_MS = 2_000;

export const hex = (b: Uint8Array | null | undefined): string | null =>
  b ? Buffer.from(b).toString("hex").toUpperCase() : null;

export function isProfileName(x: unknown): x is ProfileName {
  return typeof x === "string" && (PROFILES as readonly string[]).includes(x);
}

const hasControlChar = (v: string) => [...v].some((ch) => ch.charCodeAt(0) < 0x20);
const bad = (msg: string) => new TestbedError("ERR_TESTBED_BAD_OPTION", msg);

/**
 * Checks the shape of card options coming from the CLI or the daemon's API; the card models (profiles.ts) check
 * their meaning and throw CardOptionsError, which {@link CardHost} turns into ERR_TESTBED_BAD_OPTION.
 */
export function validateCardOptions(o: CardOptions): void {
  const h = o.holder ?? {};
  if (typeof h !== "object" || Array.isArray(h)) throw bad("holder must be an object.");
  for (const k of ["nationalId", "surname", "givenName", "profession"] as const) {
    const v = h[k];
    if (v !== undefined && (typeof v !== "string" || v.trim() === "" || v.length > 64 || hasControlChar(v))) {
      throw bad(`${k} must be a non-empty text of at most 64 characters.`);
    }
  }
  for (const k of ["pin", "puk"] as const) {
    if (o[k] !== undefined && (typeof o[k] !== "string" || !/^\d{1,16}$/.test(o[k]))) throw bad(`${k} must be digits.`);
  }
  if (o.triesLeft !== undefined && !Number.isInteger(o.triesLeft)) throw bad("triesLeft must be an integer.");
  for (const k of ["notBefore", "notAfter"] as const) {
    const d = o[k];
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime()))) throw bad(`${k} must be a valid date.`);
  }
}

export class CardHost {
  readonly readers: readonly ReaderSlot[];
  private readonly cards = new Map<number, HostedCard>();
  private readonly busy = new Map<number, Promise<unknown>>();
  private readonly probe = new PcscProbe();
  private readonly opts: CardHostOptions;

  constructor(readers: readonly ReaderSlot[], opts: CardHostOptions) {
    this.readers = readers;
    this.opts = opts;
  }

  /** A reader by index (number or decimal string) or exact PC/SC name; ERR_TESTBED_UNKNOWN_READER otherwise. */
  resolveReader(ref: number | string): ReaderSlot {
    const byName = typeof ref === "string" ? this.readers.find((r) => r.name === ref) : undefined;
    if (byName) return byName;
    const idx = typeof ref === "number" ? ref : /^\d+$/.test(ref.trim()) ? Number(ref.trim()) : Number.NaN;
    const r = this.readers.find((x) => x.index === idx);
    if (r) return r;
    throw new TestbedError(
      "ERR_TESTBED_UNKNOWN_READER",
      `Unknown reader ${JSON.stringify(ref)}. Readers: ${this.readers.map((x) => `${x.index} "${x.name}"`).join(", ")}.`,
      "Give a reader index (0..n-1) or its exact name (`npx cps-testbed list`).",
    );
  }

  /** The card in a reader, if any. */
  get(ref: number | string): HostedCard | undefined {
    return this.cards.get(this.resolveReader(ref).index);
  }

  /**
   * Inserts a card: a profile name (made by the card factory with `options`) or a ready {@link VirtualCard}.
   * ERR_TESTBED_READER_OCCUPIED if the reader already holds one of ours (use {@link swap}),
   * ERR_TESTBED_READER_BUSY if another process's card holds the vpcd slot, ERR_TESTBED_NOT_RUNNING without pcscd.
   */
  insert(ref: number | string, profile: ProfileName | VirtualCard, options: InsertOptions = {}): Promise<HostedCard> {
    const reader = this.resolveReader(ref);
    return this.serial(reader.index, async () => {
      const existing = this.cards.get(reader.index);
      if (existing) {
        throw new TestbedError(
          "ERR_TESTBED_READER_OCCUPIED",
          `Reader ${reader.index} ("${reader.name}") already holds a card (${existing.profile}).`,
          `Remove it first (\`npx cps-testbed remove ${reader.index}\`) or swap it.`,
        );
      }
      return this.plug(reader, profile, options);
    });
  }

  /** Removes the card of a reader; ERR_TESTBED_READER_EMPTY when there is none. Waits for pcscd unless `wait: false`. */
  remove(ref: number | string, opts: { wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const reader = this.resolveReader(ref);
    return this.serial(reader.index, async () => {
      const hosted = this.cards.get(reader.index);
      if (!hosted) {
        throw new TestbedError("ERR_TESTBED_READER_EMPTY", `Reader ${reader.index} ("${reader.name}") holds no card.`);
      }
      await this.unplug(hosted, opts.wait ?? true, opts.timeoutMs ?? 5_000);
    });
  }

  /**
   * Swaps cards in one call: the old card (if any) is pulled out, and as soon as pcscd reports the reader empty the
   * new one goes in; resolves when pcscd reports the new card. Waiting for the removal matters: vpcd 0.8 takes a new
   * connection that arrives before its next poll (~400 ms) as the same card — pcscd would report no removal and not
   * power the new card on (measured on Debian 12).
   */
  swap(ref: number | string, profile: ProfileName | VirtualCard, options: InsertOptions = {}): Promise<HostedCard> {
    const reader = this.resolveReader(ref);
    return this.serial(reader.index, async () => {
      const old = this.cards.get(reader.index);
      if (old) await this.unplug(old, true, options.timeoutMs ?? 5_000);
      return this.plug(reader, profile, options);
    });
  }

  /** Sets the PIN tries left of the card in a reader (cards with a PIN only). */
  setTriesLeft(ref: number | string, n: number): void {
    const hosted = this.mustGet(ref);
    if (!Number.isInteger(n) || n < 0 || n > 15) {
      throw new TestbedError("ERR_TESTBED_BAD_OPTION", `triesLeft must be an integer 0..15, got ${n}.`);
    }
    if (!hosted.card.setTriesLeft) {
      throw new TestbedError("ERR_TESTBED_BAD_OPTION", `A ${hosted.profile} card has no PIN counter.`);
    }
    hosted.card.setTriesLeft(n);
  }

  slowNext(ref: number | string, ms: number): void {
    this.mustGet(ref).link.slowNext(ms);
  }

  garbleNext(ref: number | string, mode: GarbleMode, count = 1): void {
    this.mustGet(ref).link.garbleNext(mode, count);
  }

  list(): ReaderListing[] {
    return this.readers.map((r) => {
      const h = this.cards.get(r.index);
      return {
        index: r.index,
        name: r.name,
        port: r.port,
        card: h
          ? {
              profile: h.profile,
              atr: hex(h.card.atr),
              triesLeft: h.card.triesLeft?.() ?? null,
              connected: h.link.connected,
              insertedAt: h.insertedAt.toISOString(),
            }
          : null,
      };
    });
  }

  /** Removes every card (without waiting for pcscd) and releases the PC/SC probe. */
  async removeAll(): Promise<void> {
    await Promise.all([...this.cards.values()].map((h) => this.unplug(h, false, 0)));
    this.probe.close();
  }

  private mustGet(ref: number | string): HostedCard {
    const reader = this.resolveReader(ref);
    const h = this.cards.get(reader.index);
    if (!h)
      throw new TestbedError("ERR_TESTBED_READER_EMPTY", `Reader ${reader.index} ("${reader.name}") holds no card.`);
    return h;
  }

  /** One operation at a time per reader. */
  private serial<T>(index: number, op: () => Promise<T>): Promise<T> {
    const prev = this.busy.get(index) ?? Promise.resolve();
    const next = prev.then(op, op);
    this.busy.set(
      index,
      next.catch(() => {}),
    );
    return next;
  }

  private async makeCard(profile: ProfileName | VirtualCard, options: InsertOptions): Promise<VirtualCard> {
    if (typeof profile !== "string") return profile;
    if (!isProfileName(profile)) {
      throw new TestbedError(
        "ERR_TESTBED_UNKNOWN_PROFILE",
        `Unknown profile ${JSON.stringify(profile)}. Profiles: ${PROFILES.join(", ")}.`,
        "`npx cps-testbed --help` lists them with one line each.",
      );
    }
    const { mute: _m, wait: _w, timeoutMs: _t, cardHost: _h, ...cardOptions } = options;
    validateCardOptions(cardOptions);
    try {
      return await this.opts.createCard(profile, cardOptions);
    } catch (e) {
      if (e instanceof Error && e.name === "CardOptionsError") throw bad(`${profile}: ${e.message}.`);
      throw e;
    }
  }

  private async plug(
    reader: ReaderSlot,
    profile: ProfileName | VirtualCard,
    options: InsertOptions,
  ): Promise<HostedCard> {
    const card = await this.makeCard(profile, options);
    const link = new VpcdLink({
      card,
      port: reader.port,
      ...((options.cardHost ?? this.opts.host) ? { host: options.cardHost ?? this.opts.host } : {}),
      ...(options.mute ? { mute: options.mute } : {}),
    });
    const before = this.probe.readerStates()?.find((r) => r.name === reader.name)?.state;
    await link.insert();
    const hosted: HostedCard = {
      reader,
      profile: typeof profile === "string" ? profile : card.profile,
      card,
      link,
      insertedAt: new Date(),
    };
    this.cards.set(reader.index, hosted);
    if (options.wait ?? true) {
      try {
        await this.waitInserted(hosted, options.mute ?? "unresponsive", before, options.timeoutMs ?? 5_000);
      } catch (e) {
        this.cards.delete(reader.index);
        await link.remove();
        throw e;
      }
    }
    return hosted;
  }

  private async unplug(hosted: HostedCard, wait: boolean, timeoutMs: number): Promise<void> {
    this.cards.delete(hosted.reader.index);
    await hosted.link.remove();
    if (!wait) return;
    const end = Date.now() + timeoutMs;
    for (;;) {
      const p = this.probe.presence(hosted.reader.name);
      if (p === null || p.presence === "empty" || p.presence === "missing-reader") return;
      if (Date.now() > end) {
        throw new TestbedError(
          "ERR_TESTBED_TIMEOUT",
          `pcscd still reports a card in "${hosted.reader.name}" ${timeoutMs} ms after its removal.`,
        );
      }
      await sleep(20);
    }
  }

  /**
   * Waits until pcscd shows the card. pcsc-lite keeps an event counter in the upper 16 bits of a reader's state;
   * when the reader did not look empty before (a stale state), the counter must move too.
   */
  private async waitInserted(hosted: HostedCard, mute: MuteStyle, before: number | undefined, timeoutMs: number) {
    const { reader, card, link } = hosted;
    const wantAtr = hex(card.atr);
    const counterBefore = before === undefined ? undefined : before >>> 16;
    const start = Date.now();
    for (;;) {
      const elapsed = Date.now() - start;
      if (link.stats.atrRequests === 0 && elapsed > FIRST_POLL_MS) {
        throw new TestbedError(
          "ERR_TESTBED_READER_BUSY",
          `vpcd accepted the card on port ${reader.port} but never polled it: another virtual card holds reader ` +
            `${reader.index} ("${reader.name}") — a cps-testbed daemon, another test, or another engineer's card.`,
          "`npx cps-testbed list` / `npx cps-testbed down`, or use another reader.",
        );
      }
      if (card.atr === null && mute === "silent") {
        if (link.stats.atrRequests > 0) return; // pcscd will never report it (see MuteStyle)
      } else if (link.stats.atrRequests > 0) {
        const states = this.probe.readerStates();
        const st = states?.find((r) => r.name === reader.name);
        if (st) {
          const counterMoved = counterBefore === undefined || st.state >>> 16 !== counterBefore;
          const presence = presenceOf(st.state);
          const beforeEmpty = before === undefined || presenceOf(before) === "empty";
          if (card.atr === null ? presence === "mute" : presence === "present" && hex(st.atr) === wantAtr) {
            if (beforeEmpty || counterMoved) return;
          }
        }
      }
      if (elapsed > timeoutMs) {
        throw new TestbedError(
          "ERR_TESTBED_TIMEOUT",
          `pcscd did not report the ${hosted.profile} card in "${reader.name}" within ${timeoutMs} ms.`,
        );
      }
      await sleep(15);
    }
  }
}
