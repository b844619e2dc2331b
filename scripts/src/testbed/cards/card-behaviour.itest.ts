// The virtual cards' behaviour through the real PC/SC stack: pcscd + vsmartcard-vpcd + the card models, driven
// with the `smartcard` binding (libpcsclite; never mocked). What the unit tests check in process, checked again as a
// PC/SC application sees it: T=0 61xx / 6Cxx handled by the binding's autoGetResponse, PIN blocking, verified
// signatures (CPS3 INTERNAL AUTHENTICATE, CPS4 chained PSO DECIPHER), the CPS4 6985 recovery, malformed APDUs.
import {
  AuthenticationType,
  CertificateType,
  decodeConcatenated,
  decodeDer,
  PKCS15Objects,
  referenceByte,
  TokenInfo,
} from "@cps-bridge/agent/cards/pkcs15-schema";
import sc, { type CardInterface, transmitWithAutoResponse } from "smartcard";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InsertedCard, Testbed } from "../index";
import { fromHex, readTlvs, toHex } from "./iso7816";
import { pkcs1Type1Block, sha256DigestInfo, verifyWithCertificate } from "./test-kit";

interface Answer {
  data: Uint8Array;
  sw: number;
  hex: string;
}

const split = (b: Buffer): Answer => {
  const data = Uint8Array.from(b.subarray(0, b.length - 2));
  return { data, sw: b.length >= 2 ? b.readUInt16BE(b.length - 2) : -1, hex: toHex(data) };
};

/**
 * A PC/SC connection (T=0 or T=1) to the card of a reader. EXCLUSIVE when it can be had, so that no other PC/SC
 * client interleaves its SELECTs with ours (a cps-bridge agent running on this machine reads every inserted CPS and
 * may keep a SHARED connection to it); else SHARED, and {@link assertAlone} then proves no foreign APDU reached the
 * card during the test.
 */
class Connection {
  /** APDUs this connection sent (GET RESPONSE / Le corrections of the binding included). */
  sent = 0;
  private readonly counted: CardInterface;

  private constructor(
    private readonly context: InstanceType<typeof sc.Context>,
    readonly card: CardInterface,
    readonly exclusive: boolean,
  ) {
    this.counted = Object.create(card, {
      transmit: {
        value: (command: Buffer | number[], options?: object) => {
          this.sent++;
          return card.transmit(command, options);
        },
      },
    }) as CardInterface;
  }

