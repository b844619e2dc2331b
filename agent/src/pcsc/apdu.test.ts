import { describe, expect, it } from "vitest";
import { type CommandApdu, type ExchangeRecord, encodeApdu, exchange, exchangeChained, fromHex, hex } from "./apdu";

/** A transport answering from a list of [expected command hex, response hex]. */
function script(steps: [string, string][]) {
  const sent: string[] = [];
  return {
    sent,
    transport: {
      async transmit(cmd: Uint8Array) {
        const step = steps.shift();
        sent.push(hex(cmd));
        if (!step) throw new Error(`unexpected APDU ${hex(cmd)}`);
        expect(hex(cmd)).toBe(step[0].replace(/ /g, ""));
        return fromHex(step[1]);
      },
    },
  };
}

const select: CommandApdu = { cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: fromHex("E828BD080F8025000001FF0010") };

describe("APDU encoding", () => {
  it("encodes cases 1–4 in short form, Le 256 as 00", () => {
    expect(hex(encodeApdu({ cla: 0, ins: 0x20, p1: 0, p2: 0x81 }))).toBe("00200081");
    expect(hex(encodeApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }))).toBe("00B0000000");
    expect(hex(encodeApdu(select))).toBe("00A4040C0DE828BD080F8025000001FF0010");
    expect(hex(encodeApdu({ ...select, le: 0xe7 }))).toBe("00A4040C0DE828BD080F8025000001FF0010E7");
    expect(() => encodeApdu({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(256) })).toThrow(RangeError);
  });
});

describe("exchange: 61xx / 6Cxx in one place", () => {
  it("follows 61xx with GET RESPONSE on the same logical channel and concatenates", async () => {
    const s = script([
      ["01 88 00 00 02 AA BB 00", "0102 6104"],
      ["01 C0 00 00 04", "03040506 6102"],
      ["01 C0 00 00 02", "0708 9000"],
    ]);
    const r = await exchange(s.transport, { cla: 0x01, ins: 0x88, p1: 0, p2: 0, data: fromHex("AABB"), le: 256 });
    expect(hex(r.data)).toBe("0102030405060708");
    expect(r.sw).toBe(0x9000);
  });

  it("clears the chaining bit in GET RESPONSE and maps 6100 to Le 00", async () => {
    const s = script([
      ["11 2A 80 86 01 00", "6100"],
      ["01 C0 00 00 00", "AA 9000"],
    ]);
    const r = await exchange(s.transport, { cla: 0x11, ins: 0x2a, p1: 0x80, p2: 0x86, data: fromHex("00") });
    expect(hex(r.data)).toBe("AA");
  });

  it("re-sends once with the right Le after 6Cxx", async () => {
    const s = script([
      ["00 B0 00 00 00", "6C0C"],
      ["00 B0 00 00 0C", "5A0A80250000010000000001 9000"],
    ]);
    const r = await exchange(s.transport, { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 });
    expect(r.data.length).toBe(12);
  });

  it("handles CPS2ter 9Fxx with a CLA A0 GET RESPONSE", async () => {
    const s = script([
      ["A0 A4 00 00 02 3F 00", "9F02"],
      ["A0 C0 00 00 02", "1122 9000"],
    ]);
    const r = await exchange(s.transport, { cla: 0xa0, ins: 0xa4, p1: 0, p2: 0, data: fromHex("3F00") });
    expect(hex(r.data)).toBe("1122");
  });

  it("rejects a response without status word with ERR_CARD_COMMUNICATION", async () => {
    const s = script([["00 A4 04 0C 0D E8 28 BD 08 0F 80 25 00 00 01 FF 00 10", "90"]]);
    await expect(exchange(s.transport, select)).rejects.toMatchObject({ code: "ERR_CARD_COMMUNICATION" });
  });

  it("stops an endless 61xx loop with ERR_CARD_COMMUNICATION", async () => {
    const transport = { transmit: async () => fromHex("00 61 01") };
    await expect(exchange(transport, select)).rejects.toMatchObject({ code: "ERR_CARD_COMMUNICATION" });
  });

  it("wipes sensitive command buffers and never records their bytes", async () => {
    const seen: Uint8Array[] = [];
    const records: ExchangeRecord[] = [];
    const transport = {
      async transmit(cmd: Uint8Array) {
        seen.push(cmd);
        return fromHex("9000");
      },
    };
    await exchange(transport, { cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: fromHex("31323334"), sensitive: true }, (r) =>
      records.push(r),
    );
    expect([...seen[0]!]).toEqual(new Array(9).fill(0));
    expect(records[0]!.command).toBeUndefined();
    expect(records[0]!.header).toBe("00200081");
  });
});

describe("command chaining", () => {
  it("sends 256 bytes as 255 with CLA|10 then 1 with Le", async () => {
    const data = new Uint8Array(256).map((_, i) => i);
    const s = script([
      [`11 2A 80 86 FF ${hex(data.subarray(0, 255))}`, "9000"],
      ["01 2A 80 86 01 FF 00", "6100"],
      ["01 C0 00 00 00", `${"AB".repeat(256)} 9000`],
    ]);
    const r = await exchangeChained(s.transport, { cla: 0x01, ins: 0x2a, p1: 0x80, p2: 0x86, data, le: 256 }, 255);
    expect(r.data.length).toBe(256);
  });

  it("stops at the first block the card refuses", async () => {
    const s = script([[`11 2A 80 86 80 ${"00".repeat(128)}`, "6985"]]);
    const r = await exchangeChained(
      s.transport,
      { cla: 0x01, ins: 0x2a, p1: 0x80, p2: 0x86, data: new Uint8Array(256), le: 256 },
      128,
    );
    expect(r.sw).toBe(0x6985);
  });
});
