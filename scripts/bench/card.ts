/**
 * Card-core benchmark (issue 3): `npx tsx scripts/bench/card.ts [--iterations N]` prints one JSON document.
 *
 * On the real PC/SC stack (the test bench: pcscd + vpcd + virtual CPS3 / CPS4), for each card:
 *  - APDU count and time of a cold identity read (serial, PKCS#15, certificate, holder), a warm one (serial read,
 *    identity from the per-serial cache), a PIN status and an authentication signature (card + host-side check);
 *  - the same APDUs, recorded from the driver, replayed bare with `smartcard`'s `card.transmit` on a connection of
 *    its own — the floor — and the ratio driver / floor;
 *  - the card service's cached `cardStatus` (no APDU).
 * And the card-event latency: a card inserted / removed as seen by a bare native monitor (when pcscd reports it)
 * and as emitted by the agent's card service (`card.inserted` / `card.removed`), in the same process.
 * Goals (numbers, not tests): cold read ≤ 1.2 × raw replay; warm read ≤ 5 ms; agent event ≤ 20 ms after pcscd.
 *
 * Uses pcscd and vpcd slots: run it under the shared lock (`flock /tmp/cps-bridge-pcsc.lock npx tsx …`).
 */
import { createHash } from "node:crypto";
import type { CardServiceEvent } from "@cps-bridge/agent/card-service";
import { CardServiceImpl } from "@cps-bridge/agent/cards/card-service-impl";
import type { CardDriver } from "@cps-bridge/agent/cards/driver";
import { createDriver } from "@cps-bridge/agent/cards/identify";
import { IdentityCache } from "@cps-bridge/agent/cards/identity-cache";
import { silentLogger } from "@cps-bridge/agent/log";
import type { ExchangeRecord } from "@cps-bridge/agent/pcsc/apdu";
import { ReaderSession } from "@cps-bridge/agent/pcsc/reader-session";
import { smartcardBinding } from "@cps-bridge/agent/pcsc/smartcard-binding";
import { PcscSupervisor } from "@cps-bridge/agent/pcsc/supervisor";
import { Testbed } from "@cps-bridge/scripts/testbed/index";
import sc from "smartcard";

const args = process.argv.slice(2);
const ITERATIONS = Number(args[args.indexOf("--iterations") + 1]) || 100;
const EVENT_ROUNDS = 15;
const WARMUP = 30;
const log = silentLogger();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stats {
  median: number;
  p90: number;
  min: number;
  max: number;
}
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { median: r(at(0.5)), p90: r(at(0.9)), min: r(s[0]!), max: r(s[s.length - 1]!) };
}

interface NativeCard {
  transmit(cmd: Buffer, opts?: { maxRecvLength?: number }): Promise<Buffer>;
  disconnect(d?: number): void;
}

/** A bare `smartcard` connection to the reader (SHARED), for the raw replay. */
async function rawConnection(readerName: string): Promise<{ card: NativeCard; close(): void }> {
  const ctx = new sc.Context();
  const reader = (
    ctx.listReaders() as unknown as { name: string; connect(s: number, p: number): Promise<NativeCard> }[]
  ).find((r) => r.name === readerName);
  if (!reader) throw new Error(`no reader ${readerName}`);
  const card = await reader.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
  return {
    card,
    close() {
      card.disconnect(sc.SCARD_LEAVE_CARD);
      ctx.close();
    },
  };
}

async function replay(card: NativeCard, commands: Uint8Array[]): Promise<number> {
  const t0 = performance.now();
  for (const c of commands) await card.transmit(Buffer.from(c), { maxRecvLength: 1024 });
  return performance.now() - t0;
}

interface OperationResult {
  apdus: number;
  ms: Stats;
  /** Of `ms`, the time spent waiting for the card's answers (sum of the exchanges' round trips). */
  wireMs: Stats;
  rawReplayMs: Stats;
  /** median(ms) / median(rawReplayMs) */
  ratio: number;
}

async function benchCard(tb: Testbed, index: number, profile: "cps3" | "cps4") {
  const readerName = tb.readers[index]!.name;
  await tb.insert(index, profile);
  const sup = new PcscSupervisor(smartcardBinding, { logger: log });
  await sup.start();
  const session = new ReaderSession(readerName, sup, { logger: log });
  session.cardInserted(sup.reader(readerName)?.atr ?? null);
  let recording: ExchangeRecord[] | undefined;
  session.observe((r) => recording?.push(r));
  const raw = await rawConnection(readerName);
  const family = profile === "cps3" ? "cps3" : "cps4";

  /**
   * Times `op` ITERATIONS times, each run followed by the raw replay of the very APDUs it sent: driver and floor
   * alternate, so both see the same machine (other processes, CPU frequency) and the same, warm, JIT state.
   */
  async function measure(op: () => Promise<unknown>): Promise<OperationResult> {
    const times: number[] = [];
    const wire: number[] = [];
    const rawTimes: number[] = [];
    let commands: Uint8Array[] = [];
    const recorded = async (): Promise<number> => {
      recording = [];
      const t0 = performance.now();
      await op();
      const ms = performance.now() - t0;
      if (recording.some((r) => !r.command)) throw new Error("a sensitive APDU in a replayed sequence");
      commands = recording.map((r) => r.command!);
      wire.push(recording.reduce((n, r) => n + r.ms, 0));
      recording = undefined;
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) {
      await recorded(); // JIT warm-up of both sides, not measured
      await replay(raw.card, commands);
    }
    wire.length = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      times.push(await recorded());
      rawTimes.push(await replay(raw.card, commands));
    }
    const ms = stats(times);
    const rawReplayMs = stats(rawTimes);
    return {
      apdus: commands.length,
      ms,
      wireMs: stats(wire),
      rawReplayMs,
      ratio: Math.round((ms.median / rawReplayMs.median) * 100) / 100,
    };
  }

  const fresh = (cache: IdentityCache): CardDriver => createDriver(family, { session, cache, logger: log });
  const cold = await measure(() => fresh(new IdentityCache()).readIdentity());
  const sharedCache = new IdentityCache();
  await fresh(sharedCache).readIdentity();
  const warm = await measure(() => fresh(sharedCache).readIdentity());
  const driver = fresh(sharedCache);
  await driver.readIdentity();
  const pin = await measure(() => driver.pinStatus());
  await driver.verifyPin(new TextEncoder().encode("1234"));
  const digest = new Uint8Array(createHash("sha256").update("bench").digest());
  const signature = await measure(() => driver.signAuth(digest, "RS256"));

  raw.close();
  sup.stop();
  return { reader: readerName, coldIdentityRead: cold, warmIdentityRead: warm, pinStatus: pin, signature };
}

