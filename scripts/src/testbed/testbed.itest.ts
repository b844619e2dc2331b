// The test bench through the real pcscd + vpcd: what an independent PC/SC client (the `smartcard` binding, never
// mocked) sees when the Testbed API inserts, removes and swaps cards, injects faults, and when pcscd dies.
// Card *behaviour* (PIN, signatures, chaining) is tested in cards/card-behaviour.itest.ts.
import net from "node:net";
import sc, { type CardInterface, type MonitorEvent } from "smartcard";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type InsertedCard, PROFILES, type ProfileName, Testbed, type VirtualCard } from "./index";
import { PcscProbe, presenceOf } from "./pcscd";

const hex = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString("hex").toUpperCase() : null);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ATRs as published (shared/research/cps-card.md §1.3–1.4), independent of the card models' own constants. */
const PUBLISHED_ATR: Partial<Record<ProfileName, string>> = {
  cps3: "3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00",
  "cps3-contactless": "3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E",
  cps4: "3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44",
  "cps4-t0": "3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00",
  cnie: "3B DB 96 FF 80 B1 FE 45 1F 87 00 31 C1 64 09 37 72 13 0F 90 00 F4",
};
/** Published as a family: Vitale 2 `3B 75 13 00 00 4x 09 EA 90 00`, Vitale 1 `3F 65 25 00 xx 09 xx 90 00`. */
const PUBLISHED_ATR_PATTERN: Partial<Record<ProfileName, RegExp>> = {
  vitale2: /^3B751300004[0-9A-F]09EA9000$/,
  vitale1: /^3F652500[0-9A-F]{2}09[0-9A-F]{2}9000$/,
};

/** Independent PC/SC event log: the binding's native monitor (SCardGetStatusChange on its own thread). */
class EventLog {
  readonly events: Array<MonitorEvent & { at: number }> = [];
  private monitor = new sc.ReaderMonitor();
  constructor() {
    this.monitor.start((e) => this.events.push({ ...e, at: Date.now() }));
  }
  mark(): number {
    return this.events.length;
  }
  async waitFor(
    from: number,
    pred: (e: MonitorEvent) => boolean,
    timeoutMs = 5_000,
  ): Promise<MonitorEvent & { at: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > end) {
        throw new Error(
          `no matching PC/SC event; got ${JSON.stringify(this.events.slice(from).map((e) => [e.type, e.reader]))}`,
        );
      }
      await sleep(10);
    }
  }
  stop(): void {
    this.monitor.stop();
  }
}

/** A fresh PC/SC connection to a reader (SHARED, T=0 or T=1). */
async function connect(readerName: string): Promise<{ card: CardInterface; close(): void }> {
  const ctx = new sc.Context();
  const reader = ctx.listReaders().find((r) => r.name === readerName);
  if (!reader) throw new Error(`reader ${readerName} not listed`);
  const card = await reader.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
  return {
    card,
    close: () => {
      try {
        card.disconnect();
      } catch {}
      ctx.close();
    },
  };
}

/** Our own minimal card for the fault tests: READ BINARY → 01 02 03 04 90 00, anything else 90 00. */
function dataCard(): VirtualCard {
  return {
    profile: "unknown",
    atr: Uint8Array.from([0x3b, 0x80, 0x80, 0x01, 0x01]),
    powerOn() {},
    powerOff() {},
    reset() {},
    transmit: (c) => (c[1] === 0xb0 ? Uint8Array.of(1, 2, 3, 4, 0x90, 0x00) : Uint8Array.of(0x90, 0x00)),
  };
}
const READ_BINARY = Buffer.from([0x00, 0xb0, 0x00, 0x00, 0x04]);

/**
 * A transmit interrupted by the card leaving the slot. vpcd 0.8 returns the 0 bytes it read as a successful empty
 * answer (IFDHTransmitToICC with RxLength 0, measured), where a real reader gives SCARD_W_REMOVED_CARD: either way
 * the client gets no status word.
 */
async function expectNoStatusWord(p: Promise<Buffer>): Promise<void> {
  const outcome = await p.then(
    (b) => b.length,
    () => -1,
  );
  expect(outcome).toBeLessThan(2);
}

