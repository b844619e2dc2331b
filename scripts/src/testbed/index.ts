/**
 * # The cps-bridge test bench, as a library
 *
 * Virtual CPS3 / CPS4 / Vitale / … cards behind the machine's real pcscd, through the vpcd virtual reader driver
 * (Debian packages `pcscd` and `vsmartcard-vpcd`). Any PC/SC application — the cps-bridge agent, `pcsc_scan`,
 * OpenSC — sees them as cards in card readers. No card hardware is needed.
 *
 * ```ts
 * import { Testbed } from "@cps-bridge/scripts/testbed/index";
 *
 * const tb = await Testbed.start();              // uses the serving pcscd, or starts one with our readers
 * const cps = await tb.insert(0, "cps3", { holder: { surname: "DUPONT" }, pin: "1234" });
 * // … your PC/SC code sees a CPS3 in tb.readers[0].name ("CPS Test Reader 00 00") …
 * cps.garbleNext("truncate");                    // the card's next answer loses its status word
 * await tb.swap(0, "vitale2");                   // the doctor inserts the Vitale card instead
 * await tb.stop();                               // removes the cards; stops pcscd only if it started it
 * ```
 *
 * Only one pcscd can run per machine: run test files that use the test bench one at a time (the vitest
 * `integration` and `e2e` projects do). See docs/testbed.md.
 *
 * @packageDocumentation
 */

import { CardHost, type HostedCard, type InsertOptions, type ReaderListing } from "./card-host";
import type { ProfileName, VirtualCard } from "./cards/virtual-card";
import { ensurePcscd, type PcscdController, type ReaderSet, type ReaderSlot, TestbedError } from "./pcscd";
import { loadTestPki, testbedStateDir } from "./pki";
import { createCard } from "./profiles";
import { defaultCardHost, type GarbleMode, quickackRouteSet, type VpcdLink } from "./vpcd-link";

export type { InsertOptions, ReaderListing } from "./card-host";
export type { CardOptions, HolderOptions, ProfileName, VirtualCard } from "./cards/virtual-card";
export { PROFILES } from "./cards/virtual-card";
export { type ReaderSet, type ReaderSlot, TestbedError, type TestbedErrorCode } from "./pcscd";
export { GARBLE_MODES, type GarbleMode, type MuteStyle } from "./vpcd-link";

/** A reader of the test bench: its index, its PC/SC name, and the vpcd TCP port its cards connect to. */
export type ReaderInfo = ReaderSlot;

export interface TestbedStartOptions {
  /**
   * Directory for the pcscd configuration we render, pcscd's log and the daemon's state file.
   * Default: `$CPS_TESTBED_STATE_DIR`, else `${XDG_STATE_HOME:-~/.local/state}/cps-testbed`.
   * (The test PKI always lives in that default directory, where the virtual cards load it from.)
   */
  stateDir?: string;
  /** Accept a pcscd that serves only Debian's "Virtual PCD 00 00/00 01" readers (two readers). Default true. */
  allowDebianVpcd?: boolean;
  /** Stop, at {@link Testbed.stop}, a pcscd a crashed test bench with the same state dir left behind. Default false. */
  adoptOrphanPcscd?: boolean;
  /** Where the cards connect (default: 127.0.0.2 when the quickack route exists, else 127.0.0.1). */
  cardHost?: string;
}

/** The pcscd the test bench uses, and the recovery-test helpers (allowed only on a pcscd the test bench started). */
export interface PcscdHandle {
  /** True when this Testbed started pcscd: {@link Testbed.stop} stops it. */
  readonly startedByUs: boolean;
  /** True when the test bench started it with this state dir (here or in another process): kill/restart allowed. */
  readonly owned: boolean;
  /** Which reader configuration it serves. */
  readonly readerSet: ReaderSet;
  /** Its pid (the serving one), if known. */
  readonly pid: number | undefined;
  /** pcscd's own output (`-f`, no `-d`, never `-a`) when we started it. */
  readonly logPath: string;
  /**
   * Kills it (SIGKILL by default, like a crash; SIGTERM for a clean stop) and waits until it is gone.
   * Inserted cards stay inserted and come back by themselves when pcscd is started again.
   * ERR_TESTBED_NOT_OWNER on a pcscd the test bench did not start.
   */
  kill(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Starts it again after {@link kill}; resolves when it serves our readers. */
  start(): Promise<void>;
  /** SIGTERM then start; resolves when it serves our readers again. */
  restart(): Promise<void>;
}

/** A card inserted in a reader, with its test controls. */
export interface InsertedCard {
  /** The card model itself (profiles.ts): its ATR, its PIN counter… */
  readonly card: VirtualCard;
  readonly reader: ReaderInfo;
  readonly profile: string;
  /** The vpcd link (connection state, counters of ATR polls and APDUs). */
  readonly link: VpcdLink;
  /** Pulls the card out; resolves when pcscd reports the reader empty. */
  remove(): Promise<void>;
  /** PIN tries left now (undefined for a card without PIN). */
  triesLeft(): number | undefined;
  /** Sets the PIN tries left (0 blocks the PIN). */
  setTriesLeft(n: number): void;
  /** The next APDU answer comes `ms` later (each call delays one more answer). */
  slowNext(ms: number): void;
  /** The next `count` (default 1) APDU answers are garbled: see {@link GarbleMode}. */
  garbleNext(mode: GarbleMode, count?: number): void;
}

/**
 * The test bench: one pcscd with our virtual readers (started unless one already serves) and the cards in them.
 * Create it with {@link Testbed.start}; always {@link Testbed.stop} it (e.g. in `afterAll`).
 */
export class Testbed {
  /** The readers, in pcscd's order. With our pcscd: 4 readers "CPS Test Reader 00 00/00 01" and "CPS Test Reader 2 00 00/00 01". */
  readonly readers: readonly ReaderInfo[];
  readonly pcscd: PcscdHandle;
  /** PEM file with the test PKI's root and intermediate ("TEST AC RACINE IGC-SANTE FORT" → "TEST AC IGC-SANTE FORT PERSONNES"). */
  readonly trustAnchorsPath: string;
  /** Whether the cards use the loopback quickack route (~0.35 ms per APDU instead of ~44 ms). */
  readonly quickack: boolean;
  /** The address the cards connect to vpcd on (127.0.0.2 or 127.0.0.1). */
  readonly cardHost: string;
  readonly stateDir: string;
  private readonly host: CardHost;
  private readonly controller: PcscdController;
  private stopped = false;

