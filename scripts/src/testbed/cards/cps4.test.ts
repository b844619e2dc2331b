import {
  AuthenticationType,
  decodeConcatenated,
  decodeDer,
  PrivateKeyType,
  referenceByte,
  TokenInfo,
} from "@cps-bridge/agent/cards/pkcs15-schema";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createCard } from "../profiles";
import { CPS4_ATR, CPS4_T0_ATR } from "./cps4";
import { SW, toHex } from "./iso7816";
import { exchange, pkcs1Type1Block, type Response, send, sha256DigestInfo, verifyWithCertificate } from "./test-kit";
import type { VirtualCard } from "./virtual-card";

const SELECT_CHIPDOC = "01 A4 04 0C 08 8025000001FF0100";
const SELECT_IDS = "01 A4 04 0C 07 A0000001510000";
const SELECT_CPS2TER = "00 A4 04 0C 08 8025000001FF0002";
const SELECT_IAS = "00 A4 04 0C 0D E828BD080F8025000001FF0010";
const VERIFY_STATUS = "01 20 00 81";
const VERIFY_1234 = "01 20 00 81 04 31323334";
const MSE = "01 22 41 B8 03 83 01 20";
const SERIAL = "3100603746";
const challenge = new TextEncoder().encode("cps4 login challenge");

/** Reads a whole file on channel 1 (CLA 01), chunks of 256. */
function readFile(card: VirtualCard, path: string, cla = "01"): Uint8Array {
  const bytes = path.replace(/\s/g, "").length / 2;
  expect(send(card, `${cla} A4 08 0C ${bytes.toString(16).padStart(2, "0")} ${path}`).sw).toBe(SW.OK);
  const parts: number[] = [];
  for (let offset = 0; ; ) {
    const r = exchange(
      card,
      `${cla} B0 ${(offset >> 8).toString(16).padStart(2, "0")} ${(offset & 0xff).toString(16).padStart(2, "0")} 00`,
    );
    if (r.sw === SW.WRONG_OFFSET) break;
    parts.push(...r.data);
    offset += r.data.length;
    if (r.data.length < 256) break;
  }
  return Uint8Array.from(parts);
}

/** PSO DECIPHER of a 256-byte block in two chained parts (CLA 11 then 01). */
function decipher(card: VirtualCard, block: Uint8Array): { first: Response; last: Response } {
  const first = send(card, `11 2A 80 86 80 ${toHex(block.subarray(0, 128))}`);
  const last = send(card, `01 2A 80 86 80 ${toHex(block.subarray(128))} 00`);
  return { first, last };
}

let card: VirtualCard;
let t0: VirtualCard;
beforeAll(async () => {
  [card, t0] = await Promise.all([createCard("cps4", { serial: SERIAL }), createCard("cps4-t0")]);
}, 120_000);
beforeEach(() => {
  for (const c of [card, t0]) {
    c.setTriesLeft!(3);
    c.reset();
  }
});

describe("power-on: channel 0 behaves like a CPS3 (cps-card.md §1.2)", () => {
  test("ATRs", () => {
    expect(toHex(card.atr!)).toBe(toHex(CPS4_ATR));
    expect(toHex(t0.atr!)).toBe(toHex(CPS4_T0_ATR));
    expect(card.info).toMatchObject({ serial: SERIAL, tokenLabel: `CPS4v1-${SERIAL}`, kind: "CPS" });
    expect(card.info!.holder.surname).toBe("TESTCPSQUATRE");
  });

  test("SELECT by path and READ BINARY of EF.SN.ICC, the IAS application by AID, VERIFY status", () => {
    expect(send(card, "00 A4 09 0C 04 3F00 D003").sw).toBe(SW.OK);
    expect(send(card, "00 B0 00 00 0C").hex).toBe(`5A0A8025000001${SERIAL}`);
    expect(send(card, SELECT_IAS).sw).toBe(SW.OK);
    expect(send(card, "00 20 00 81").sw).toBe(0x63c3);
  });

  test("no INTERNAL AUTHENTICATE on a CPS4 (6D00)", () => {
    send(card, SELECT_IAS);
    expect(send(card, "00 88 00 00 02 0102 00").sw).toBe(SW.INS_NOT_SUPPORTED);
  });
});

