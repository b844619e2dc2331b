// Unit tests of the vpcd link against an in-process fake of vpcd's side of the wire (a TCP server speaking the
// 2-byte-length framing). The real pcscd + vpcd path is covered by testbed.itest.ts.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { VirtualCard } from "./cards/virtual-card";
import { garbled, VpcdLink } from "./vpcd-link";

const ATR = Uint8Array.from([0x3b, 0x80, 0x80, 0x01, 0x01]);

/** A card answering READ BINARY with 4 data bytes + 9000, everything else 9000, and counting power events. */
function fakeCard(over: Partial<VirtualCard> = {}): VirtualCard & { events: string[]; commands: number[][] } {
  const events: string[] = [];
  const commands: number[][] = [];
  return {
    profile: "unknown",
    atr: ATR,
    events,
    commands,
    powerOn: () => events.push("on"),
    powerOff: () => events.push("off"),
    reset: () => events.push("reset"),
    transmit: (c) => {
      commands.push([...c]);
      return c[1] === 0xb0 ? Uint8Array.of(1, 2, 3, 4, 0x90, 0x00) : Uint8Array.of(0x90, 0x00);
    },
    ...over,
  };
}

/** vpcd's side: accepts one card, sends framed messages, collects each received chunk and parsed frame. */
class FakeVpcd {
  server = net.createServer();
  sock: net.Socket | undefined;
  chunks: Buffer[] = [];
  frames: Buffer[] = [];
  private rx = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  port = 0;

