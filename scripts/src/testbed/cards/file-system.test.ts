import { describe, expect, test } from "vitest";
import { absolutePath, df, ef, FileSystem, type Selection } from "./file-system";
import { type Command, fromHex, parseCommand, readTlvs, SW, toHex } from "./iso7816";

const parse = (h: string) => parseCommand(fromHex(h)) as Command;
const AID = fromHex("E8 28 BD 08 0F 80 25 00 00 01 FF 00 10");
const big = new Uint8Array(600).map((_, i) => i & 0xff);

function tree() {
  const cert = ef(0xc002, big);
  const app = df(0x0001, [ef(0x5031, fromHex("A8 02 30 00")), cert, ef(0x5032, fromHex("30 00"), 0x12)], AID);
  const sn = ef(0xd003, fromHex("5A 0A 80 25 00 00 01 12 34 56 78 90"));
  const mf = df(0x3f00, [ef(0x2f00, fromHex("61 00")), sn, app]);
  return { fs: new FileSystem(mf), app, cert, sn };
}

describe("SELECT", () => {
  const options = { rejectFciForAid: true };

  test("by AID with P2 0C (no data) or 04 (FCP with the DF name); P2 00 answers 6A86 on CPx", () => {
    const { fs, app } = tree();
    const start = fs.initialSelection();
    const noData = fs.select(start, parse("00 A4 04 0C 0D E828BD080F8025000001FF0010"), options);
    expect(noData.reply).toEqual({ sw: SW.OK });
    expect(noData.selection?.df).toBe(app);
    const withFcp = fs.select(start, parse("00 A4 04 04 0D E828BD080F8025000001FF0010"), options);
    const fcp = readTlvs(withFcp.reply.data!)!;
    expect(fcp[0]!.tag).toBe(0x62);
    expect(readTlvs(fcp[0]!.value)!.find((t) => t.tag === 0x84)!.value).toEqual(AID);
    expect(fs.select(start, parse("00 A4 04 00 0D E828BD080F8025000001FF0010"), options).reply.sw).toBe(SW.WRONG_P1P2);
    expect(fs.select(start, parse("00 A4 04 0C 03 01 02 03"), options).reply.sw).toBe(SW.FILE_NOT_FOUND);
  });

  test("by path P1 09 with the full path including 3F00 (ANS CPS3 driver), P1 08 with or without 3F00", () => {
    const { fs, cert, sn } = tree();
    const start = fs.initialSelection();
    expect(fs.select(start, parse("00 A4 09 0C 06 3F00 0001 C002"), options).selection?.ef).toBe(cert);
    expect(fs.select(start, parse("00 A4 08 0C 04 0001 C002"), options).selection?.ef).toBe(cert);
    expect(fs.select(start, parse("00 A4 08 0C 06 3F00 0001 C002"), options).selection?.ef).toBe(cert);
    expect(fs.select(start, parse("00 A4 09 0C 04 3F00 D003"), options).selection?.ef).toBe(sn);
    expect(fs.select(start, parse("00 A4 09 0C 04 0001 FFFF"), options).reply.sw).toBe(SW.FILE_NOT_FOUND);
    expect(fs.select(start, parse("00 A4 09 0C 03 3F 00 00"), options).reply.sw).toBe(SW.LC_INCONSISTENT_WITH_P1P2);
  });

  test("P1 09 relative to the current DF", () => {
    const { fs, app, cert } = tree();
    expect(fs.select({ df: app }, parse("00 A4 09 0C 02 C002"), options).selection?.ef).toBe(cert);
  });

  test("by FID: MF, child, sibling, parent; P1 02 only EFs, P1 01 only DFs; P1 03 parent", () => {
    const { fs, app, cert, sn } = tree();
    const inApp: Selection = { df: app };
    expect(fs.select(inApp, parse("00 A4 00 0C 02 C002"), options).selection?.ef).toBe(cert);
    expect(fs.select(inApp, parse("00 A4 00 0C 02 D003"), options).selection?.ef).toBe(sn);
    expect(fs.select(inApp, parse("00 A4 00 0C 02 3F00"), options).selection?.df).toBe(fs.mf);
    expect(fs.select(inApp, parse("00 A4 00 0C"), options).selection?.df).toBe(fs.mf);
    expect(fs.select(inApp, parse("00 A4 02 0C 02 C002"), options).selection?.ef).toBe(cert);
    expect(fs.select(fs.initialSelection(), parse("00 A4 02 0C 02 0001"), options).reply.sw).toBe(SW.FILE_NOT_FOUND);
    expect(fs.select(fs.initialSelection(), parse("00 A4 01 0C 02 0001"), options).selection?.df).toBe(app);
    expect(fs.select(inApp, parse("00 A4 03 0C"), options).selection?.df).toBe(fs.mf);
    expect(fs.select(inApp, parse("00 A4 00 0C 01 C0"), options).reply.sw).toBe(SW.LC_INCONSISTENT_WITH_P1P2);
  });

  test("EF FCP carries the size; an unknown P1 or P2 answers 6A86", () => {
    const { fs } = tree();
    const fcp = fs.select(fs.initialSelection(), parse("00 A4 09 04 06 3F00 0001 C002"), options).reply.data!;
    const inner = readTlvs(readTlvs(fcp)![0]!.value)!;
    expect(toHex(inner.find((t) => t.tag === 0x80)!.value)).toBe("0258");
    expect(fs.select(fs.initialSelection(), parse("00 A4 05 0C 02 3F00"), options).reply.sw).toBe(SW.WRONG_P1P2);
    expect(fs.select(fs.initialSelection(), parse("00 A4 00 02 02 3F00"), options).reply.sw).toBe(SW.WRONG_P1P2);
  });
});

