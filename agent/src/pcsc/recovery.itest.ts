/**
 * What breaks in a doctor's office, reproduced on the real PC/SC stack (pcscd + vpcd + virtual cards; the
 * `smartcard` binding is never mocked): pcscd killed and restarted under a running agent, a card pulled between the
 * APDUs of a signature, two callers on one reader, garbled and missing answers, damaged cards — and a PIN
 * verification whose complete log output must not contain the PIN.
 */
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import type { CardServiceEvent } from "@cps-bridge/agent/card-service";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import { Testbed } from "@cps-bridge/scripts/testbed/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CardServiceImpl } from "../cards/card-service-impl";
import { createLogger, type Logger } from "../log";

const ascii = (s: string) => new TextEncoder().encode(s);
const sha256 = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timeout waiting for ${what}`);
    await sleep(5);
  }
  return Date.now() - t0;
}

function memoryLogger(level = "debug"): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  return { lines, logger: createLogger({ destination, level }) };
}

let tb: Testbed;
let svc: CardServiceImpl;
let log: ReturnType<typeof memoryLogger>;
const events: CardServiceEvent[] = [];
const name = (i: number) => tb.readers[i]!.name;

async function fresh(i: number, profile: Parameters<Testbed["insert"]>[1], options?: Parameters<Testbed["insert"]>[2]) {
  if (tb.card(i)) await tb.remove(i);
  const from = events.length;
  const card = await tb.insert(i, profile, options);
  await until(
    () => events.slice(from).some((e) => e.type === "card.inserted" && e.reader.name === name(i)),
    5000,
    "card.inserted",
  );
  return card;
}

beforeAll(async () => {
  tb = await Testbed.start();
  expect(tb.pcscd.owned).toBe(true);
  log = memoryLogger();
  svc = new CardServiceImpl({
    logger: log.logger,
    testMode: true,
    testAnchorsPath: tb.trustAnchorsPath,
    apduTimeoutMs: 2000,
  });
  svc.subscribe((e) => events.push(e));
  await svc.start();
}, 120_000);

afterAll(async () => {
  // Pull every card first: a test that failed midway may leave a card that never answers, and vpcd never times out
  // a command — pcscd's transmit, and the native call waiting on it, would then block svc.stop() and the worker's
  // exit for ever. Closing the card's socket ends that command.
  for (let i = 0; i < (tb?.readers.length ?? 0); i++) if (tb.card(i)) await tb.remove(i).catch(() => {});
  await svc?.stop();
  await tb?.stop();
});

describe("pcscd killed and restarted during a run", () => {
  it("goes down without crash, busy loop or log flood, and serves again within 3 s of pcscd being back", async () => {
    await fresh(0, "cps3");
    expect((await svc.cardStatus({ reader: name(0) })).holder?.surname).toBe("TESTCPS");
    const linesBefore = log.lines.length;

    await tb.pcscd.kill("SIGKILL");
    await until(() => svc.pcscState() === "down", 3000, "state down");
    await expect(svc.cardStatus()).rejects.toMatchObject({ code: "ERR_PCSC_SERVICE_DOWN" });
    expect(svc.readers()).toEqual([]);
    // 4 s down: CPU stays low (no busy loop) and the log gets the transition once, a few backoff lines at most.
    const cpu0 = process.cpuUsage();
    await sleep(4000);
    const cpu = process.cpuUsage(cpu0);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(600);
    const pcscLines = log.lines.slice(linesBefore).filter((l) => /"event":"pcsc\./.test(l));
    expect(pcscLines.filter((l) => l.includes('"pcsc.down"'))).toHaveLength(1);
    expect(pcscLines.filter((l) => l.includes('"pcsc.retry"')).length).toBeLessThanOrEqual(4);

    await tb.pcscd.start(); // resolves when pcscd serves our readers again
    const ms = await until(
      () => svc.pcscState() === "up" && svc.readers().some((r) => r.name === name(0) && r.state === "present"),
      3000,
      "card back",
    );
    expect(ms).toBeLessThan(3000);
    const status = await svc.cardStatus({ reader: name(0) });
    expect(status).toMatchObject({ cardType: "cps3", holder: { surname: "TESTCPS" }, pin: { triesLeft: 3 } });
    expect(log.lines.filter((l) => l.includes('"pcsc.up"')).length).toBeGreaterThanOrEqual(1);
    // and operations work again: PIN and signature
    await svc.verifyPin(ascii("1234"), { reader: name(0) });
    expect((await svc.signAuth(sha256("after restart"), "RS256", { reader: name(0) })).signature).toHaveLength(256);
  }, 60_000);
});

describe("card pulled between the APDUs of a signature", () => {
  it("fails with ERR_CARD_REMOVED, releases the reader, and the next card is served at once", async () => {
    const card = await fresh(0, "cps4");
    await svc.verifyPin(ascii("1234"), { reader: name(0) });
    card.slowNext(0); // SELECT ChipDoc answers at once
    card.slowNext(1500); // MSE SET answers late: the card is pulled meanwhile
    const signing = svc.signAuth(sha256("pulled"), "RS256", { reader: name(0) }).then(
      () => "signed",
      (e) => e,
    );
    await sleep(200);
    await tb.remove(0);
    const result = await signing;
    expect(isBridgeError(result, "ERR_CARD_REMOVED")).toBe(true);
    await fresh(0, "cps3");
    // the new card's own read at insertion runs first; nothing is left holding the reader
    const t0 = Date.now();
    expect((await svc.pinStatus({ reader: name(0) })).triesLeft).toBe(3);
    expect(Date.now() - t0).toBeLessThan(2000);
  }, 30_000);
});

describe("two callers on one reader", () => {
  it("are serialised (no interleaved APDUs); a caller that will not wait gets ERR_ACTION_PENDING", async () => {
    await fresh(0, "cps4");
    await svc.cardStatus({ reader: name(0) });
    await svc.verifyPin(ascii("1234"), { reader: name(0) });
    const headers: string[] = [];
    const stop = svc.observeExchanges((r) => {
      if (r.reader === name(0)) headers.push(r.header);
    });
    const a = svc.signAuth(sha256("a"), "RS256", { reader: name(0) });
    const b = svc.signAuth(sha256("b"), "RS256", { reader: name(0) });
    const c = svc.pinStatus({ reader: name(0), wait: false }).catch((e) => e);
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    stop();
    expect(ra.signature).toHaveLength(256);
    expect(rb.signature).toHaveLength(256);
    expect(isBridgeError(rc, "ERR_ACTION_PENDING")).toBe(true);
    // Each signature is SELECT ChipDoc, MSE SET, chained PSO (11…, 01…) [+ GET RESPONSE]: never mixed.
    const starts = headers.flatMap((h, i) => (h === "01A4040C" ? [i] : []));
    expect(starts).toHaveLength(2);
    const first = headers.slice(starts[0], starts[1]);
    const second = headers.slice(starts[1]);
    for (const seq of [first, second]) {
      expect(seq.slice(0, 4)).toEqual(["01A4040C", "012241B8", "112A8086", "012A8086"]);
    }
  }, 30_000);
});

describe("garbled answers and damaged cards", () => {
  it.each(["truncate", "random", "bitflip"] as const)(
    "%s answer → a typed error, then normal service",
    async (mode) => {
      const card = await fresh(0, "cps3");
      await svc.cardStatus({ reader: name(0) });
      card.garbleNext(mode);
      const err = await svc.pinStatus({ reader: name(0) }).then(
        () => undefined,
        (e) => e,
      );
      // bitflip may hit only a SELECT's empty data and pass; anything that fails fails with a code
      if (err !== undefined) {
        expect(isBridgeError(err)).toBe(true);
        expect(["ERR_CARD_COMMUNICATION", "ERR_CARD_OPERATION_FAILED", "ERR_CARD_DATA_INVALID"]).toContain(err.code);
      }
      expect((await svc.pinStatus({ reader: name(0) })).triesLeft).toBe(3);
    },
    30_000,
  );

  it("an answer that never comes → ERR_CARD_MUTE at the deadline; no freeze; recovered once the card is pulled", async () => {
    // vpcd 0.8 never times out a command: while one hangs, pcscd serves no new SCardConnect/SCardListReaders (a
    // real CCID reader would time out). The agent must still answer at once from what it knows, never freeze its
    // event loop, and start no new native call on that reader until the stuck one returns.
    await fresh(2, "cps4");
    await svc.cardStatus({ reader: name(2) });
    const stuck = await fresh(0, "cps3");
    await svc.cardStatus({ reader: name(0) });
    stuck.garbleNext("no-answer");
    const t0 = Date.now();
    let lag = 0;
    const ticker = setInterval(() => {
      lag = Math.max(lag, Date.now() - last);
      last = Date.now();
    }, 50);
    let last = Date.now();
    await expect(svc.pinStatus({ reader: name(0) })).rejects.toMatchObject({ code: "ERR_CARD_MUTE" });
    expect(Date.now() - t0).toBeLessThan(4000);
    await expect(svc.pinStatus({ reader: name(0) })).rejects.toMatchObject({
      code: "ERR_CARD_MUTE",
      message: expect.stringContaining("previous answer"),
    });
    // cached data of the other reader is served immediately
    const t1 = Date.now();
    expect((await svc.cardStatus({ reader: name(2) })).holder?.surname).toBe("TESTCPSQUATRE");
    expect(Date.now() - t1).toBeLessThan(200);
    clearInterval(ticker);
    expect(lag).toBeLessThan(500); // the event loop kept running
    // the doctor pulls the stuck card and puts it back: served again
    await tb.remove(0);
    await fresh(0, "cps3");
    expect((await svc.pinStatus({ reader: name(0) })).triesLeft).toBe(3);
    await tb.remove(2);
  }, 30_000);

  it("a card that drops off mid-command (bad contact) → ERR_CARD_REMOVED, then read again when back", async () => {
    const card = await fresh(0, "cps3");
    await svc.cardStatus({ reader: name(0) });
    card.garbleNext("disconnect");
    const from = events.length;
    await expect(svc.pinStatus({ reader: name(0) })).rejects.toMatchObject({ code: "ERR_CARD_REMOVED" });
    await until(() => events.slice(from).some((e) => e.type === "card.inserted"), 5000, "card back");
    expect((await svc.cardStatus({ reader: name(0) })).holder?.surname).toBe("TESTCPS");
  }, 30_000);

  it.each(["certificate-der", "pkcs15-tlv", "serial-length"] as const)(
    "a card with %s damage → ERR_CARD_DATA_INVALID; a good card in another reader is still served",
    async (corrupt) => {
      await fresh(0, "cps3", { corrupt });
      await fresh(1, "cps3");
      const bad = await svc.cardStatus({ reader: name(0) });
      expect(bad).toMatchObject({ state: "present", cardType: "cps3", errorCode: "ERR_CARD_DATA_INVALID" });
      expect(bad.holder).toBeUndefined();
      expect((await svc.cardStatus({ reader: name(1) })).holder?.surname).toBe("TESTCPS");
      await tb.remove(1);
    },
    30_000,
  );
});

describe("PIN verification and the logs", () => {
  it("no log line of a PIN verification (wrong and right, trace level) contains the PIN", async () => {
    const capture = memoryLogger("trace");
    const local = new CardServiceImpl({ logger: capture.logger, testMode: true, testAnchorsPath: tb.trustAnchorsPath });
    await svc.stop(); // one agent of ours on the card at a time
    await local.start();
    try {
      const pin = "86420135";
      const wrong = "75319024";
      if (tb.card(0)) await tb.remove(0);
      await tb.insert(0, "cps3", { pin });
      await until(() => local.readers().some((r) => r.name === name(0) && r.state === "present"), 5000, "card");
      await local.cardStatus({ reader: name(0) });
      await expect(local.verifyPin(ascii(wrong), { reader: name(0) })).rejects.toMatchObject({
        code: "ERR_PIN_INCORRECT",
      });
      await local.verifyPin(ascii(pin), { reader: name(0) });
      await local.signAuth(sha256("logged?"), "RS256", { reader: name(0) });
      const all = capture.lines.join("\n");
      expect(capture.lines.length).toBeGreaterThan(20);
      expect(all).toContain('"header":"00200081"'); // the VERIFY was traced — without its data
      for (const secret of [pin, wrong]) {
        expect(all).not.toContain(secret);
        expect(all.toUpperCase()).not.toContain(Buffer.from(secret).toString("hex").toUpperCase());
        expect(all).not.toContain(Buffer.from(secret).toString("base64"));
      }
      expect(all).not.toContain("899700123456"); // national id: not logged either
    } finally {
      await local.stop();
      await svc.start();
    }
  }, 30_000);
});
