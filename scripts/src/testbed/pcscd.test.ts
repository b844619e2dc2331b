// Unit tests of what pcscd.ts and card-host.ts decide without a pcscd: the reader layout from the committed
// reader.conf.d, process identity checks, option validation. The real pcscd is covered by the *.itest.ts files.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CardHost, validateCardOptions } from "./card-host";
import {
  DEBIAN_VPCD_READERS,
  isOurPcscd,
  parseReaderConf,
  processAlive,
  READER_CONF_TEMPLATE,
  TestbedError,
  testbedReaderSlots,
} from "./pcscd";

describe("reader configuration", () => {
  it("gives four readers, two vpcd entries with two slots each, on ports that avoid Debian's 35963/35964", () => {
    expect(testbedReaderSlots()).toEqual([
      { index: 0, name: "CPS Test Reader 00 00", port: 35984 },
      { index: 1, name: "CPS Test Reader 00 01", port: 35985 },
      { index: 2, name: "CPS Test Reader 2 00 00", port: 35986 },
      { index: 3, name: "CPS Test Reader 2 00 01", port: 35987 },
    ]);
    const debianPorts = DEBIAN_VPCD_READERS.map((r) => r.port);
    expect(debianPorts).toEqual([35963, 35964]);
    for (const r of testbedReaderSlots()) expect(debianPorts).not.toContain(r.port);
  });

  it("loads the second entry from a driver copy (vpcd 0.8 keeps its slots in one static array per library)", () => {
    const entries = parseReaderConf(readFileSync(READER_CONF_TEMPLATE, "utf8"));
    expect(entries.map((e) => e.libPath)).toEqual(["/usr/lib/pcsc/drivers/serial/libifdvpcd.so", "@VPCD_DRIVER_COPY@"]);
    expect(new Set(entries.map((e) => e.friendlyName)).size).toBe(entries.length);
  });

  it("parses pcscd's reader.conf syntax with comments and quoted names", () => {
    const conf =
      '# c\nFRIENDLYNAME "A B"\nDEVICENAME /dev/null:0x10\nLIBPATH /x.so\nCHANNELID 0x10\n\n# x\nFRIENDLYNAME "C"\nLIBPATH /y.so\nCHANNELID 20\n';
    expect(parseReaderConf(conf)).toEqual([
      { friendlyName: "A B", channelId: 16, libPath: "/x.so" },
      { friendlyName: "C", channelId: 20, libPath: "/y.so" },
    ]);
  });
});

describe("process identity", () => {
  it("never takes this process (or a dead pid) for our pcscd", () => {
    expect(isOurPcscd(process.pid, "/tmp/x/reader.conf.d")).toBe(false);
    expect(isOurPcscd(2 ** 22 + 7, "/tmp/x/reader.conf.d")).toBe(false);
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 7)).toBe(false);
  });
});

describe("card host without pcscd", () => {
  const host = new CardHost(testbedReaderSlots(), {
    createCard: async () => {
      throw new Error("not called");
    },
  });

  it("resolves a reader by index, decimal string or exact name, and names the readers otherwise", () => {
    expect(host.resolveReader(2).name).toBe("CPS Test Reader 2 00 00");
    expect(host.resolveReader("1").index).toBe(1);
    expect(host.resolveReader("CPS Test Reader 2 00 01").index).toBe(3);
    for (const bad of [4, -1, "cps test reader 00 00", "CPS Test Reader", "1.0", ""]) {
      expect(() => host.resolveReader(bad)).toThrow(TestbedError);
    }
    try {
      host.resolveReader(9);
    } catch (e) {
      expect((e as TestbedError).code).toBe("ERR_TESTBED_UNKNOWN_READER");
      expect((e as TestbedError).message).toContain('0 "CPS Test Reader 00 00"');
    }
  });

  it("rejects an unknown profile before making any card", async () => {
    await expect(host.insert(0, "cps5" as never)).rejects.toMatchObject({ code: "ERR_TESTBED_UNKNOWN_PROFILE" });
  });

  it("validates the shape of card options", () => {
    expect(() =>
      validateCardOptions({ holder: { surname: "DUPONT", nationalId: "810001234567" }, pin: "1234" }),
    ).not.toThrow();
    for (const o of [
      { holder: { surname: "" } },
      { holder: { surname: "x".repeat(65) } },
      { holder: { givenName: "a\nb" } },
      { pin: "12a4" },
      { puk: 12345678 as unknown as string },
      { triesLeft: 1.5 },
      { notAfter: new Date("nope") },
    ]) {
      expect(() => validateCardOptions(o)).toThrow(expect.objectContaining({ code: "ERR_TESTBED_BAD_OPTION" }));
    }
  });
});