describe("ChipDoc on logical channel 1 (cps-card.md §2.1, §2.4)", () => {
  test("a closed channel answers 6881; SELECT of ChipDoc with CLA 01 opens it", () => {
    expect(send(card, "01 B0 00 00 10").sw).toBe(SW.CHANNEL_NOT_SUPPORTED);
    expect(send(card, SELECT_CHIPDOC)).toMatchObject({ sw: SW.OK, hex: "" });
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c3);
    expect(send(card, "03 B0 00 00 10").sw).toBe(SW.CHANNEL_NOT_SUPPORTED);
  });

  test("MANAGE CHANNEL 00 70 00 00 01 opens channel 1; 00 70 80 01 closes it", () => {
    expect(send(card, "00 70 00 00 01")).toMatchObject({ sw: SW.OK, hex: "01" });
    expect(send(card, "01 A4 08 0C 02 D003").sw).toBe(SW.OK); // an open channel without ChipDoc: the file system
    expect(send(card, SELECT_CHIPDOC).sw).toBe(SW.OK);
    expect(send(card, "00 70 00 00 01")).toMatchObject({ sw: SW.OK, hex: "02" });
    expect(send(card, "00 70 80 01").sw).toBe(SW.OK);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.CHANNEL_NOT_SUPPORTED);
  });

  test("the PKCS#15 structure is readable with CLA 01: TokenInfo CPS4v1-<serial>, PIN, key 0x20", () => {
    send(card, SELECT_CHIPDOC);
    expect(decodeDer(readFile(card, "0001 5032"), TokenInfo).label).toBe(`CPS4v1-${SERIAL}`);
    const [pin] = decodeConcatenated(readFile(card, "0001 4401"), AuthenticationType);
    expect(referenceByte(pin!.pin!.typeAttributes.pinReference)).toBe(0x81);
    const keys = decodeConcatenated(readFile(card, "0001 4402"), PrivateKeyType);
    const aut = keys.find((k) => k.privateRSAKey!.commonObjectAttributes.label === "CPS_PRIV_AUT")!;
    expect(referenceByte(aut.privateRSAKey!.classAttributes.keyReference)).toBe(0x20);
    // Whole 256-byte responses with Le = 00 on T=1.
    expect(send(card, "01 A4 08 0C 04 0001 C002").sw).toBe(SW.OK);
    expect(send(card, "01 B0 00 00 00").data.length).toBe(256);
  });

  test("VERIFY with no data → 63Cx, wrong → 63Cx−1, blocked → 6983, right → 9000", () => {
    send(card, SELECT_CHIPDOC);
    expect(send(card, "01 20 00 81 04 39393939").sw).toBe(0x63c2);
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c2);
    expect(send(card, VERIFY_1234).sw).toBe(SW.OK);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.OK);
    card.setTriesLeft!(0);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(send(card, VERIFY_1234).sw).toBe(SW.AUTH_METHOD_BLOCKED);
  });

  test("MSE SET 01 22 41 B8 03 83 01 20; another key 6A88", () => {
    send(card, SELECT_CHIPDOC);
    expect(send(card, MSE).sw).toBe(SW.OK);
    expect(send(card, "01 22 41 B8 03 83 01 21").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
    expect(send(card, "01 22 41 A4 03 83 01 20").sw).toBe(SW.WRONG_P1P2);
  });

  test("PSO DECIPHER of a host-padded block, chained (CLA 11 then 01): the signature verifies", async () => {
    send(card, SELECT_CHIPDOC);
    expect(send(card, VERIFY_1234).sw).toBe(SW.OK);
    expect(send(card, MSE).sw).toBe(SW.OK);
    const block = pkcs1Type1Block(await sha256DigestInfo(challenge));
    const { first, last } = decipher(card, block);
    expect(first).toMatchObject({ sw: SW.OK, hex: "" });
    expect(last.sw).toBe(SW.OK);
    expect(last.data.length).toBe(256);
    expect(await verifyWithCertificate(card.info!.certificates.authentication!, challenge, last.data)).toBe(true);
  });

  test("PSO DECIPHER refusals: no PIN 6982, no MSE 6985, wrong size 6700, not below the modulus 6A80", async () => {
    send(card, SELECT_CHIPDOC);
    const block = pkcs1Type1Block(await sha256DigestInfo(challenge));
    expect(decipher(card, block).last.sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    send(card, MSE);
    expect(decipher(card, block).last.sw).toBe(SW.SECURITY_NOT_SATISFIED);
    send(card, VERIFY_1234);
    expect(send(card, `01 2A 80 86 80 ${toHex(block.subarray(0, 128))} 00`).sw).toBe(SW.WRONG_LENGTH);
    expect(decipher(card, new Uint8Array(256).fill(0xff)).last.sw).toBe(SW.WRONG_DATA);
    // A chain interrupted by another command starts again from nothing.
    send(card, `11 2A 80 86 80 ${toHex(block.subarray(0, 128))}`);
    send(card, VERIFY_STATUS);
    expect(send(card, `01 2A 80 86 80 ${toHex(block.subarray(128))} 00`).sw).toBe(SW.WRONG_LENGTH);
    expect(decipher(card, block).last.sw).toBe(SW.OK);
    expect(send(card, "11 B0 00 00 10").sw).toBe(SW.CHAINING_NOT_SUPPORTED);
  });

  test("cps4-t0: the same signature comes through 61xx / GET RESPONSE on channel 1", async () => {
    expect(send(t0, SELECT_CHIPDOC).sw).toBe(SW.OK);
    send(t0, VERIFY_1234);
    send(t0, MSE);
    const block = pkcs1Type1Block(await sha256DigestInfo(challenge));
    const { last } = decipher(t0, block);
    expect(last.sw).toBe(0x6100);
    const signature = send(t0, "01 C0 00 00 00");
    expect(signature.sw).toBe(SW.OK);
    expect(await verifyWithCertificate(t0.info!.certificates.authentication!, challenge, signature.data)).toBe(true);
    expect(send(t0, "01 A4 08 0C 04 0001 5032").sw).toBe(SW.OK);
    expect(send(t0, "01 B0 00 00 00").sw >> 8).toBe(0x6c); // T=0: Le must be exact
  });
});