/** cardStatus of a running card service once the card was read: no APDU. */
async function benchCachedStatus(tb: Testbed, index: number): Promise<{ apdus: number; ms: Stats }> {
  const svc = new CardServiceImpl({ logger: log, testMode: true, testAnchorsPath: tb.trustAnchorsPath });
  await svc.start();
  const reader = tb.readers[index]!.name;
  let apdus = 0;
  for (const r of svc.readers()) await svc.cardStatus({ reader: r.name }); // every card read once
  svc.observeExchanges((x) => {
    if (x.reader === reader) apdus++;
  });
  for (let i = 0; i < WARMUP; i++) await svc.cardStatus({ reader });
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    await svc.cardStatus({ reader });
    times.push(performance.now() - t0);
  }
  await svc.stop();
  return { apdus, ms: stats(times) };
}

/** Event latency: bare native monitor (pcscd's report) vs the agent's card.inserted / card.removed. */
async function benchEvents(tb: Testbed, index: number) {
  const reader = tb.readers[index]!.name;
  const rawAt: { type: string; at: number }[] = [];
  const monitor = new sc.ReaderMonitor();
  monitor.start((e) => {
    if (e.reader === reader && (e.type === "card-inserted" || e.type === "card-removed")) {
      rawAt.push({ type: e.type, at: performance.now() });
    }
  });
  const svc = new CardServiceImpl({ logger: log, readOnInsert: false });
  const agentAt: { type: string; at: number; internal: number }[] = [];
  svc.subscribe((e: CardServiceEvent) => {
    if (
      (e.type === "card.inserted" && e.reader.name === reader) ||
      (e.type === "card.removed" && e.reader === reader)
    ) {
      const internal = svc.lastCardEventAt ? svc.lastCardEventAt.emittedAt - svc.lastCardEventAt.pcscAt : Number.NaN;
      agentAt.push({
        type: e.type === "card.inserted" ? "card-inserted" : "card-removed",
        at: performance.now(),
        internal,
      });
    }
  });
  await svc.start();
  await sleep(300);
  rawAt.length = 0;
  agentAt.length = 0;
  for (let i = 0; i < EVENT_ROUNDS; i++) {
    await tb.insert(index, "vitale2");
    await sleep(50);
    await tb.remove(index);
    await sleep(50);
  }
  await sleep(300);
  monitor.stop();
  await svc.stop();
  const deltas: number[] = [];
  const internals: number[] = [];
  const n = Math.min(rawAt.length, agentAt.length);
  for (let i = 0; i < n; i++) {
    if (rawAt[i]!.type !== agentAt[i]!.type) throw new Error(`event order differs at ${i}`);
    deltas.push(agentAt[i]!.at - rawAt[i]!.at);
    internals.push(agentAt[i]!.internal);
  }
  return {
    events: n,
    /** agent's event time − bare monitor's event time (negative: the agent was first) */
    agentAfterPcscMs: stats(deltas),
    /** inside the agent: from the binding receiving pcscd's report to the event being emitted */
    agentInternalMs: stats(internals),
  };
}

const tb = await Testbed.start();
try {
  for (let i = 0; i < tb.readers.length; i++) if (tb.card(i)) await tb.remove(i);
  const cps3 = await benchCard(tb, 0, "cps3");
  const cps4 = await benchCard(tb, 1, "cps4");
  const cached3 = await benchCachedStatus(tb, 0);
  const cached4 = await benchCachedStatus(tb, 1);
  await tb.remove(0);
  await tb.remove(1);
  const events = await benchEvents(tb, 2);
  const result = {
    benchmark: "card",
    date: new Date().toISOString(),
    iterations: ITERATIONS,
    quickack: tb.quickack,
    node: process.version,
    cps3: { ...cps3, cachedCardStatus: cached3 },
    cps4: { ...cps4, cachedCardStatus: cached4 },
    cardEvents: events,
    goals: {
      coldReadAtMost1_2xRaw: { cps3: cps3.coldIdentityRead.ratio <= 1.2, cps4: cps4.coldIdentityRead.ratio <= 1.2 },
      warmReadAtMost5ms: {
        cps3: cps3.warmIdentityRead.ms.median <= 5,
        cps4: cps4.warmIdentityRead.ms.median <= 5,
      },
      cardEventAtMost20msAfterPcscd: events.agentAfterPcscMs.p90 <= 20,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await tb.stop();
}
