import { describe, expect, test } from "vitest";
import {
  type Command,
  decodeClass,
  fromHex,
  parseCommand,
  type Reply,
  ResponseShaper,
  readTlvs,
  SW,
  tlv,
  toHex,
} from "./iso7816";

const parse = (h: string) => parseCommand(fromHex(h)) as Command;

describe("parseCommand: short cases 1–4", () => {
  test("case 1", () => {
    expect(parse("00 20 00 81")).toMatchObject({
      isoCase: 1,
      ins: 0x20,
      p2: 0x81,
      ne: undefined,
      data: new Uint8Array(),
    });
  });
  test("case 2, Le 00 = 256", () => {
    expect(parse("00 B0 00 00 00")).toMatchObject({ isoCase: 2, ne: 256, leByte: 0 });
    expect(parse("00 B0 00 00 E7")).toMatchObject({ isoCase: 2, ne: 0xe7 });
  });
  test("case 3 and 4", () => {
    const c3 = parse("00 A4 04 0C 02 3F 00");
    expect(c3.isoCase).toBe(3);
    expect(toHex(c3.data)).toBe("3F00");
    const c4 = parse("00 88 00 00 03 01 02 03 00");
    expect(c4).toMatchObject({ isoCase: 4, ne: 256 });
    expect(toHex(c4.data)).toBe("010203");
  });
});

describe("parseCommand: malformed APDUs get a status word", () => {
  test.each([
    ["empty", "", SW.WRONG_LENGTH],
    ["3 bytes", "00 A4 04", SW.WRONG_LENGTH],
    ["Lc beyond the data", "00 A4 04 0C 0D E8 28", SW.WRONG_LENGTH],
    ["Lc shorter than the data (2 extra bytes)", "00 A4 04 0C 01 01 02 03", SW.WRONG_LENGTH],
    ["extended length case 3", "00 A4 04 0C 00 00 02 3F 00", SW.WRONG_LENGTH],
    ["extended length case 2", "00 B0 00 00 00 01 00", SW.WRONG_LENGTH],
    ["class FF", "FF A4 00 00", SW.CLA_NOT_SUPPORTED],
  ])("%s", (_name, apdu, sw) => {
    expect(parseCommand(fromHex(apdu))).toBe(sw);
  });
  test("300 bytes of junk", () => {
    const junk = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 0xff);
    junk[0] = 0x00;
    expect(parseCommand(junk)).toBe(SW.WRONG_LENGTH);
  });
});

describe("class byte (ISO 7816-4 §5.4.1)", () => {
  test.each([
    [0x00, { channel: 0, chained: false, secureMessaging: false, proprietary: false }],
    [0x01, { channel: 1, chained: false, secureMessaging: false, proprietary: false }],
    [0x11, { channel: 1, chained: true, secureMessaging: false, proprietary: false }],
    [0x0c, { channel: 0, chained: false, secureMessaging: true, proprietary: false }],
    [0x40, { channel: 4, chained: false, secureMessaging: false, proprietary: false }],
    [0x5f, { channel: 19, chained: true, secureMessaging: false, proprietary: false }],
    [0xa0, { channel: undefined, chained: false, secureMessaging: false, proprietary: true }],
    [0x20, { channel: undefined, chained: false, secureMessaging: false, proprietary: true }],
  ])("CLA %s", (cla, expected) => {
    expect(decodeClass(cla)).toEqual(expected);
  });
});