let tb: Testbed;
let log: EventLog;
const probe = new PcscProbe();

beforeAll(async () => {
  tb = await Testbed.start();
  log = new EventLog();
});

afterEach(async () => {
  // Leave every reader empty for the next test.
  for (const r of tb.list()) if (r.card) await tb.remove(r.index);
});

afterAll(async () => {
  log?.stop();
  probe.close();
  await tb?.stop();
});

describe("readers", () => {
  it("the shared pcscd of this run serves the test bench readers, and this Testbed may kill/restart it", () => {
    const run = inject("cpsTestbed");
    expect(tb.readers).toEqual(run.readers);
    const names = probe.readerNames();
    for (const r of tb.readers) expect(names).toContain(r.name);
    if (tb.pcscd.readerSet === "cps-testbed") {
      expect(tb.readers.map((r) => r.name)).toEqual([
        "CPS Test Reader 00 00",
        "CPS Test Reader 00 01",
        "CPS Test Reader 2 00 00",
        "CPS Test Reader 2 00 01",
      ]);
      expect(tb.pcscd.owned).toBe(true);
    }
    expect(tb.pcscd.pid).toBeGreaterThan(0);
  });
});

describe("every profile is seen inserted with its exact ATR, then removed", () => {
  const profiles = PROFILES.filter((p) => p !== "mute");
  it.each(profiles)("%s", async (profile) => {
    const reader = tb.readers[0]!;
    const from = log.mark();
    const inserted = await tb.insert(0, profile);
    const atr = hex(inserted.card.atr);
    expect(atr).not.toBeNull();
    const ev = await log.waitFor(from, (e) => e.type === "card-inserted" && e.reader === reader.name);
    expect(hex(ev.atr)).toBe(atr);
    const published = PUBLISHED_ATR[profile];
    if (published) expect(atr).toBe(published.replaceAll(" ", ""));
    const pattern = PUBLISHED_ATR_PATTERN[profile];
    if (pattern) expect(atr).toMatch(pattern);
    // A PC/SC client can connect and gets the same ATR from SCardStatus.
    const conn = await connect(reader.name);
    try {
      expect(hex(conn.card.getStatus().atr)).toBe(atr);
      const answer = await conn.card.transmit(Buffer.from([0x00, 0xa4, 0x04, 0x00, 0x00]));
      expect(answer.length).toBeGreaterThanOrEqual(2); // some ISO status word: the card answered
    } finally {
      conn.close();
    }
    const removedFrom = log.mark();
    await tb.remove(0);
    await log.waitFor(removedFrom, (e) => e.type === "card-removed" && e.reader === reader.name);
    expect(probe.presence(reader.name)?.presence).toBe("empty");
  });
});

describe("mute card", () => {
  it("unresponsive (default): present but mute for PC/SC, no ATR, connecting fails", async () => {
    const reader = tb.readers[0]!;
    const from = log.mark();
    await tb.insert(0, "mute");
    const ev = await log.waitFor(from, (e) => e.type === "card-inserted" && e.reader === reader.name);
    expect(ev.atr === null || ev.atr.length === 0).toBe(true);
    const st = probe.readerStates()?.find((r) => r.name === reader.name);
    expect(st && presenceOf(st.state)).toBe("mute");
    expect(st!.state & sc.SCARD_STATE_PRESENT).toBeTruthy();
    await expect(connect(reader.name)).rejects.toThrow();
    const removedFrom = log.mark();
    await tb.remove(0);
    await log.waitFor(removedFrom, (e) => e.type === "card-removed" && e.reader === reader.name);
  });

  it("silent: pcscd polls it but the reader stays empty; the other readers keep working", async () => {
    const mute = await tb.insert(1, "mute", { mute: "silent" });
    await sleep(1_200); // three pcscd polls
    expect(mute.link.stats.atrRequests).toBeGreaterThanOrEqual(1);
    expect(probe.presence(tb.readers[1]!.name)?.presence).toBe("empty");
    await tb.insert(0, dataCard());
    const conn = await connect(tb.readers[0]!.name);
    try {
      expect([...(await conn.card.transmit(READ_BINARY))]).toEqual([1, 2, 3, 4, 0x90, 0x00]);
    } finally {
      conn.close();
    }
  });
});

