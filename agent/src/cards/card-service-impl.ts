/**
 * CardService (agent/src/card-service.ts) over the PC/SC supervisor, one ReaderSession per reader and one driver
 * per card session.
 *
 * What happens when:
 *  - a card is inserted: `card.inserted` at once, typed from its ATR alone (no APDU, so it is fast); then, in the
 *    background and under the reader's lock, the AID probe if the ATR is unknown, the identity (serial, then — only
 *    for a serial not seen before — PKCS#15 and certificate), the certificate summary and the PIN status;
 *    `card.updated` when done (or with `errorCode` when the card could not be read: it keeps being served);
 *  - a card is removed / a reader unplugged / the PC/SC service lost: the session is dropped (any running operation
 *    fails with ERR_CARD_REMOVED and its lock is released), `card.removed` / `reader.detached` / `pcsc.state`.
 *
 * Refinements of the lead's interface, all compatible: `start()` resolves once the first enumeration is done
 * (readers present at start are in `readers()`, their cards being read); `cardStatus({ reader })` with an explicit
 * reader returns whatever is there (empty, mute, a Vitale…) instead of throwing, so the CLI and diagnostics can show
 * it; without `reader` it picks the reader holding a CPS card, as documented there.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { certificateValidity } from "@cps-bridge/protocol/certificate-summary";
import { markImmutable } from "@cps-bridge/protocol/envelope";
import { BridgeError, isBridgeError } from "@cps-bridge/protocol/errors";
import type { CardType, CertificateSummary, PcscState, PinStatus, ReaderStatus } from "@cps-bridge/protocol/model";
import type { X509Certificate } from "@cps-bridge/protocol/x509";
import type {
  CardOperationOptions,
  CardService,
  CardServiceEvent,
  SignatureAlgorithm,
  SignResult,
} from "../card-service";
import { type Logger, silentLogger } from "../log";
import type { ExchangeRecord } from "../pcsc/apdu";
import { hex } from "../pcsc/apdu";
import type { PcscBinding } from "../pcsc/binding";
import { ReaderSession } from "../pcsc/reader-session";
import { PcscSupervisor, type SupervisorEvent } from "../pcsc/supervisor";
import { identifyAtr } from "./atr-table";
import {
  type ChainResult,
  chainVerdict,
  cryptolibCaCertificates,
  readCertificates,
  summarise,
  testModeFromEnv,
} from "./certificate-checks";
import type { CardDriver, CardIdentity } from "./driver";
import { type Classification, classify, createDriver } from "./identify";
import { IdentityCache } from "./identity-cache";

export interface CardServiceOptions {
  /** Default: the real `smartcard` binding (loaded on start). Unit tests pass pcsc/fake-binding.ts. */
  binding?: PcscBinding;
  logger?: Logger;
  /** Accept the test bench's PKI (verdict `test`). Default: `CPS_BRIDGE_TEST_MODE`. */
  testMode?: boolean;
  /** PEM of the test anchors. Default in test mode: `CPS_BRIDGE_TEST_ANCHORS`, else the test bench's file if present. */
  testAnchorsPath?: string;
  /** Extra CA certificates for the production verdict (Cryptolib's store is read too). */
  caCertificates?: X509Certificate[];
  /** Read identity and PIN status as soon as a card is inserted. Default true. */
  readOnInsert?: boolean;
  backoffMs?: readonly number[];
  apduTimeoutMs?: number;
  now?: () => Date;
}

