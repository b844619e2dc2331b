/**
 * CPS3 and CPS4 drivers against the test bench's virtual card models, in process (fake binding, no pcscd), plus
 * APDU-level interceptions for the recovery paths and garbled answers.
 */
import { createHash, verify as rsaVerify } from "node:crypto";
import type { ProfileName } from "@cps-bridge/scripts/testbed/cards/virtual-card";
import { DEFAULT_HOLDERS } from "@cps-bridge/scripts/testbed/profiles";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../log";
import { fromHex, hex } from "../pcsc/apdu";
import type { CardBehaviour } from "../pcsc/fake-binding";
import { ReaderSession } from "../pcsc/reader-session";
import { PcscSupervisor } from "../pcsc/supervisor";
import type { DriverFamily } from "./atr-table";
import { pinCounters } from "./cps3-driver";
import { createDriver } from "./identify";
import { IdentityCache } from "./identity-cache";
import { FakeBinding, inProcessCard } from "./in-process-cards";

const ascii = (s: string) => new TextEncoder().encode(s);
const sha256 = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());
const supervisors: PcscSupervisor[] = [];
afterEach(() => {
  for (const s of supervisors.splice(0)) s.stop();
});

async function setup(
  profile: ProfileName,
  family: DriverFamily,
  options: Parameters<typeof inProcessCard>[1] = {},
  wrap?: (inner: CardBehaviour) => CardBehaviour,
  cache = new IdentityCache(),
) {
  const binding = new FakeBinding();
  binding.addReader("R");
  const c = await inProcessCard(profile, options, wrap);
  binding.insert("R", c.spec);
  const sup = new PcscSupervisor(binding, { logger: silentLogger() });
  supervisors.push(sup);
  await sup.start();
  const session = new ReaderSession("R", sup, { logger: silentLogger() });
  session.cardInserted(c.card.atr);
  const driver = createDriver(family, { session, cache, logger: silentLogger() });
  const count = () => binding.transmitted.length;
  /** The same card taken out and put back: a new session and driver, same cache. */
  const reinsert = () => {
    binding.remove("R");
    binding.insert("R", c.spec);
    c.card.powerOn();
    session.cardRemoved();
    session.cardInserted(c.card.atr);
    return createDriver(family, { session, cache, logger: silentLogger() });
  };
  return { binding, c, session, cache, driver, count, reinsert };
}