describe("several readers", () => {
  it("four cards at once, each reader with its own card (reader 2 named exactly)", async () => {
    const plan: Array<[number | string, ProfileName]> = [
      [0, "cps3"],
      [1, "vitale2"],
      [tb.readers[2]?.name ?? 2, "cps4"],
      [3, "bank"],
    ].slice(0, tb.readers.length) as Array<[number | string, ProfileName]>;
    const cards: InsertedCard[] = [];
    for (const [ref, profile] of plan) cards.push(await tb.insert(ref, profile));
    const states = probe.readerStates() ?? [];
    for (const c of cards) {
      const st = states.find((s) => s.name === c.reader.name);
      expect(hex(st?.atr)).toBe(hex(c.card.atr));
    }
    // An APDU sent to the last reader reaches that reader's card only.
    const last = cards.at(-1)!;
    const before = cards.map((c) => c.link.stats.apdus);
    const conn = await connect(last.reader.name);
    try {
      await conn.card.transmit(Buffer.from([0x00, 0xa4, 0x04, 0x00, 0x00]));
    } finally {
      conn.close();
    }
    expect(cards.map((c, i) => c.link.stats.apdus - (before[i] ?? 0))).toEqual(cards.map((c) => (c === last ? 1 : 0)));
    expect(
      tb
        .list()
        .filter((r) => r.card)
        .map((r) => r.card?.profile),
    ).toEqual(plan.map(([, p]) => p));
  });
});

describe("swap", () => {
  it("CPS3 → Vitale 2 in one call: PC/SC sees the removal, then the Vitale card", async () => {
    const name = tb.readers[0]!.name;
    await tb.insert(0, "cps3");
    const from = log.mark();
    const vitale = await tb.swap(0, "vitale2");
    const removed = await log.waitFor(from, (e) => e.type === "card-removed" && e.reader === name);
    const inserted = await log.waitFor(from, (e) => e.type === "card-inserted" && e.reader === name);
    expect(inserted.at).toBeGreaterThanOrEqual(removed.at);
    expect(hex(inserted.atr)).toBe(hex(vitale.card.atr));
    expect(tb.card(0)?.profile).toBe("vitale2");
  });

  it("the same profile again (same ATR) is still a removal then a new insertion", async () => {
    const name = tb.readers[0]!.name;
    await tb.insert(0, "cps3");
    const from = log.mark();
    await tb.swap(0, "cps3", { holder: { surname: "AUTRE" } });
    await log.waitFor(from, (e) => e.type === "card-removed" && e.reader === name);
    await log.waitFor(from, (e) => e.type === "card-inserted" && e.reader === name);
  });

  it("swap into an empty reader is an insertion", async () => {
    const c = await tb.swap(1, "vitale2");
    expect(probe.presence(c.reader.name)?.presence).toBe("present");
  });
});