describe("ResponseShaper", () => {
  const data = (n: number) => new Uint8Array(n).map((_, i) => i & 0xff);
  const ok = (n: number): Reply => ({ sw: SW.OK, data: data(n) });

  test("T=0: a case-4 command with data answers 61xx, GET RESPONSE gives the data", () => {
    const shaper = new ResponseShaper("T0");
    expect(toHex(shaper.shape(parse("00 88 00 00 01 AA 00"), ok(256)))).toBe("6100");
    const got = shaper.getResponse(parse("00 C0 00 00 00"));
    expect(got.length).toBe(258);
    expect(toHex(got.subarray(256))).toBe("9000");
  });

  test("T=0: GET RESPONSE with a smaller Le leaves the rest (61xx), a larger one gets 6Cxx", () => {
    const shaper = new ResponseShaper("T0");
    expect(toHex(shaper.shape(parse("00 CB 3F FF 01 AA"), ok(20)))).toBe("6114");
    expect(toHex(shaper.getResponse(parse("00 C0 00 00 30")))).toBe("6C14");
    const first = shaper.getResponse(parse("00 C0 00 00 08"));
    expect(toHex(first)).toBe("0001020304050607610C");
    const rest = shaper.getResponse(parse("00 C0 00 00 0C"));
    expect(toHex(rest)).toBe("08090A0B0C0D0E0F101112139000");
    expect(toHex(shaper.getResponse(parse("00 C0 00 00 00")))).toBe("6A88"); // nothing pending any more
  });

  test("T=0: case 2 with a wrong Le answers 6Cxx (both directions)", () => {
    const shaper = new ResponseShaper("T0");
    expect(toHex(shaper.shape(parse("00 B0 00 00 00"), ok(12)))).toBe("6C0C");
    expect(toHex(shaper.shape(parse("00 B0 00 00 05"), ok(12)))).toBe("6C0C");
    expect(toHex(shaper.shape(parse("00 B0 00 00 0C"), ok(12)))).toMatch(/9000$/);
  });

  test("T=0: a status word alone passes through; another command drops pending data", () => {
    const shaper = new ResponseShaper("T0");
    expect(toHex(shaper.shape(parse("00 20 00 81"), { sw: 0x63c2 }))).toBe("63C2");
    shaper.shape(parse("00 88 00 00 01 AA 00"), ok(10));
    shaper.shape(parse("00 20 00 81"), { sw: SW.OK });
    expect(toHex(shaper.getResponse(parse("00 C0 00 00 0A")))).toBe("6A88");
  });

  test("T=1: data comes at once up to Ne; beyond Ne with 61xx; no Le → 61xx", () => {
    const shaper = new ResponseShaper("T1");
    expect(shaper.shape(parse("01 2A 80 86 01 AA 00"), ok(256)).length).toBe(258);
    const cut = shaper.shape(parse("00 CB 3F FF 01 AA 10"), ok(20));
    expect(toHex(cut.subarray(16))).toBe("6104");
    expect(toHex(shaper.getResponse(parse("00 C0 00 00 04")))).toBe("101112139000");
    expect(toHex(shaper.shape(parse("00 88 00 00 01 AA"), ok(3)))).toBe("6103");
    // T=1 never answers 6Cxx: a shorter answer is just shorter.
    expect(toHex(shaper.shape(parse("00 B0 00 00 00"), ok(3)))).toBe("0001029000");
  });

  test("GET RESPONSE with P1P2 ≠ 0000 or with data is refused", () => {
    const shaper = new ResponseShaper("T0");
    shaper.shape(parse("00 88 00 00 01 AA 00"), ok(4));
    expect(toHex(shaper.getResponse(parse("00 C0 01 00 04")))).toBe("6A86");
    expect(toHex(shaper.getResponse(parse("00 C0 00 00 01 00")))).toBe("6700");
  });
});

describe("BER-TLV of APDU data", () => {
  test("reads one- and multi-byte tags, long lengths", () => {
    const tlvs = readTlvs(fromHex("80 01 02 84 01 82 BF 81 01 02 A0 80 5F 2D 81 02 AA BB"));
    expect(tlvs?.map((t) => [t.tag.toString(16), toHex(t.value)])).toEqual([
      ["80", "02"],
      ["84", "82"],
      ["bf8101", "A080"],
      ["5f2d", "AABB"],
    ]);
  });
  test("rejects a length running past the end and indefinite lengths", () => {
    expect(readTlvs(fromHex("80 05 01 02"))).toBeUndefined();
    expect(readTlvs(fromHex("A0 80 00 00"))).toBeUndefined();
    expect(readTlvs(fromHex("BF"))).toBeUndefined();
  });
  test("writes what it reads", () => {
    const encoded = tlv(0x70, tlv(0xbf8101, tlv(0xa0, tlv(0x9a, fromHex("03")))));
    expect(toHex(encoded)).toBe("7009BF810105A0039A0103");
    expect(toHex(tlv(0x04, new Uint8Array(200))).slice(0, 6)).toBe("0481C8");
    expect(toHex(tlv(0x04, new Uint8Array(300))).slice(0, 8)).toBe("0482012C");
  });
});