interface Entry {
  session: ReaderSession;
  status: ReaderStatus;
  classification?: Classification;
  driver?: CardDriver;
  /** The background read started at insertion (or by cardStatus); awaited by callers. */
  settling?: Promise<void>;
  /** `settling` has finished: callers need not wait (and pay no promise hop: card.status is the bridge's hot path). */
  settled?: boolean;
  chain?: ChainResult;
  /** A frozen deep copy of `status` handed to callers, and the `status` object it copies (see `snapshot`). */
  snapshot?: { of: ReaderStatus; copy: ReaderStatus };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * What callers get of a reader's status: a deep-frozen copy, made once per state. `entry.status` is only ever
 * replaced, never changed in place, so the copy stays right until the next replacement — and callers (the bridge
 * serving card.status thousands of times a second, event listeners) cannot change the agent's state through it.
 */
function snapshot(entry: Entry): ReaderStatus {
  if (entry.snapshot?.of !== entry.status) {
    entry.snapshot = { of: entry.status, copy: markImmutable(deepFreeze(structuredClone(entry.status))) };
  }
  return entry.snapshot.copy;
}

/** Readers in a stable order (plain code-unit order: cheaper than localeCompare, and the names are ASCII). */
const byName = (a: { status: ReaderStatus }, b: { status: ReaderStatus }) =>
  a.status.name < b.status.name ? -1 : a.status.name > b.status.name ? 1 : 0;

const CPS_TYPES: readonly CardType[] = ["cps3", "cps4", "cpx-unknown", "cps3-contactless", "cps2ter"];
/** Types a login (PIN, signature) is allowed with: a driver exists and the generation is known. */
const LOGIN_TYPES: readonly CardType[] = ["cps3", "cps4"];

/** The test bench's anchors file (scripts/src/testbed/pki.ts: state dir + test-anchors.pem), without importing it. */
function testbedAnchorsPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir =
    env.CPS_TESTBED_STATE_DIR || join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "cps-testbed");
  const file = join(dir, "test-anchors.pem");
  return existsSync(file) ? file : undefined;
}

export class CardServiceImpl implements CardService {
  private readonly log: Logger;
  private supervisor: PcscSupervisor | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(e: CardServiceEvent) => void>();
  private readonly cache = new IdentityCache();
  private readonly testMode: boolean;
  private testAnchors: X509Certificate[] = [];
  private extraCas: X509Certificate[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly exchangeObservers = new Set<(record: ExchangeRecord & { reader: string }) => void>();
  /** performance.now() of the binding event behind the last card.inserted / card.removed (benchmark). */
  lastCardEventAt: { reader: string; type: string; pcscAt: number; emittedAt: number } | undefined;

  constructor(private readonly options: CardServiceOptions = {}) {
    this.log = (options.logger ?? silentLogger()).child({ component: "cards" });
    this.testMode = options.testMode ?? testModeFromEnv();
  }

  // ─────────────────────────────── lifecycle ───────────────────────────────

  async start(): Promise<void> {
    if (this.supervisor) return;
    if (this.testMode) this.loadTestAnchors();
    this.extraCas = [...(this.options.caCertificates ?? []), ...cryptolibCaCertificates()];
    const binding = this.options.binding ?? (await import("../pcsc/smartcard-binding")).smartcardBinding;
    this.supervisor = new PcscSupervisor(binding, { logger: this.options.logger, backoffMs: this.options.backoffMs });
    this.unsubscribe = this.supervisor.on((e) => this.onSupervisorEvent(e));
    await this.supervisor.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.supervisor?.stop();
    this.supervisor = undefined;
    for (const e of this.entries.values()) e.session.close();
    this.entries.clear();
  }

  private loadTestAnchors(): void {
    const path = this.options.testAnchorsPath ?? process.env.CPS_BRIDGE_TEST_ANCHORS ?? testbedAnchorsPath();
    if (!path) {
      this.log.warn({ event: "trust.no-test-anchors" }, "test mode without test anchors: test cards stay untrusted");
      return;
    }
    try {
      this.testAnchors = readCertificates(path);
      this.log.info({ event: "trust.test-anchors", count: this.testAnchors.length }, "test anchors loaded");
    } catch (err) {
      this.log.error({ event: "trust.test-anchors-unreadable", err }, "test anchors unreadable");
    }
  }

  pcscState(): PcscState {
    return this.supervisor?.state ?? "starting";
  }

  readers(): ReaderStatus[] {
    return [...this.entries.values()].sort(byName).map(snapshot);
  }

  subscribe(listener: (event: CardServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every raw APDU exchange of this agent on every reader (benchmark recording, APDU counts in tests). */
  observeExchanges(observer: (record: ExchangeRecord & { reader: string }) => void): () => void {
    this.exchangeObservers.add(observer);
    return () => this.exchangeObservers.delete(observer);
  }

  private emit(event: CardServiceEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, "card service listener failed");
      }
    }
  }

  // ─────────────────────────────── PC/SC events ───────────────────────────────