  private constructor(init: {
    controller: PcscdController;
    host: CardHost;
    trustAnchorsPath: string;
    stateDir: string;
    quickack: boolean;
    cardHost: string;
  }) {
    this.controller = init.controller;
    this.host = init.host;
    this.readers = init.controller.readers;
    this.trustAnchorsPath = init.trustAnchorsPath;
    this.stateDir = init.stateDir;
    this.quickack = init.quickack;
    this.cardHost = init.cardHost;
    const c = init.controller;
    this.pcscd = {
      get startedByUs() {
        return c.startedByUs;
      },
      get owned() {
        return c.owned;
      },
      get readerSet() {
        return c.readerSet;
      },
      get pid() {
        return c.pid;
      },
      get logPath() {
        return c.logPath;
      },
      kill: (signal) => c.kill(signal),
      start: () => c.start(),
      restart: () => c.restart(),
    };
  }

  /**
   * Finds the serving pcscd or starts ours, and loads the test PKI. Fails (never skips) with a
   * {@link TestbedError} whose `fix` says what to do: ERR_TESTBED_PACKAGE_MISSING (`apt-get install pcscd` /
   * `apt-get install vsmartcard-vpcd`), ERR_TESTBED_PORT_IN_USE, ERR_TESTBED_PCSCD_CONFLICT (a pcscd serves
   * without our readers), ERR_TESTBED_PCSCD_FAILED.
   */
  static async start(options: TestbedStartOptions = {}): Promise<Testbed> {
    const stateDir = options.stateDir ?? testbedStateDir();
    const [controller, pki] = await Promise.all([
      ensurePcscd({
        stateDir,
        allowDebianVpcd: options.allowDebianVpcd ?? true,
        adoptOrphan: options.adoptOrphanPcscd ?? false,
      }),
      loadTestPki(),
    ]);
    const cardHost = options.cardHost ?? defaultCardHost();
    const host = new CardHost(controller.readers, { createCard, host: cardHost });
    return new Testbed({
      controller,
      host,
      trustAnchorsPath: pki.anchorsPath,
      stateDir,
      quickack: cardHost === "127.0.0.2" && quickackRouteSet(),
      cardHost,
    });
  }

  /** A reader by index or exact name (ERR_TESTBED_UNKNOWN_READER otherwise). */
  reader(ref: number | string): ReaderInfo {
    return this.host.resolveReader(ref);
  }

  /**
   * Inserts a card of a profile (or your own {@link VirtualCard}) into a reader (index or exact name) and waits
   * until pcscd reports it (unless `options.wait === false`). Options set the holder, PIN, PUK, tries left,
   * validity dates, and for `mute` the {@link MuteStyle}.
   */
  async insert(
    reader: number | string,
    profile: ProfileName | VirtualCard,
    options?: InsertOptions,
  ): Promise<InsertedCard> {
    return this.handle(await this.host.insert(reader, profile, options));
  }

  /** Pulls the card out of a reader; resolves when pcscd reports it empty (ERR_TESTBED_READER_EMPTY if none). */
  remove(reader: number | string, options?: { wait?: boolean; timeoutMs?: number }): Promise<void> {
    return this.host.remove(reader, options);
  }

  /** Replaces the card of a reader in one step (pcscd reports a removal then an insertion). */
  async swap(
    reader: number | string,
    profile: ProfileName | VirtualCard,
    options?: InsertOptions,
  ): Promise<InsertedCard> {
    return this.handle(await this.host.swap(reader, profile, options));
  }

  /** The card in a reader, if any. */
  card(reader: number | string): InsertedCard | undefined {
    const h = this.host.get(reader);
    return h ? this.handle(h) : undefined;
  }

  /** Every reader with what it holds (JSON-safe). */
  list(): ReaderListing[] {
    return this.host.list();
  }

  /** Removes every card and stops pcscd if this Testbed started it. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.host.removeAll();
    await this.controller.stop();
  }

  private handle(h: HostedCard): InsertedCard {
    const host = this.host;
    const index = h.reader.index;
    return {
      card: h.card,
      reader: h.reader,
      profile: h.profile,
      link: h.link,
      remove: () => host.remove(index),
      triesLeft: () => h.card.triesLeft?.(),
      setTriesLeft: (n) => host.setTriesLeft(index, n),
      slowNext: (ms) => h.link.slowNext(ms),
      garbleNext: (mode, count) => h.link.garbleNext(mode, count),
    };
  }
}

/** Whether `e` is a {@link TestbedError}, optionally with a given code. */
export function isTestbedError(e: unknown, code?: TestbedError["code"]): e is TestbedError {
  return e instanceof TestbedError && (code === undefined || e.code === code);
}

export { testbedStateDir } from "./pki";