describe("pcscd killed and started again (recovery tests of the agent need this)", () => {
  it("SIGKILL: the inserted card reconnects by itself and is seen again with its ATR", async () => {
    expect(tb.pcscd.owned).toBe(true);
    const cps = await tb.insert(0, "cps3");
    const oldPid = tb.pcscd.pid;
    await tb.pcscd.kill();
    expect(probe.readerStates()).toBeNull();
    const end = Date.now() + 3_000;
    while (cps.link.state !== "reconnecting" && Date.now() < end) await sleep(10);
    expect(cps.link.state).toBe("reconnecting");
    await tb.pcscd.start();
    expect(tb.pcscd.pid).not.toBe(oldPid);
    let seen = false;
    const end2 = Date.now() + 5_000;
    while (!seen && Date.now() < end2) {
      const p = probe.presence(cps.reader.name);
      seen = p?.presence === "present" && hex(p.atr) === hex(cps.card.atr);
      if (!seen) await sleep(20);
    }
    expect(seen).toBe(true);
    expect(cps.link.connected).toBe(true);
    const conn = await connect(cps.reader.name);
    try {
      expect((await conn.card.transmit(Buffer.from([0x00, 0xa4, 0x04, 0x00, 0x00]))).length).toBeGreaterThanOrEqual(2);
    } finally {
      conn.close();
    }
  });

  it("restart(): same readers served again, the card back", async () => {
    const cps = await tb.insert(1, "cps4");
    await tb.pcscd.restart();
    const names = probe.readerNames();
    for (const r of tb.readers) expect(names).toContain(r.name);
    const end = Date.now() + 5_000;
    while (probe.presence(cps.reader.name)?.presence !== "present" && Date.now() < end) await sleep(20);
    expect(hex(probe.presence(cps.reader.name)?.atr)).toBe(hex(cps.card.atr));
  });

  it("a fresh event monitor works after the restart (the binding's own never recovers, feasibility.md §3)", async () => {
    log.stop();
    log = new EventLog(); // the later tests use this one
    const from = log.mark();
    await tb.insert(2, "vitale2");
    await log.waitFor(from, (e) => e.type === "card-inserted" && e.reader === tb.readers[2]!.name);
  });
});

describe("faults", () => {
  async function withCard(fn: (c: InsertedCard, pcsc: CardInterface) => Promise<void>) {
    const c = await tb.insert(0, dataCard());
    const conn = await connect(c.reader.name);
    try {
      await fn(c, conn.card);
    } finally {
      conn.close();
    }
  }

  it("slowNext delays the next answer only", async () => {
    await withCard(async (c, card) => {
      c.slowNext(300);
      let t = performance.now();
      expect([...(await card.transmit(READ_BINARY))]).toEqual([1, 2, 3, 4, 0x90, 0x00]);
      expect(performance.now() - t).toBeGreaterThanOrEqual(290);
      t = performance.now();
      await card.transmit(READ_BINARY);
      expect(performance.now() - t).toBeLessThan(250);
    });
  });

  it("garbleNext truncate / random / bitflip reach the PC/SC client; then answers are whole again", async () => {
    await withCard(async (c, card) => {
      c.garbleNext("truncate");
      expect([...(await card.transmit(READ_BINARY))]).toEqual([1, 2, 3, 4]);
      c.garbleNext("random");
      const r = [...(await card.transmit(READ_BINARY))];
      expect(r).toHaveLength(6);
      expect(r).not.toEqual([1, 2, 3, 4, 0x90, 0x00]);
      c.garbleNext("bitflip");
      const f = [...(await card.transmit(READ_BINARY))];
      expect(f.slice(4)).toEqual([0x90, 0x00]);
      expect(f.slice(0, 4)).not.toEqual([1, 2, 3, 4]);
      expect([...(await card.transmit(READ_BINARY))]).toEqual([1, 2, 3, 4, 0x90, 0x00]);
    });
  });

  it("no-answer: the transmit hangs until the card is removed, then gets no status word", async () => {
    const c = await tb.insert(0, dataCard());
    const conn = await connect(c.reader.name);
    try {
      c.garbleNext("no-answer");
      const pending = conn.card.transmit(READ_BINARY);
      const outcome = await Promise.race([
        pending.then(
          () => "answered",
          () => "failed",
        ),
        sleep(1_000).then(() => "pending"),
      ]);
      expect(outcome).toBe("pending");
      await tb.remove(0);
      await expectNoStatusWord(pending);
    } finally {
      conn.close();
    }
  });

  it("disconnect: the transmit gets no status word, PC/SC sees a removal and the card back", async () => {
    const c = await tb.insert(0, dataCard());
    const name = c.reader.name;
    const conn = await connect(name);
    const from = log.mark();
    try {
      c.garbleNext("disconnect");
      await expectNoStatusWord(conn.card.transmit(READ_BINARY));
    } finally {
      conn.close();
    }
    await log.waitFor(from, (e) => e.type === "card-removed" && e.reader === name);
    await log.waitFor(from, (e) => e.type === "card-inserted" && e.reader === name);
    const again = await connect(name);
    try {
      expect([...(await again.card.transmit(READ_BINARY))]).toEqual([1, 2, 3, 4, 0x90, 0x00]);
    } finally {
      again.close();
    }
  });

  it("a card model that throws answers 6F00", async () => {
    const card: VirtualCard = {
      ...dataCard(),
      transmit: () => {
        throw new Error("card model bug");
      },
    };
    const c = await tb.insert(0, card);
    const conn = await connect(c.reader.name);
    try {
      expect([...(await conn.card.transmit(READ_BINARY))]).toEqual([0x6f, 0x00]);
    } finally {
      conn.close();
    }
  });

  it("setTriesLeft changes the PIN counter of the card in the reader", async () => {
    const c = await tb.insert(0, "cps3");
    expect(c.triesLeft()).toBe(3);
    c.setTriesLeft(1);
    expect(c.triesLeft()).toBe(1);
    expect(tb.list()[0]?.card?.triesLeft).toBe(1);
    const v = await tb.insert(1, "vitale2");
    expect(() => v.setTriesLeft(1)).toThrow(expect.objectContaining({ code: "ERR_TESTBED_BAD_OPTION" }));
  });
});