  private onSupervisorEvent(e: SupervisorEvent): void {
    switch (e.type) {
      case "state":
        this.emit({ type: "pcsc.state", state: e.state });
        return;
      case "reader-attached": {
        const session = new ReaderSession(e.reader, this.supervisor!, {
          logger: this.log,
          apduTimeoutMs: this.options.apduTimeoutMs,
        });
        session.observe((r) => {
          for (const o of this.exchangeObservers) o({ ...r, reader: e.reader });
        });
        this.entries.set(e.reader, { session, status: { name: e.reader, state: "empty" } });
        this.emit({ type: "reader.attached", reader: e.reader });
        return;
      }
      case "reader-detached": {
        const entry = this.entries.get(e.reader);
        entry?.session.close();
        this.entries.delete(e.reader);
        this.emit({ type: "reader.detached", reader: e.reader });
        return;
      }
      case "card-inserted": {
        const entry = this.entries.get(e.reader);
        if (!entry) return;
        entry.session.cardInserted(e.atr);
        entry.driver = undefined;
        entry.chain = undefined;
        entry.classification = undefined;
        const initial = e.mute ? ({ type: "mute", by: "no-atr" } as const) : undefined;
        entry.status = {
          name: e.reader,
          state: e.mute ? "mute" : "present",
          atr: e.atr && !e.mute ? hex(e.atr) : undefined,
          cardType: initial?.type ?? atrType(e.atr),
        };
        this.lastCardEventAt = { reader: e.reader, type: "inserted", pcscAt: e.at, emittedAt: performance.now() };
        this.emit({ type: "card.inserted", reader: snapshot(entry) });
        this.log.info({ event: "card.inserted", reader: e.reader, cardType: entry.status.cardType }, "card inserted");
        if (!e.mute && this.options.readOnInsert !== false) this.startSettle(entry);
        return;
      }
      case "card-removed": {
        const entry = this.entries.get(e.reader);
        if (!entry) return;
        entry.session.cardRemoved();
        entry.driver = undefined;
        entry.classification = undefined;
        entry.settling = undefined;
        entry.settled = false;
        entry.chain = undefined;
        entry.status = { name: e.reader, state: "empty" };
        this.lastCardEventAt = { reader: e.reader, type: "removed", pcscAt: e.at, emittedAt: performance.now() };
        this.emit({ type: "card.removed", reader: e.reader });
        this.log.info({ event: "card.removed", reader: e.reader }, "card removed");
        return;
      }
    }
  }

  // ─────────────────────────────── reading a card ───────────────────────────────

  private startSettle(entry: Entry): Promise<void> {
    const generation = entry.session.cardGeneration;
    const p = this.settle(entry, generation).catch((err) => {
      if (entry.session.cardGeneration !== generation) return; // card gone: nothing to report
      const code = isBridgeError(err) ? err.code : "ERR_INTERNAL";
      if (!isBridgeError(err)) this.log.error({ err, reader: entry.status.name }, "reading the card failed");
      else
        this.log.warn(
          {
            event: "card.read-failed",
            reader: entry.status.name,
            code,
            details: err.details,
            cause: (err.cause as Error | undefined)?.message,
          },
          "card not read",
        );
      entry.status = { ...entry.status, errorCode: code };
      this.emit({ type: "card.updated", reader: snapshot(entry) });
    });
    entry.settling = p;
    entry.settled = false;
    void p.then(() => {
      if (entry.settling === p) entry.settled = true;
    });
    return p;
  }

  private async settle(entry: Entry, generation: number): Promise<void> {
    const current = () => entry.session.cardGeneration === generation;
    if (!entry.classification) {
      const typeBefore = entry.status.cardType;
      const atr = entry.status.atr ? new Uint8Array(Buffer.from(entry.status.atr, "hex")) : null;
      const c = await classify(entry.session, atr, entry.status.state === "mute", this.log);
      if (!current()) return;
      entry.classification = c;
      entry.status = { ...entry.status, cardType: c.type };
      if (c.driver) {
        entry.driver = createDriver(c.driver, { session: entry.session, cache: this.cache, logger: this.log });
      } else if (c.type !== typeBefore) {
        this.emit({ type: "card.updated", reader: snapshot(entry) });
      }
    }
    const driver = entry.driver;
    if (!driver) return;
    const identity = await driver.readIdentity();
    if (!current()) return;
    const { summary, chain } = await this.summary(identity);
    if (!current()) return;
    entry.chain = chain;
    const { errorCode: _dropped, ...rest } = entry.status;
    entry.status = { ...rest, serial: identity.serial, holder: identity.holder, certificate: summary };
    let pin: PinStatus | undefined;
    if (identity.pin) {
      pin = await driver.pinStatus();
      if (!current()) return;
      entry.status = { ...entry.status, pin };
    }
    this.log.info(
      {
        event: "card.read",
        reader: entry.status.name,
        cardType: entry.status.cardType,
        validity: summary.validity,
        chain: summary.chain,
        triesLeft: pin?.triesLeft,
      },
      "card read",
    );
    this.emit({ type: "card.updated", reader: snapshot(entry) });
  }