describe.each([
  ["cps3", "cps3", DEFAULT_HOLDERS.cps3],
  ["cps4", "cps4", DEFAULT_HOLDERS.cps4],
  ["cps4-t0", "cps4", DEFAULT_HOLDERS.cps4],
] as const)("%s driver", (profile, family, holder) => {
  it("reads serial, holder and certificate through PKCS#15; a reinserted card costs only the serial read", async () => {
    const t = await setup(profile, family, { serial: "1234567890" });
    const id = await t.driver.readIdentity();
    expect(id.serial).toBe("1234567890");
    expect(id.holder).toMatchObject({
      nationalId: holder.nationalId,
      idType: "RPPS",
      surname: holder.surname,
      givenName: holder.givenName,
      profession: holder.profession,
      kind: "CPS",
    });
    expect(id.pin).toMatchObject({ reference: 0x81, minLength: 4, maxLength: 8 });
    expect(id.authKeyReference).toBe(family === "cps3" ? 0x82 : 0x20);
    expect(id.modulusBytes).toBe(256);
    const cold = t.count();
    expect(cold).toBeGreaterThan(8);

    const again = t.reinsert();
    const before = t.count();
    const warm = await again.readIdentity();
    expect(warm.holder).toEqual(id.holder);
    // SELECT application, SELECT EF.SN.ICC, READ BINARY: no PKCS#15, no certificate
    expect(t.count() - before).toBe(3);
    const headers = t.binding.transmitted.slice(before).map((x) => hex(x.command.subarray(0, 2)));
    expect(headers.every((h) => h.endsWith("A4") || h.endsWith("B0"))).toBe(true);
  });

  it("reads the PIN status without spending a try", async () => {
    const t = await setup(profile, family);
    expect(await t.driver.pinStatus()).toEqual({ triesLeft: 3, maxTries: 3, blocked: false, verified: false });
    expect(await t.driver.pinStatus()).toMatchObject({ triesLeft: 3 });
    expect(t.c.card.triesLeft?.()).toBe(3);
  });

  it("wrong PIN → ERR_PIN_INCORRECT with tries left; right PIN → verified; buffers wiped", async () => {
    const t = await setup(profile, family, { pin: "4821" });
    const wrong = ascii("1111");
    await expect(t.driver.verifyPin(wrong)).rejects.toMatchObject({
      code: "ERR_PIN_INCORRECT",
      details: { triesLeft: 2 },
    });
    expect([...wrong]).toEqual([0, 0, 0, 0]);
    const right = ascii("4821");
    expect(await t.driver.verifyPin(right)).toEqual({ triesLeft: 3, maxTries: 3, blocked: false, verified: true });
    expect([...right]).toEqual([0, 0, 0, 0]);
    // every buffer that went to the binding with the PIN in it is zero now
    // (`transmitted` keeps copies taken when sent; `handedBuffers` the buffers themselves, same order)
    const verifyIdx = t.binding.transmitted.flatMap((x, i) =>
      x.command[1] === 0x20 && x.command.length > 5 ? [i] : [],
    );
    expect(verifyIdx.length).toBe(2);
    for (const i of verifyIdx) expect(t.binding.handedBuffers[i]!.every((x) => x === 0)).toBe(true);
    expect((await t.driver.pinStatus()).verified).toBe(true);
  });

  it("refuses the PIN format before any APDU", async () => {
    const t = await setup(profile, family);
    await t.driver.readIdentity();
    const before = t.count();
    for (const bad of ["123", "123456789", "12a4", ""]) {
      const pin = ascii(bad);
      await expect(t.driver.verifyPin(pin)).rejects.toMatchObject({ code: "ERR_PIN_FORMAT" });
      expect(pin.every((b) => b === 0)).toBe(true);
    }
    expect(t.count()).toBe(before);
  });

  it("signs with the authentication key after the PIN, and the signature verifies with the certificate", async () => {
    const t = await setup(profile, family);
    const digest = sha256("challenge");
    await expect(t.driver.signAuth(digest, "RS256")).rejects.toMatchObject({ code: "ERR_PIN_REQUIRED" });
    await t.driver.verifyPin(ascii("1234"));
    const sig = await t.driver.signAuth(digest, "RS256");
    expect(sig.length).toBe(256);
    const cert = t.driver.identity!.certificate;
    const spki = Buffer.from(cert.publicKey.rawData);
    expect(rsaVerify("sha256", Buffer.from("challenge"), { key: spki, format: "der", type: "spki" }, sig)).toBe(true);
    await expect(t.driver.signAuth(digest.subarray(0, 20), "RS256")).rejects.toMatchObject({
      code: "ERR_INVALID_PARAMS",
    });
  });
});

describe("PIN tries", () => {
  it("refuses to send the PIN on the last try unless confirmed", async () => {
    const t = await setup("cps3-last-try", "cps3");
    const pin = ascii("1234");
    await expect(t.driver.verifyPin(pin)).rejects.toMatchObject({ code: "ERR_PIN_LAST_TRY" });
    expect(pin.every((b) => b === 0)).toBe(true);
    expect(t.binding.transmitted.some((x) => x.command[1] === 0x20 && x.command.length > 5)).toBe(false);
    expect(t.c.card.triesLeft?.()).toBe(1);
    expect(await t.driver.verifyPin(ascii("1234"), { confirmLastTry: true })).toMatchObject({ verified: true });
  });

  it("blocked card: ERR_PIN_BLOCKED from the counter, no PIN sent; status says blocked", async () => {
    const t = await setup("cps3-blocked", "cps3");
    expect(await t.driver.pinStatus()).toEqual({ triesLeft: 0, maxTries: 3, blocked: true, verified: false });
    await expect(t.driver.verifyPin(ascii("1234"), { confirmLastTry: true })).rejects.toMatchObject({
      code: "ERR_PIN_BLOCKED",
    });
    expect(t.binding.transmitted.some((x) => x.command[1] === 0x20 && x.command.length > 5)).toBe(false);
  });

  it("the third wrong PIN blocks (63C0 → ERR_PIN_BLOCKED)", async () => {
    const t = await setup("cps4", "cps4", { triesLeft: 1 });
    await expect(t.driver.verifyPin(ascii("0000"), { confirmLastTry: true })).rejects.toMatchObject({
      code: "ERR_PIN_BLOCKED",
    });
    expect(await t.driver.pinStatus()).toMatchObject({ blocked: true, triesLeft: 0 });
  });

  it("CPS3 falls back to VERIFY without data when GET DATA is refused", async () => {
    const t = await setup("cps3", "cps3", {}, (inner) => (cmd) => (cmd[1] === 0xcb ? fromHex("6A88") : inner(cmd)));
    expect(await t.driver.pinStatus()).toEqual({ triesLeft: 3, maxTries: 3, blocked: false, verified: false });
    expect(t.binding.transmitted.some((x) => hex(x.command) === "00200081")).toBe(true);
  });

  it("reads 9A / 9B / 9D wherever they are nested", () => {
    expect(pinCounters(fromHex("70 0C BF 81 01 08 A0 06 9A 01 03 9B 01 02"))).toEqual({ max: 3, left: 2 });
    expect(pinCounters(fromHex("9B 01 01 9D 01 00"))).toEqual({ left: 1, usageLeft: 0 });
    expect(pinCounters(fromHex("9A 01 03"))).toBeUndefined();
    expect(pinCounters(fromHex("70 FF 01"))).toBeUndefined();
  });
});