describe("the 6985 re-selection behaviour (cps-card.md §2.1, ANS card-cps4.c, fix #1722)", () => {
  async function signs(c: VirtualCard): Promise<boolean> {
    send(c, VERIFY_1234);
    send(c, MSE);
    const { last } = decipher(c, pkcs1Type1Block(await sha256DigestInfo(challenge)));
    return (
      last.sw === SW.OK && (await verifyWithCertificate(c.info!.certificates.authentication!, challenge, last.data))
    );
  }

  test("simulateChannelDesync: ChipDoc answers 6985; a plain re-select does not help; the ANS sequence does", async () => {
    expect(send(card, SELECT_CHIPDOC).sw).toBe(SW.OK);
    card.simulateChannelDesync!();
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(send(card, MSE).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(send(card, "01 B0 00 00 10").sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(send(card, SELECT_CHIPDOC).sw).toBe(SW.OK);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    // Channel 0 is not affected.
    expect(send(card, "00 A4 09 0C 04 3F00 D003").sw).toBe(SW.OK);
    // Recovery: SELECT IDS on ch.1, SELECT CPS2ter volet on ch.0, SELECT ChipDoc on ch.1.
    expect(send(card, SELECT_IDS).sw).toBe(SW.OK);
    expect(send(card, SELECT_CPS2TER).sw).toBe(SW.OK);
    expect(send(card, SELECT_CHIPDOC).sw).toBe(SW.OK);
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c3);
    expect(await signs(card)).toBe(true);
  });

  test("another application selected on channel 0 while ChipDoc is selected triggers it", async () => {
    send(card, SELECT_CHIPDOC);
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c3);
    expect(send(card, SELECT_IAS).sw).toBe(SW.OK); // e.g. other middleware on channel 0
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    // The sequence out of order does not recover.
    send(card, SELECT_CPS2TER);
    send(card, SELECT_IDS);
    send(card, SELECT_CHIPDOC);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    send(card, SELECT_IDS);
    send(card, SELECT_CPS2TER);
    send(card, SELECT_CHIPDOC);
    expect(await signs(card)).toBe(true);
  });

  test("a reset also ends it (channels closed, ChipDoc to select again)", () => {
    send(card, SELECT_CHIPDOC);
    card.simulateChannelDesync!();
    card.reset();
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.CHANNEL_NOT_SUPPORTED);
    send(card, SELECT_CHIPDOC);
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c3);
  });
});

describe("malformed APDUs on a CPS4", () => {
  test.each([
    ["channel 4 (further interindustry class)", "40 A4 04 0C 08 8025000001FF0100", SW.CHANNEL_NOT_SUPPORTED],
    ["MANAGE CHANNEL close of channel 0", "00 70 80 00", SW.WRONG_P1P2],
    ["GET DATA in ChipDoc", "01 CA 00 00 00", SW.INS_NOT_SUPPORTED],
    ["a chained PSO part of 300 bytes", `11 2A 80 86 FF ${"00".repeat(300)}`, SW.WRONG_LENGTH],
  ])("%s", (_name, apdu, sw) => {
    send(card, SELECT_CHIPDOC);
    expect(send(card, apdu).sw).toBe(sw);
  });

  test("5000 random APDUs on channels 0–3", () => {
    send(card, SELECT_CHIPDOC);
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >> 8;
    };
    for (let i = 0; i < 5000; i++) {
      const apdu = new Uint8Array(next() % 270).map(() => next() & 0xff);
      if (apdu.length > 0 && next() % 2) apdu[0] = (next() % 4) | (next() % 2 ? 0x10 : 0);
      const answer = card.transmit(apdu);
      expect(answer.length).toBeGreaterThanOrEqual(2);
      expect(answer[answer.length - 2]).not.toBe(0x6f); // 6F00 would mean an exception inside the card
    }
  });
});