describe("READ BINARY", () => {
  test("chunks of at most maxChunk, offsets in P1P2, end of file, offset beyond", () => {
    const { fs, cert } = tree();
    const sel: Selection = { df: cert.parent!, ef: cert };
    const first = fs.readBinary(sel, parse("00 B0 00 00 00"), 0xe7).reply;
    expect(first.data!.length).toBe(0xe7);
    expect(first.data![0]).toBe(0);
    const next = fs.readBinary(sel, parse("00 B0 00 E7 E7"), 0xe7).reply;
    expect(next.data![0]).toBe(0xe7);
    const tail = fs.readBinary(sel, parse("00 B0 02 00 E7"), 0xe7).reply;
    expect(tail).toMatchObject({ sw: SW.END_OF_FILE });
    expect(tail.data!.length).toBe(600 - 512);
    expect(fs.readBinary(sel, parse("00 B0 02 58 01"), 0xe7).reply.sw).toBe(SW.WRONG_OFFSET);
    expect(fs.readBinary(sel, parse("00 B0 00 00 02 00 00"), 0xe7).reply.sw).toBe(SW.WRONG_LENGTH);
  });

  test("no current EF: 6986; short EF identifier in P1", () => {
    const { fs, app } = tree();
    expect(fs.readBinary(fs.initialSelection(), parse("00 B0 00 00 10"), 0xe7).reply.sw).toBe(SW.NO_CURRENT_EF);
    const bySfi = fs.readBinary({ df: app }, parse("00 B0 92 00 02"), 0xe7);
    expect(toHex(bySfi.reply.data!)).toBe("3000");
    expect(bySfi.selection?.ef?.fid).toBe(0x5032);
    expect(fs.readBinary({ df: app }, parse("00 B0 93 00 02"), 0xe7).reply.sw).toBe(SW.FILE_NOT_FOUND);
  });

  test("absolutePath", () => {
    const { cert } = tree();
    expect(toHex(absolutePath(cert))).toBe("3F000001C002");
  });
});