  /** Summary with the chain verdict, computed once per identity (the cache keeps identities across reinsertion). */
  private readonly summaries = new WeakMap<
    CardIdentity,
    Promise<{ summary: CertificateSummary; chain: ChainResult }>
  >();

  private summary(identity: CardIdentity): Promise<{ summary: CertificateSummary; chain: ChainResult }> {
    let s = this.summaries.get(identity);
    if (!s) {
      s = this.computeSummary(identity);
      this.summaries.set(identity, s);
      s.catch(() => this.summaries.delete(identity));
    }
    return s.then(({ summary, chain }) => {
      const { validity, daysLeft } = certificateValidity(identity.certificate, this.options.now?.() ?? new Date());
      return { summary: { ...summary, validity, daysLeft }, chain };
    });
  }

  private async computeSummary(identity: CardIdentity) {
    return summarise(
      identity.certificate,
      {
        testMode: this.testMode,
        testAnchors: this.testAnchors,
        caCertificates: [...identity.caCertificates, ...this.extraCas],
      },
      this.options.now?.() ?? new Date(),
    );
  }

  /** The chain verdict alone (diagnostics). */
  async chainOf(reader: string): Promise<ChainResult | undefined> {
    const e = this.entries.get(reader);
    if (!e?.driver?.identity) return undefined;
    return (
      e.chain ??
      chainVerdict(e.driver.identity.certificate, {
        testMode: this.testMode,
        testAnchors: this.testAnchors,
        caCertificates: [...e.driver.identity.caCertificates, ...this.extraCas],
      })
    );
  }

  // ─────────────────────────────── choosing a reader ───────────────────────────────

  private requireUp(): void {
    if (this.supervisor?.state !== "up") throw new BridgeError("ERR_PCSC_SERVICE_DOWN");
  }

  /** The reader an operation targets (see card-service.ts `CardOperationOptions.reader`). */
  private async pick(options: CardOperationOptions | undefined): Promise<Entry> {
    this.requireUp();
    if (options?.reader !== undefined) {
      const e = this.entries.get(options.reader);
      if (!e) throw new BridgeError("ERR_READER_NOT_FOUND", undefined, { reader: options.reader });
      return e;
    }
    // Cards still being typed (AID probe of an unknown ATR) must be typed before we choose.
    const pending = [...this.entries.values()].filter((e) => e.settling && !e.settled);
    if (pending.length > 0) await Promise.all(pending.map((e) => e.settling?.catch(() => {})));
    const all = [...this.entries.values()].sort(byName);
    if (all.length === 0) throw new BridgeError("ERR_NO_READERS");
    const cps = all.filter((e) => e.status.state === "present" && CPS_TYPES.includes(e.status.cardType!));
    const preferred = cps.find((e) => LOGIN_TYPES.includes(e.status.cardType!)) ?? cps[0];
    if (preferred) return preferred;
    if (all.some((e) => e.status.state === "mute")) throw new BridgeError("ERR_CARD_MUTE");
    const other = all.find((e) => e.status.state === "present");
    if (other) {
      throw new BridgeError("ERR_NOT_A_CPS", undefined, { cardType: other.status.cardType, reader: other.status.name });
    }
    throw new BridgeError("ERR_NO_CARD");
  }

  /** The driver of a present CPS card in `entry`, or the right error. */
  private async driverOf(entry: Entry, forLogin: boolean): Promise<CardDriver> {
    const s = entry.status;
    if (s.state === "empty") throw new BridgeError("ERR_NO_CARD", undefined, { reader: s.name });
    if (s.state === "mute") throw new BridgeError("ERR_CARD_MUTE", undefined, { reader: s.name });
    if (!entry.classification) await (entry.settling ?? this.startSettle(entry));
    const type = entry.status.cardType;
    if (!entry.driver) {
      if (type && CPS_TYPES.includes(type))
        throw new BridgeError("ERR_UNSUPPORTED_CARD", undefined, { cardType: type });
      throw new BridgeError("ERR_NOT_A_CPS", undefined, { cardType: type ?? "unknown", reader: s.name });
    }
    if (forLogin && (!type || !LOGIN_TYPES.includes(type))) {
      // cpx-unknown answered a CPS AID but its generation is unknown: no PIN tries are risked on it.
      throw new BridgeError("ERR_UNSUPPORTED_CARD", undefined, { cardType: type ?? "unknown" });
    }
    return entry.driver;
  }