describe("bad input", () => {
  it("unknown reader, unknown profile, occupied reader, empty reader, bad options", async () => {
    await expect(tb.insert(9, "cps3")).rejects.toMatchObject({ code: "ERR_TESTBED_UNKNOWN_READER" });
    await expect(tb.insert("No Such Reader", "cps3")).rejects.toMatchObject({ code: "ERR_TESTBED_UNKNOWN_READER" });
    await expect(tb.insert(0, "cps9" as ProfileName)).rejects.toMatchObject({ code: "ERR_TESTBED_UNKNOWN_PROFILE" });
    await expect(tb.remove(0)).rejects.toMatchObject({ code: "ERR_TESTBED_READER_EMPTY" });
    await expect(tb.insert(0, "cps3", { pin: "12x4" })).rejects.toMatchObject({ code: "ERR_TESTBED_BAD_OPTION" });
    await expect(tb.insert(0, "cps3", { puk: "1" })).rejects.toMatchObject({ code: "ERR_TESTBED_BAD_OPTION" });
    await tb.insert(0, "vitale2");
    await expect(tb.insert(0, "cps3")).rejects.toMatchObject({ code: "ERR_TESTBED_READER_OCCUPIED" });
    expect(tb.card(0)?.profile).toBe("vitale2");
  });

  it("a vpcd slot held by someone else's card: ERR_TESTBED_READER_BUSY, not a silent hang", async () => {
    const reader = tb.readers.at(-1)!;
    const foreign = net.connect({ host: tb.cardHost, port: reader.port });
    foreign.on("error", () => {});
    // A minimal foreign card: answers GET ATR (control byte 04) and nothing else. vpcd may write a frame's length
    // and body in separate segments (seen: "00 01" then "04"), so frames are reassembled from the stream.
    let rx = Buffer.alloc(0);
    foreign.on("data", (d: Buffer) => {
      rx = Buffer.concat([rx, d]);
      while (rx.length >= 2 && rx.length >= 2 + rx.readUInt16BE(0)) {
        const body = rx.subarray(2, 2 + rx.readUInt16BE(0));
        rx = rx.subarray(2 + body.length);
        if (body.length === 1 && body[0] === 4) foreign.write(Buffer.from([0, 5, 0x3b, 0x80, 0x80, 0x01, 0x01]));
      }
    });
    try {
      const end = Date.now() + 3_000;
      while (probe.presence(reader.name)?.presence !== "present" && Date.now() < end) await sleep(20);
      expect(probe.presence(reader.name)?.presence).toBe("present");
      await expect(tb.insert(reader.index, "cps3")).rejects.toMatchObject({ code: "ERR_TESTBED_READER_BUSY" });
      expect(tb.card(reader.index)).toBeUndefined();
    } finally {
      foreign.destroy();
    }
    const end = Date.now() + 3_000;
    while (probe.presence(reader.name)?.presence !== "empty" && Date.now() < end) await sleep(20);
  });
});