describe("recovery", () => {
  it("CPS3: 6E00 (another application selected meanwhile) → IAS re-selected, command retried once", async () => {
    let injected = false;
    const t = await setup("cps3", "cps3", {}, (inner) => (cmd) => {
      if (cmd[1] === 0x22 && !injected) {
        injected = true;
        inner(fromHex("00 A4 04 0C 08 80 25 00 00 01 FF 00 02")); // other middleware selects the CPS2ter volet
      }
      return inner(cmd);
    });
    await t.driver.verifyPin(ascii("1234"));
    const sig = await t.driver.signAuth(sha256("x"), "RS256");
    expect(sig.length).toBe(256);
    expect(injected).toBe(true);
    const mse = t.binding.transmitted.filter((x) => x.command[1] === 0x22);
    expect(mse.length).toBe(2);
  });

  it("CPS4: 6985 → IDS, CPS2ter, ChipDoc re-selected, signature retried once; chaining CLA 11 then 01", async () => {
    const t = await setup("cps4", "cps4");
    await t.driver.verifyPin(ascii("1234"));
    (t.c.card as unknown as { simulateChannelDesync(): void }).simulateChannelDesync();
    const before = t.count();
    const sig = await t.driver.signAuth(sha256("y"), "RS256");
    expect(sig.length).toBe(256);
    const sent = t.binding.transmitted.slice(before).map((x) => hex(x.command));
    expect(sent).toContain("01A4040C07A0000001510000");
    expect(sent).toContain("00A4040C088025000001FF0002");
    const chained = sent.filter((h) => h.startsWith("112A8086FF"));
    const last = sent.filter((h) => h.startsWith("012A80860"));
    expect(chained.length).toBe(1);
    expect(last.length).toBe(1);
    // MSE SET refused with 6985, then sent again after the recovery
    expect(sent.filter((h) => h === "012241B803830120").length).toBe(2);
  });

  it("garbled answers give typed errors and the next operation works", async () => {
    let garble = 0;
    const t = await setup("cps3", "cps3", {}, (inner) => async (cmd) => {
      const r = await inner(cmd);
      return garble-- > 0 ? r.subarray(0, 1) : r;
    });
    garble = 1;
    await expect(t.driver.readIdentity()).rejects.toMatchObject({ code: "ERR_CARD_COMMUNICATION" });
    expect((await t.driver.readIdentity()).serial).toMatch(/^\d{10}$/);
  });

  it.each([
    ["certificate-der", "certificate-der"],
    ["pkcs15-tlv", "pkcs15-"],
    ["serial-length", "serial"],
  ] as const)("corrupt %s → ERR_CARD_DATA_INVALID", async (corrupt, reason) => {
    const t = await setup("cps3", "cps3", { corrupt });
    const err = await t.driver.readIdentity().catch((e) => e);
    expect(err).toMatchObject({ code: "ERR_CARD_DATA_INVALID" });
    expect(String(err.details.reason)).toContain(reason);
  });

  it("CPS3 contactless: holder from the technical certificate, no PIN, no signature", async () => {
    const t = await setup("cps3-contactless", "cps3-contactless");
    const id = await t.driver.readIdentity();
    expect(id.pin).toBeUndefined();
    expect(id.holder.surname).toBe(DEFAULT_HOLDERS.cps3.surname);
    await expect(t.driver.pinStatus()).rejects.toMatchObject({ code: "ERR_UNSUPPORTED_CARD" });
    await expect(t.driver.signAuth(sha256("z"), "RS256")).rejects.toMatchObject({ code: "ERR_UNSUPPORTED_CARD" });
  });

  it("CPE: structure holder", async () => {
    const t = await setup("cpe", "cps3");
    const id = await t.driver.readIdentity();
    expect(id.holder).toMatchObject({ nationalId: DEFAULT_HOLDERS.cpe.nationalId, idType: "structure", kind: "CPE" });
  });
});