  private updatePin(entry: Entry, generation: number, pin: PinStatus): void {
    if (entry.session.cardGeneration !== generation) return;
    const before = JSON.stringify(entry.status.pin);
    entry.status = { ...entry.status, pin };
    if (JSON.stringify(pin) !== before) this.emit({ type: "card.updated", reader: snapshot(entry) });
  }

  // ─────────────────────────────── operations ───────────────────────────────

  async cardStatus(options?: CardOperationOptions): Promise<ReaderStatus> {
    const entry = await this.pick(options);
    if (entry.status.state !== "present") return snapshot(entry);
    if (!entry.settled) await (entry.settling ?? this.startSettle(entry)).catch(() => {});
    // A read that failed (or never ran) is tried again on demand: the card may have been reseated.
    if (entry.status.errorCode || (entry.driver && !entry.status.holder)) {
      await this.startSettle(entry);
    }
    if (entry.driver?.identity && entry.status.certificate) {
      // validity depends on the date: recompute it (no APDU, no crypto; the chain verdict does not change)
      const { validity, daysLeft } = certificateValidity(
        entry.driver.identity.certificate,
        this.options.now?.() ?? new Date(),
      );
      const c = entry.status.certificate;
      if (c.validity !== validity || c.daysLeft !== daysLeft) {
        entry.status = { ...entry.status, certificate: { ...c, validity, daysLeft } };
      }
    }
    return snapshot(entry);
  }

  async pinStatus(options?: CardOperationOptions): Promise<PinStatus> {
    const entry = await this.pick(options);
    const driver = await this.driverOf(entry, false);
    const generation = entry.session.cardGeneration;
    const pin = await driver.pinStatus(txOptions(options));
    this.updatePin(entry, generation, pin);
    return pin;
  }

  async verifyPin(pin: Uint8Array, options?: CardOperationOptions & { confirmLastTry?: boolean }): Promise<PinStatus> {
    try {
      const entry = await this.pick(options);
      const driver = await this.driverOf(entry, true);
      const generation = entry.session.cardGeneration;
      try {
        const status = await driver.verifyPin(pin, { ...txOptions(options), confirmLastTry: options?.confirmLastTry });
        this.updatePin(entry, generation, status);
        this.log.info({ event: "pin.verified", reader: entry.status.name }, "PIN verified");
        return status;
      } catch (err) {
        if (isBridgeError(err, "ERR_PIN_INCORRECT") || isBridgeError(err, "ERR_PIN_BLOCKED")) {
          const left = Number(err.details?.triesLeft ?? 0);
          const max = entry.status.pin?.maxTries ?? 3;
          this.updatePin(entry, generation, { triesLeft: left, maxTries: max, blocked: left === 0, verified: false });
        }
        if (isBridgeError(err))
          this.log.info({ event: "pin.refused", reader: entry.status.name, code: err.code }, "PIN refused");
        throw err;
      }
    } finally {
      pin.fill(0);
    }
  }

  async signAuth(
    digest: Uint8Array,
    algorithm: SignatureAlgorithm,
    options?: CardOperationOptions,
  ): Promise<SignResult> {
    const entry = await this.pick(options);
    const driver = await this.driverOf(entry, true);
    const signature = await driver.signAuth(digest, algorithm, txOptions(options));
    const identity = driver.identity!;
    this.log.info({ event: "card.signed", reader: entry.status.name, algorithm }, "authentication signature");
    return { certificate: identity.certificateDer.slice(), algorithm, signature };
  }
}

function txOptions(options: CardOperationOptions | undefined) {
  return { wait: options?.wait, signal: options?.signal };
}

/** Card type from the ATR alone (no APDU): what `card.inserted` carries. */
function atrType(atr: Uint8Array | null): CardType {
  return identifyAtr(atr).type;
}

/** The default CardService of the agent. */
export function createCardService(options: CardServiceOptions = {}): CardServiceImpl {
  return new CardServiceImpl(options);
}