  async listen(port = 0): Promise<void> {
    this.server.on("connection", (s) => {
      this.sock = s;
      s.on("error", () => {}); // the card may reset the connection (disconnect fault)
      s.on("data", (d: Buffer) => {
        this.chunks.push(d);
        this.rx = Buffer.concat([this.rx, d]);
        while (this.rx.length >= 2 && this.rx.length >= 2 + this.rx.readUInt16BE(0)) {
          const n = this.rx.readUInt16BE(0);
          this.frames.push(this.rx.subarray(2, 2 + n));
          this.rx = this.rx.subarray(2 + n);
        }
        for (const w of this.waiters.splice(0)) w();
      });
      for (const w of this.waiters.splice(0)) w();
    });
    await new Promise<void>((r) => this.server.listen({ host: "127.0.0.1", port }, r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async connected(timeoutMs = 2000): Promise<net.Socket> {
    const end = Date.now() + timeoutMs;
    while (!this.sock || this.sock.destroyed) {
      if (Date.now() > end) throw new Error("no card connected");
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
    return this.sock;
  }

  send(payload: number[]): void {
    const b = Buffer.alloc(2 + payload.length);
    b.writeUInt16BE(payload.length, 0);
    Buffer.from(payload).copy(b, 2);
    this.sock?.write(b);
  }

  /** Sends one message and waits for the next answer frame (or times out → undefined). */
  async exchange(payload: number[], timeoutMs = 1000): Promise<Buffer | undefined> {
    const before = this.frames.length;
    this.send(payload);
    const end = Date.now() + timeoutMs;
    while (this.frames.length === before) {
      if (Date.now() > end) return undefined;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 10);
      });
    }
    return this.frames[before];
  }

  async close(): Promise<void> {
    this.sock?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const open: Array<{ close(): Promise<void> } | VpcdLink> = [];
afterEach(async () => {
  for (const x of open.splice(0)) {
    if (x instanceof VpcdLink) await x.remove();
    else await x.close();
  }
});

async function setup(card = fakeCard(), opts: { mute?: "unresponsive" | "silent" } = {}) {
  const vpcd = new FakeVpcd();
  await vpcd.listen();
  open.push(vpcd);
  const link = new VpcdLink({ card, port: vpcd.port, host: "127.0.0.1", ...opts, reconnect: { minMs: 20, maxMs: 50 } });
  open.push(link);
  await link.insert();
  await vpcd.connected();
  return { vpcd, link, card };
}

describe("VpcdLink wire protocol", () => {
  it("answers GET ATR with the ATR, framed with a big-endian length, in one write", async () => {
    const { vpcd } = await setup();
    const answer = await vpcd.exchange([0x04]);
    expect([...(answer ?? [])]).toEqual([...ATR]);
    expect(vpcd.chunks).toHaveLength(1);
    expect([...(vpcd.chunks[0] ?? [])]).toEqual([0x00, ATR.length, ...ATR]);
  });

  it("does not answer power on / off / reset, and forwards them to the card", async () => {
    const { vpcd, card } = await setup();
    for (const ctrl of [0x01, 0x02, 0x00]) expect(await vpcd.exchange([ctrl], 150)).toBeUndefined();
    expect(card.events).toEqual(["on", "reset", "off"]);
  });

  it("passes any other payload to the card as an APDU and answers in one frame", async () => {
    const { vpcd, card } = await setup();
    expect([...((await vpcd.exchange([0x00, 0xb0, 0x00, 0x00, 0x04])) ?? [])]).toEqual([1, 2, 3, 4, 0x90, 0x00]);
    expect(card.commands).toEqual([[0x00, 0xb0, 0x00, 0x00, 0x04]]);
    expect(vpcd.chunks.at(-1)?.length).toBe(8);
  });

  it("reassembles messages split across TCP chunks and several messages in one chunk", async () => {
    const { vpcd, card } = await setup();
    vpcd.sock?.write(Buffer.from([0x00]));
    await new Promise((r) => setTimeout(r, 30));
    vpcd.sock?.write(Buffer.from([0x04, 0x00, 0xa4, 0x04, 0x00, 0x00]));
    await new Promise((r) => setTimeout(r, 30));
    vpcd.sock?.write(Buffer.from([0x01, 0x04, 0x00, 0x05, 0x00, 0xb0, 0x00, 0x00, 0x04]));
    const end = Date.now() + 1000;
    while (vpcd.frames.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(vpcd.frames.map((f) => [...f])).toEqual([[0x90, 0x00], [...ATR], [1, 2, 3, 4, 0x90, 0x00]]);
    expect(card.commands).toEqual([
      [0x00, 0xa4, 0x04, 0x00],
      [0x00, 0xb0, 0x00, 0x00, 0x04],
    ]);
  });

  it("turns a card exception into 6F00 and an empty answer into 6F00 (an empty frame would eject the card)", async () => {
    let n = 0;
    const card = fakeCard({
      transmit: () => {
        n++;
        if (n === 1) throw new Error("bug in a card model");
        return new Uint8Array(0);
      },
    });
    const { vpcd } = await setup(card);
    expect([...((await vpcd.exchange([0x00, 0xa4, 0x00, 0x00])) ?? [])]).toEqual([0x6f, 0x00]);
    expect([...((await vpcd.exchange([0x00, 0xa4, 0x00, 0x00])) ?? [])]).toEqual([0x6f, 0x00]);
  });

  it("mute card, unresponsive style: answers GET ATR with more than 33 bytes (pcscd's MAX_ATR_SIZE)", async () => {
    const { vpcd } = await setup(fakeCard({ atr: null, profile: "mute" }));
    const answer = await vpcd.exchange([0x04]);
    expect(answer?.length).toBeGreaterThan(33);
  });

  it("mute card, silent style: never answers GET ATR", async () => {
    const { vpcd, link } = await setup(fakeCard({ atr: null, profile: "mute" }), { mute: "silent" });
    expect(await vpcd.exchange([0x04], 300)).toBeUndefined();
    expect(link.stats.atrRequests).toBe(1);
  });

  it("rejects insert with ERR_TESTBED_NOT_RUNNING when nothing listens", async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen({ host: "127.0.0.1", port: 0 }, r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const link = new VpcdLink({ card: fakeCard(), port, host: "127.0.0.1" });
    await expect(link.insert()).rejects.toMatchObject({ code: "ERR_TESTBED_NOT_RUNNING" });
  });
});

describe("VpcdLink faults", () => {
  const READ = [0x00, 0xb0, 0x00, 0x00, 0x04];

  it("slowNext delays exactly the next APDU answer", async () => {
    const { vpcd, link } = await setup();
    link.slowNext(250);
    let t = Date.now();
    await vpcd.exchange(READ, 2000);
    expect(Date.now() - t).toBeGreaterThanOrEqual(240);
    t = Date.now();
    await vpcd.exchange(READ, 2000);
    expect(Date.now() - t).toBeLessThan(150);
  });

  it("GET ATR polls are not delayed by slowNext", async () => {
    const { vpcd, link } = await setup();
    link.slowNext(500);
    const t = Date.now();
    expect(await vpcd.exchange([0x04], 400)).toBeDefined();
    expect(Date.now() - t).toBeLessThan(300);
  });

  it("garbleNext: truncate, random, bitflip, then normal answers again", async () => {
    const { vpcd, link } = await setup();
    link.garbleNext("truncate");
    link.garbleNext("random");
    link.garbleNext("bitflip");
    expect([...((await vpcd.exchange(READ)) ?? [])]).toEqual([1, 2, 3, 4]);
    const random = (await vpcd.exchange(READ)) ?? Buffer.alloc(0);
    expect(random.length).toBe(6);
    expect([...random]).not.toEqual([1, 2, 3, 4, 0x90, 0x00]);
    const flipped = [...((await vpcd.exchange(READ)) ?? [])];
    expect(flipped.slice(4)).toEqual([0x90, 0x00]);
    for (const [i, b] of flipped.slice(0, 4).entries()) expect(b).not.toBe(i + 1);
    expect([...((await vpcd.exchange(READ)) ?? [])]).toEqual([1, 2, 3, 4, 0x90, 0x00]);
  });

  it("garbleNext with a count garbles that many answers", async () => {
    const { vpcd, link } = await setup();
    link.garbleNext("truncate", 2);
    expect((await vpcd.exchange(READ))?.length).toBe(4);
    expect((await vpcd.exchange(READ))?.length).toBe(4);
    expect((await vpcd.exchange(READ))?.length).toBe(6);
  });

  it("no-answer leaves that APDU unanswered", async () => {
    const { vpcd, link } = await setup();
    link.garbleNext("no-answer");
    expect(await vpcd.exchange(READ, 300)).toBeUndefined();
    expect(link.connected).toBe(true);
  });

  it("disconnect drops the connection instead of answering, then the card comes back by itself", async () => {
    const { vpcd, link } = await setup();
    const first = vpcd.sock;
    link.garbleNext("disconnect");
    expect(await vpcd.exchange(READ, 300)).toBeUndefined();
    const end = Date.now() + 3000;
    while ((vpcd.sock === first || !link.connected) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(vpcd.sock).not.toBe(first);
    expect(link.stats.connects).toBe(2);
    expect([...((await vpcd.exchange([0x04])) ?? [])]).toEqual([...ATR]);
  });

  it("rejects an unknown garble mode and a bad delay", async () => {
    const { link } = await setup();
    expect(() => link.garbleNext("explode" as never)).toThrow(/unknown mode/);
    expect(() => link.slowNext(-1)).toThrow(/bad delay/);
  });

  it("garbled() keeps at least two bytes for random and SW1 for a status-only truncate", () => {
    expect(garbled(Uint8Array.of(0x90, 0x00), "truncate")).toEqual(Uint8Array.of(0x90));
    expect(garbled(Uint8Array.of(0x90, 0x00), "random").length).toBe(2);
    expect(garbled(Uint8Array.of(0x90, 0x00), "bitflip")).toEqual(Uint8Array.of(0x90, 0x00));
  });
});

describe("VpcdLink insertion, removal, reconnection", () => {
  it("remove closes the connection; the fake vpcd sees the end", async () => {
    const { vpcd, link } = await setup();
    const sock = await vpcd.connected();
    const closed = new Promise<void>((r) => sock.once("close", () => r()));
    await link.remove();
    await closed;
    expect(link.state).toBe("removed");
  });

  it("reconnects while inserted when vpcd goes away and comes back (pcscd restart), with the card powered off", async () => {
    const card = fakeCard();
    const { vpcd, link } = await setup(card);
    const port = vpcd.port;
    await vpcd.close();
    const end0 = Date.now() + 2000;
    while (link.connected && Date.now() < end0) await new Promise((r) => setTimeout(r, 10));
    expect(link.state).toBe("reconnecting");
    expect(card.events).toContain("off");
    await new Promise((r) => setTimeout(r, 200)); // a few refused attempts
    const again = new FakeVpcd();
    await again.listen(port);
    open.push(again);
    await again.connected(3000);
    const end = Date.now() + 2000;
    while (!link.connected && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(link.connected).toBe(true);
    expect(link.stats.connects).toBe(2);
    expect([...((await again.exchange([0x04])) ?? [])]).toEqual([...ATR]);
  });

  it("does not reconnect after remove", async () => {
    const { vpcd, link } = await setup();
    await link.remove();
    await new Promise((r) => setTimeout(r, 150));
    expect(link.stats.connects).toBe(1);
    expect(vpcd.server.listening).toBe(true);
  });
});