  static async open(readerName: string): Promise<Connection> {
    const deadline = Date.now() + 3_000;
    for (;;) {
      const context = new sc.Context();
      const reader = context.listReaders().find((r) => r.name === readerName);
      if (!reader) {
        context.close();
        throw new Error(`reader ${readerName} not listed`);
      }
      const exclusive = Date.now() < deadline;
      try {
        const mode = exclusive ? sc.SCARD_SHARE_EXCLUSIVE : sc.SCARD_SHARE_SHARED;
        const card = await reader.connect(mode, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
        return new Connection(context, card, exclusive);
      } catch (error) {
        context.close();
        const sharing = error instanceof sc.SharingViolationError || /sharing violation/i.test(String(error));
        if (!sharing || !exclusive) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Raw: what the card answered, 61xx / 6Cxx included. */
  async raw(apdu: string | Uint8Array): Promise<Answer> {
    return split(await this.counted.transmit(Buffer.from(typeof apdu === "string" ? fromHex(apdu) : apdu)));
  }

  /** With the binding's T=0 handling (GET RESPONSE on 61xx, Le corrected on 6Cxx). */
  async auto(apdu: string | Uint8Array): Promise<Answer> {
    const command = Buffer.from(typeof apdu === "string" ? fromHex(apdu) : apdu);
    return split(await transmitWithAutoResponse(this.counted, command, { autoGetResponse: true }));
  }

  /**
   * Always SCARD_LEAVE_CARD. The virtual cards run on this thread, and `disconnect` is synchronous: with
   * SCARD_RESET_CARD pcscd would reset the card and wait for its ATR while this thread is blocked in the call —
   * a deadlock (measured). Reset with the asynchronous {@link reset} instead.
   */
  close(): void {
    try {
      this.card.disconnect(sc.SCARD_LEAVE_CARD);
    } catch {}
    this.context.close();
  }

  /** SCardReconnect with SCARD_RESET_CARD, on the binding's worker thread (the card keeps answering vpcd). */
  async reset(): Promise<void> {
    const mode = this.exclusive ? sc.SCARD_SHARE_EXCLUSIVE : sc.SCARD_SHARE_SHARED;
    await this.card.reconnect(mode, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1, sc.SCARD_RESET_CARD);
  }
}

const SELECT_IAS = "00 A4 04 0C 0D E828BD080F8025000001FF0010";
const VERIFY_1234 = "00 20 00 81 04 31323334";
const VERIFY_9999 = "00 20 00 81 04 39393939";
const challenge = new TextEncoder().encode("challenge signed through pcscd");

let tb: Testbed;
let connection: Connection | undefined;

beforeAll(async () => {
  tb = await Testbed.start();
});

let current: { inserted: InsertedCard; apdusBefore: number } | undefined;

afterEach(async () => {
  const c = connection;
  const state = current;
  connection = undefined;
  current = undefined;
  c?.close();
  for (const r of tb.list()) if (r.card) await tb.remove(r.index);
  // A failure above caused by another PC/SC client must say so (see Connection).
  if (c && state) {
    const foreign = state.inserted.link.stats.apdus - state.apdusBefore - c.sent;
    if (foreign !== 0) {
      throw new Error(
        `${foreign} APDU(s) from another PC/SC client reached the card during this test (connection ${
          c.exclusive ? "EXCLUSIVE" : "SHARED: EXCLUSIVE refused for 3 s"
        }); is a cps-bridge agent running on this machine? (ps -ef | grep cps-bridge)`,
      );
    }
  }
});

afterAll(async () => {
  await tb?.stop();
});

/** Inserts a card in reader 0 and connects; waits until no other client is talking to it (1 s without APDU). */
async function insertAndConnect(profile: Parameters<Testbed["insert"]>[1], options = {}): Promise<InsertedCard> {
  const inserted = await tb.insert(0, profile, options);
  connection = await Connection.open(tb.readers[0]!.name);
  if (!connection.exclusive) {
    for (let quiet = 0, last = -1, waited = 0; quiet < 1_000 && waited < 10_000; waited += 100) {
      const now = inserted.link.stats.apdus;
      quiet = now === last ? quiet + 100 : 0;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  current = { inserted, apdusBefore: inserted.link.stats.apdus };
  return inserted;
}

/** READ BINARY of a whole file (binding's T=0 handling), Le = 00. */
async function readFile(c: Connection, path: string, cla = "00", p1 = "09"): Promise<Uint8Array> {
  const length = (path.replace(/\s/g, "").length / 2).toString(16).padStart(2, "0");
  expect((await c.raw(`${cla} A4 ${p1} 0C ${length} ${path}`)).sw).toBe(0x9000);
  const out: number[] = [];
  for (;;) {
    const offset = out.length;
    const r = await c.auto(
      `${cla} B0 ${(offset >> 8).toString(16).padStart(2, "0")} ${(offset & 0xff).toString(16).padStart(2, "0")} 00`,
    );
    if (r.sw === 0x6b00) break;
    expect([0x9000, 0x6282]).toContain(r.sw);
    out.push(...r.data);
    if (r.sw === 0x6282 || r.data.length === 0) break;
  }
  return Uint8Array.from(out);
}

describe("CPS3 through pcscd (T=0)", () => {
  it("file reading: 6CE7 raw, 231-byte chunks through autoGetResponse; PKCS#15 leads to the certificate", async () => {
    const inserted = await insertAndConnect("cps3", { serial: "2900995266" });
    const c = connection!;
    expect(c.card.protocol).toBe(sc.SCARD_PROTOCOL_T0);
    expect((await c.raw(SELECT_IAS)).sw).toBe(0x9000);
    expect((await c.raw("00 A4 04 00 0D E828BD080F8025000001FF0010")).sw).toBe(0x6a86);
    expect((await c.raw("00 A4 09 0C 04 3F00 D003")).sw).toBe(0x9000);
    expect((await c.raw("00 B0 00 00 0C")).hex).toBe("5A0A80250000012900995266");

    expect((await c.raw("00 A4 09 0C 06 3F00 0001 C002")).sw).toBe(0x9000);
    expect((await c.raw("00 B0 00 00 00")).sw).toBe(0x6ce7); // Le 256 > 231: the card says 231
    const chunk = await c.auto("00 B0 00 00 00");
    expect(chunk.sw).toBe(0x9000);
    expect(chunk.data.length).toBe(0xe7);

    const odf = decodeConcatenated(await readFile(c, "3F00 0001 5031"), PKCS15Objects);
    const cdfPath = toHex(new Uint8Array(odf.find((o) => o.certificates)!.certificates!.path!.efidOrPath));
    const certs = decodeConcatenated(await readFile(c, cdfPath), CertificateType);
    const auth = certs.find((x) => x.x509Certificate!.commonObjectAttributes.label?.includes("Authentification"))!;
    const file = await readFile(c, toHex(new Uint8Array(auth.x509Certificate!.typeAttributes.value.path!.efidOrPath)));
    const der = file.subarray(0, ((file[2]! << 8) | file[3]!) + 4);
    expect(toHex(der)).toBe(toHex(inserted.card.info!.certificates.authentication!));
    expect(decodeDer(await readFile(c, "3F00 0001 5032"), TokenInfo).label).toBe("CPS3v3-2900995266");
  });

  it("T=0 chaining: INTERNAL AUTHENTICATE answers 6100 raw; autoGetResponse fetches a signature that verifies", async () => {
    const inserted = await insertAndConnect("cps3");
    const c = connection!;
    await c.raw(SELECT_IAS);
    const digestInfo = toHex(await sha256DigestInfo(challenge));
    expect((await c.raw("00 22 41 A4 06 80 01 02 84 01 82")).sw).toBe(0x9000);
    expect((await c.raw(`00 88 00 00 33 ${digestInfo} 00`)).sw).toBe(0x6982); // PIN not verified
    expect((await c.raw(VERIFY_1234)).sw).toBe(0x9000);
    expect((await c.raw(`00 88 00 00 33 ${digestInfo} 00`)).sw).toBe(0x6100);
    const got = await c.raw("00 C0 00 00 00");
    expect(got.sw).toBe(0x9000);
    expect(await verifyWithCertificate(inserted.card.info!.certificates.authentication!, challenge, got.data)).toBe(
      true,
    );
    const auto = await c.auto(`00 88 00 00 33 ${digestInfo} 00`);
    expect(auto.sw).toBe(0x9000);
    expect(auto.data.length).toBe(256);
    expect(await verifyWithCertificate(inserted.card.info!.certificates.authentication!, challenge, auto.data)).toBe(
      true,
    );
    // The signature key refuses INTERNAL AUTHENTICATE.
    await c.raw("00 22 41 A4 06 80 01 02 84 01 81");
    expect((await c.raw(`00 88 00 00 33 ${digestInfo} 00`)).sw).toBe(0x6985);
  });

  it("PIN: status without spending a try, wrong PIN down to blocked, GET DATA counters; the test bench sees it", async () => {
    const inserted = await insertAndConnect("cps3");
    const c = connection!;
    expect((await c.raw("00 20 00 81")).sw).toBe(0x63c3);
    expect((await c.raw(VERIFY_9999)).sw).toBe(0x63c2);
    expect((await c.raw(VERIFY_9999)).sw).toBe(0x63c1);
    expect((await c.raw(VERIFY_9999)).sw).toBe(0x63c0);
    expect((await c.raw(VERIFY_1234)).sw).toBe(0x6983);
    expect((await c.raw("00 20 00 81")).sw).toBe(0x6983);
    expect(inserted.triesLeft()).toBe(0);
    await c.raw("00 A4 00 0C 02 3F00");
    const counters = await c.auto("00 CB 3F FF 0A 4D 08 70 06 BF 81 01 02 A0 80");
    expect(counters.sw).toBe(0x9000);
    const tags = new Map<number, number>();
    const walk = (b: Uint8Array) => {
      for (const t of readTlvs(b) ?? []) t.tag >= 0x9a && t.tag <= 0x9d ? tags.set(t.tag, t.value[0]!) : walk(t.value);
    };
    walk(counters.data);
    expect([tags.get(0x9a), tags.get(0x9b)]).toEqual([3, 0]);
    // The test bench API unblocks it for the next test.
    inserted.setTriesLeft(3);
    expect((await c.raw("00 20 00 81")).sw).toBe(0x63c3);
  });

  it("a card reset (SCardReconnect SCARD_RESET_CARD) drops the verified PIN; 6E00 after the CPS2ter volet", async () => {
    await insertAndConnect("cps3");
    const c = connection!;
    expect((await c.raw(VERIFY_1234)).sw).toBe(0x9000);
    expect((await c.raw("00 20 00 81")).sw).toBe(0x9000);
    await c.reset();
    expect((await c.raw("00 20 00 81")).sw).toBe(0x63c3);
    expect((await c.raw("00 A4 04 0C 08 8025000001FF0002")).sw).toBe(0x9000);
    expect((await c.raw("00 20 00 81")).sw).toBe(0x6e00);
    expect((await c.raw(SELECT_IAS)).sw).toBe(0x9000);
    expect((await c.raw("00 20 00 81")).sw).toBe(0x63c3);
  });
});

describe("CPS4 through pcscd", () => {
  const SELECT_CHIPDOC = "01 A4 04 0C 08 8025000001FF0100";

  async function signCps4(c: Connection, inserted: InsertedCard, mode: "raw" | "auto"): Promise<void> {
    expect((await c.raw(SELECT_CHIPDOC)).sw).toBe(0x9000);
    const [pin] = decodeConcatenated(await readFile(c, "0001 4401", "01", "08"), AuthenticationType);
    const reference = referenceByte(pin!.pin!.typeAttributes.pinReference)!;
    const verify = `01 20 00 ${reference.toString(16)}`;
    expect((await c.raw(verify)).sw).toBe(0x63c3);
    expect((await c.raw(`${verify} 04 31323334`)).sw).toBe(0x9000);
    expect((await c.raw("01 22 41 B8 03 83 01 20")).sw).toBe(0x9000);
    const block = pkcs1Type1Block(await sha256DigestInfo(challenge));
    expect((await c.raw(`11 2A 80 86 80 ${toHex(block.subarray(0, 128))}`)).sw).toBe(0x9000);
    const last = `01 2A 80 86 80 ${toHex(block.subarray(128))} 00`;
    const answer = mode === "raw" ? await c.raw(last) : await c.auto(last);
    expect(answer.sw).toBe(0x9000);
    expect(answer.data.length).toBe(256);
    expect(await verifyWithCertificate(inserted.card.info!.certificates.authentication!, challenge, answer.data)).toBe(
      true,
    );
  }

  it("cps4 (T=1 behaviour): ChipDoc on channel 1, chained PSO DECIPHER (CLA 11 then 01), a verified signature", async () => {
    const inserted = await insertAndConnect("cps4");
    await signCps4(connection!, inserted, "raw");
    expect((await connection!.raw("00 88 00 00 02 0102 00")).sw).toBe(0x6d00); // no INTERNAL AUTHENTICATE
  });

  it("cps4-t0: the same through 61xx and the binding's GET RESPONSE", async () => {
    const inserted = await insertAndConnect("cps4-t0");
    const c = connection!;
    expect(c.card.protocol).toBe(sc.SCARD_PROTOCOL_T0);
    await signCps4(c, inserted, "auto");
  });

  it("6985 until the ANS recovery sequence (IDS ch.1, CPS2ter ch.0, ChipDoc ch.1)", async () => {
    const inserted = await insertAndConnect("cps4");
    const c = connection!;
    expect((await c.raw(SELECT_CHIPDOC)).sw).toBe(0x9000);
    expect((await c.raw("01 20 00 81")).sw).toBe(0x63c3);
    inserted.card.simulateChannelDesync!();
    expect((await c.raw("01 20 00 81")).sw).toBe(0x6985);
    expect((await c.raw("01 A4 04 0C 07 A0000001510000")).sw).toBe(0x9000);
    expect((await c.raw("00 A4 04 0C 08 8025000001FF0002")).sw).toBe(0x9000);
    expect((await c.raw(SELECT_CHIPDOC)).sw).toBe(0x9000);
    expect((await c.raw("01 20 00 81")).sw).toBe(0x63c3);
  });
});

describe("other cards and malformed APDUs through pcscd", () => {
  it("Vitale 2: SELECT of the VITALE AID 9000 with no data; the CPS AID 6A82", async () => {
    await insertAndConnect("vitale2");
    const c = connection!;
    expect(await c.raw("00 A4 04 00 0B D25000000256495441 4C45")).toMatchObject({ sw: 0x9000, hex: "" });
    expect((await c.raw(SELECT_IAS)).sw).toBe(0x6a82);
  });

  it("malformed APDUs get an ISO status word; the card keeps answering", async () => {
    await insertAndConnect("cps3");
    const c = connection!;
    const outcomes: Record<string, string> = {};
    const junk = new Uint8Array(300).map((_, i) => (i * 131 + 7) & 0xff);
    junk[0] = 0;
    const cases: Record<string, Uint8Array> = {
      "3 bytes": fromHex("00 A4 04"),
      "Lc beyond the data": fromHex("00 A4 04 0C 0D E8 28 BD"),
      "extended length": fromHex("00 B0 00 00 00 00 E7"),
      "300 bytes of junk": junk,
      "class FF": fromHex("FF A4 00 00"),
      "unknown instruction": fromHex("00 12 00 00"),
    };
    for (const [name, apdu] of Object.entries(cases)) {
      const outcome = await c.raw(apdu).then(
        (a) => `SW ${a.sw.toString(16).toUpperCase()}`,
        (e: Error) => `refused by PC/SC: ${e.message}`,
      );
      outcomes[name] = outcome;
      // After each one the card still works.
      expect((await c.raw("00 20 00 81")).sw).toBe(0x63c3);
    }
    console.log("malformed APDUs through pcscd:", outcomes);
    // pcsc-lite 1.9.9 (Debian 12) passes all of them to the card, which answers each with a status word.
    expect(outcomes).toEqual({
      "3 bytes": "SW 6700",
      "Lc beyond the data": "SW 6700",
      "extended length": "SW 6700",
      "300 bytes of junk": "SW 6700",
      "class FF": "SW 6E00",
      "unknown instruction": "SW 6D00",
    });
  });
});
