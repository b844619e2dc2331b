import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../log";
import { fromHex } from "./apdu";
import { FakeBinding } from "./fake-binding";
import { ReaderSession } from "./reader-session";
import { PcscSupervisor } from "./supervisor";

const ATR = fromHex("3B8080010101");
const SELECT = { cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: fromHex("A000") };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ReaderSession", () => {
  let binding: FakeBinding;
  let sup: PcscSupervisor;
  let session: ReaderSession;
  let delay: number;
  let log: string[];

  beforeEach(async () => {
    binding = new FakeBinding();
    binding.addReader("R");
    delay = 0;
    log = [];
    binding.insert("R", {
      atr: ATR,
      respond: async (cmd) => {
        log.push(`in:${cmd[1]!.toString(16)}`);
        if (delay) await sleep(delay);
        log.push(`out:${cmd[1]!.toString(16)}`);
        return fromHex("9000");
      },
    });
    sup = new PcscSupervisor(binding, { logger: silentLogger() });
    await sup.start();
    session = new ReaderSession("R", sup, { logger: silentLogger(), apduTimeoutMs: 300, removalConfirmMs: 200 });
    session.cardInserted(ATR);
  });
  afterEach(() => sup.stop());

  it("serialises two concurrent sequences on one reader (no interleaving)", async () => {
    delay = 5;
    const seq = (ins: number) =>
      session.transaction(async (tx) => {
        await tx.send({ ...SELECT, ins });
        await tx.send({ ...SELECT, ins });
        return tx.apduCount;
      });
    const [a, b] = await Promise.all([seq(0xa1), seq(0xb1)]);
    expect([a, b]).toEqual([2, 2]);
    expect(log).toEqual(["in:a1", "out:a1", "in:a1", "out:a1", "in:b1", "out:b1", "in:b1", "out:b1"]);
  });

  it("refuses with ERR_ACTION_PENDING when asked not to wait", async () => {
    delay = 30;
    const first = session.transaction((tx) => tx.send(SELECT));
    await expect(session.transaction((tx) => tx.send(SELECT), { wait: false })).rejects.toMatchObject({
      code: "ERR_ACTION_PENDING",
    });
    await first;
  });

  it("fails a sequence whose card is pulled mid-APDU with ERR_CARD_REMOVED, releases the lock, fails waiters", async () => {
    delay = 50;
    const running = session.transaction(async (tx) => {
      await tx.send(SELECT);
      await tx.send(SELECT);
    });
    const waiting = session.transaction((tx) => tx.send(SELECT));
    await sleep(10);
    binding.remove("R");
    session.cardRemoved();
    await expect(running).rejects.toMatchObject({ code: "ERR_CARD_REMOVED" });
    await expect(waiting).rejects.toMatchObject({ code: "ERR_CARD_REMOVED" });
    expect(session.isBusy).toBe(false);
    // A new card works at once: nothing was left locked.
    binding.insert("R", { atr: ATR, respond: () => fromHex("9000") });
    session.cardInserted(ATR);
    await expect(session.transaction((tx) => tx.send(SELECT))).resolves.toMatchObject({ sw: 0x9000 });
  });

  it("turns a transmit failure into ERR_CARD_REMOVED when the removal is reported shortly after", async () => {
    binding.failNextTransmit = "Transaction failed";
    const p = session.transaction((tx) => tx.send(SELECT));
    // the monitor reports the removal ~100 ms after the failed transmit (pcscd's presence poll)
    setTimeout(() => {
      binding.remove("R");
      session.cardRemoved();
    }, 100);
    await expect(p).rejects.toMatchObject({ code: "ERR_CARD_REMOVED" });
  });

  it("keeps ERR_CARD_COMMUNICATION when the card is still there", async () => {
    binding.failNextTransmit = "Transaction failed";
    await expect(session.transaction((tx) => tx.send(SELECT))).rejects.toMatchObject({
      code: "ERR_CARD_COMMUNICATION",
      details: expect.objectContaining({ pcscCode: "0x80100016" }),
    });
  });

  it("answers ERR_CARD_MUTE when the card stops answering; no new native call until the stuck one settles", async () => {
    delay = 1000;
    await expect(session.transaction((tx) => tx.send(SELECT))).rejects.toMatchObject({ code: "ERR_CARD_MUTE" });
    delay = 0;
    const sent = binding.transmitted.length;
    await expect(session.transaction((tx) => tx.send(SELECT))).rejects.toMatchObject({
      code: "ERR_CARD_MUTE",
      message: expect.stringContaining("previous answer"),
    });
    expect(binding.transmitted.length).toBe(sent);
    expect(binding.openHandles.size).toBe(1); // the stuck handle, kept until its call returns
    await sleep(800); // the stuck answer finally comes
    // …and then the abandoned handle is disconnected, not left to a GC finalizer (pcsc/smartcard-binding.ts).
    expect(binding.openHandles.size).toBe(0);
    await expect(session.transaction((tx) => tx.send(SELECT))).resolves.toMatchObject({ sw: 0x9000 });
    expect(binding.openHandles.size).toBe(1);
    session.cardRemoved();
    expect(binding.openHandles.size).toBe(0);
  });

  it("a card pulled during a transmit: its handle is disconnected once that transmit returns, not while it runs", async () => {
    delay = 200;
    const running = session.transaction((tx) => tx.send(SELECT));
    await sleep(30);
    session.cardRemoved();
    // A synchronous disconnect now would wait for the native transmit (pcsc/smartcard-binding.ts).
    expect(binding.openHandles.size).toBe(1);
    await expect(running).rejects.toMatchObject({ code: "ERR_CARD_REMOVED" });
    await sleep(250);
    expect(binding.openHandles.size).toBe(0);
  });

  it("re-runs a sequence once after another application reset the card, not after a PIN was sent", async () => {
    let runs = 0;
    binding.failNextTransmit = "Card was reset";
    await session.transaction(async (tx) => {
      runs++;
      await tx.send(SELECT);
    });
    expect(runs).toBe(2);
    runs = 0;
    binding.failNextTransmit = "Card was reset";
    await expect(
      session.transaction(async (tx) => {
        runs++;
        await tx.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: fromHex("31323334"), sensitive: true });
      }),
    ).rejects.toMatchObject({ code: "ERR_CARD_COMMUNICATION" });
    expect(runs).toBe(1);
  });

  it("leaves the queue when the caller aborts", async () => {
    delay = 30;
    const first = session.transaction((tx) => tx.send(SELECT));
    const ac = new AbortController();
    const second = session.transaction((tx) => tx.send(SELECT), { signal: ac.signal });
    ac.abort();
    await expect(second).rejects.toMatchObject({ code: "ERR_USER_CANCELLED" });
    await first;
    expect(session.isBusy).toBe(false);
  });

  it("says ERR_NO_CARD without a card and ERR_CARD_MUTE for a card that cannot be connected", async () => {
    session.cardRemoved();
    await expect(session.transaction((tx) => tx.send(SELECT))).rejects.toMatchObject({ code: "ERR_NO_CARD" });
    binding.insert("R", { atr: null, respond: () => fromHex("9000") });
    session.cardInserted(null);
    await expect(session.transaction((tx) => tx.send(SELECT))).rejects.toMatchObject({ code: "ERR_CARD_MUTE" });
  });

  it("reports ERR_PCSC_SERVICE_DOWN and tells the supervisor when the service dies under a sequence", async () => {
    binding.failNextTransmit = "PC/SC service not running";
    await expect(session.transaction((tx) => tx.send(SELECT))).rejects.toMatchObject({
      code: "ERR_PCSC_SERVICE_DOWN",
    });
    expect(sup.state).toBe("down");
  });
});
