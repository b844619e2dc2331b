import { CertificateType, decodeConcatenated, PKCS15Objects } from "@cps-bridge/agent/cards/pkcs15-schema";
import { holderFromCertificate } from "@cps-bridge/protocol/holder";
import * as x509 from "@cps-bridge/protocol/x509";
import { describe, expect, test } from "vitest";
import { SW, toHex } from "./cards/iso7816";
import { exchange, send } from "./cards/test-kit";
import { PROFILES, type VirtualCard } from "./cards/virtual-card";
import { CardOptionsError, createCard, DEFAULT_HOLDERS, PROFILE_DESCRIPTIONS } from "./profiles";

const ATRS: Record<string, string | null> = {
  cps3: "3BAC00402A001225006480000310009000",
  "cps3-blocked": "3BAC00402A001225006480000310009000",
  "cps3-last-try": "3BAC00402A001225006480000310009000",
  "cps3-expired": "3BAC00402A001225006480000310009000",
  "cps3-not-yet-valid": "3BAC00402A001225006480000310009000",
  cpe: "3BAC00402A001225006480000310009000",
  "cps3-contactless": "3B8F800100 31B86404B0ECC17394018082 90000E".replace(/\s/g, ""),
  cps4: "3B9B1880010012250064800401000090 44".replace(/\s/g, ""),
  "cps4-t0": "3BDC18FF00001225006480000401009000",
  cps2ter: "3BAC00402A001225006480820212009000",
  vitale2: "3B751300004709EA9000",
  vitale1: "3F6525002C09699000",
  cnie: "3BDB96FF80B1FE451F870031C164093772130F9000F4",
  bank: "3B6500002063CB6A00",
  mute: null,
  unknown: "3B6C0000554E4B4E4F574E2D43415244",
};

function read(card: VirtualCard, path: string): Uint8Array {
  expect(send(card, `00 A4 09 0C ${(path.length / 2).toString(16).padStart(2, "0")} ${path}`).sw).toBe(SW.OK);
  const parts: number[] = [];
  for (let offset = 0; ; offset += 0xe7) {
    const r = exchange(
      card,
      `00 B0 ${(offset >> 8).toString(16).padStart(2, "0")} ${(offset & 0xff).toString(16).padStart(2, "0")} E7`,
    );
    if (r.sw !== SW.OK && r.sw !== SW.END_OF_FILE) break;
    parts.push(...r.data);
    if (r.data.length < 0xe7) break;
  }
  return Uint8Array.from(parts);
}

function certificateOf(card: VirtualCard): x509.X509Certificate {
  return new x509.X509Certificate(Uint8Array.from(card.info!.certificates.authentication!));
}

describe("every profile", () => {
  test("has a description and makes a card with its exact ATR", async () => {
    expect(Object.keys(PROFILE_DESCRIPTIONS).sort()).toEqual([...PROFILES].sort());
    for (const profile of PROFILES) {
      const started = performance.now();
      const card = await createCard(profile);
      const ms = performance.now() - started;
      expect(card.profile).toBe(profile);
      expect(card.atr === null ? null : toHex(card.atr)).toBe(ATRS[profile]);
      console.log(`createCard(${profile}): ${ms.toFixed(0)} ms`);
    }
  }, 120_000);

  test("unknown profile: a clear error", async () => {
    await expect(createCard("cps5" as never)).rejects.toThrow(/unknown profile "cps5"; profiles: cps3, /);
  });
});

describe("PIN profiles", () => {
  test("cps3-blocked: 0 tries, every VERIFY 6983", async () => {
    const card = await createCard("cps3-blocked");
    expect(card.triesLeft!()).toBe(0);
    expect(send(card, "00 20 00 81").sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(send(card, "00 20 00 81 04 31323334").sw).toBe(SW.AUTH_METHOD_BLOCKED);
  });

  test("cps3-last-try: 63C1, a wrong PIN blocks it", async () => {
    const card = await createCard("cps3-last-try");
    expect(send(card, "00 20 00 81").sw).toBe(0x63c1);
    expect(send(card, "00 20 00 81 04 39393939").sw).toBe(0x63c0);
    expect(send(card, "00 20 00 81").sw).toBe(SW.AUTH_METHOD_BLOCKED);
  });

  test("options set the PIN and the tries; setTriesLeft changes them later", async () => {
    const card = await createCard("cps3", { pin: "87654321", triesLeft: 2 });
    expect(send(card, "00 20 00 81").sw).toBe(0x63c2);
    expect(send(card, "00 20 00 81 04 31323334").sw).toBe(0x63c1);
    expect(send(card, "00 20 00 81 08 3837363534333231").sw).toBe(SW.OK);
    card.setTriesLeft!(1);
    expect(send(card, "00 20 00 81").sw).toBe(0x63c1);
    expect(() => card.setTriesLeft!(16)).toThrow(RangeError);
  });
});

describe("certificate profiles", () => {
  test("cps3-expired: valid until 30 days ago; cps3-not-yet-valid: valid from in 30 days", async () => {
    const now = Date.now();
    const expired = certificateOf(await createCard("cps3-expired"));
    expect(expired.notAfter.getTime()).toBeLessThan(now - 29 * 86_400_000);
    expect(expired.notBefore.getTime()).toBeLessThan(expired.notAfter.getTime());
    const future = certificateOf(await createCard("cps3-not-yet-valid"));
    expect(future.notBefore.getTime()).toBeGreaterThan(now + 29 * 86_400_000);
  });

  test("explicit validity dates and holder", async () => {
    const card = await createCard("cps3", {
      holder: { nationalId: "0991234567", surname: "TESTADELI", givenName: "DAVID", profession: "Infirmier" },
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2028-01-01T00:00:00Z"),
    });
    const certificate = certificateOf(card);
    expect(certificate.notAfter.toISOString()).toBe("2028-01-01T00:00:00.000Z");
    expect(holderFromCertificate(certificate)).toMatchObject({
      nationalId: "0991234567",
      idType: "ADELI",
      surname: "TESTADELI",
      givenName: "DAVID",
      profession: "Infirmier",
    });
  });

  test("cpe: a CPS3-structured card whose CN is <structure id>/<local id>, kind CPE", async () => {
    const card = await createCard("cpe");
    expect(card.info!.kind).toBe("CPE");
    const holder = holderFromCertificate(certificateOf(card));
    expect(holder).toMatchObject({ nationalId: DEFAULT_HOLDERS.cpe.nationalId, idType: "structure", kind: "CPE" });
    expect(send(card, "00 A4 04 0C 0D E828BD080F8025000001FF0010").sw).toBe(SW.OK);
  });

  test("holder private keys never reach the test PKI state: it holds the two CA keys only and does not change", async () => {
    const { readFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { testbedStateDir } = await import("./pki");
    const stateFile = join(testbedStateDir(), "test-pki.json");
    const before = await readFile(stateFile, "utf8");
    const card = await createCard("cps3");
    expect(await readFile(stateFile, "utf8")).toBe(before);
    const state = JSON.parse(before) as Record<string, unknown>;
    expect(Object.keys(state).sort()).toEqual(["createdAt", "format", "intermediate", "root"]);
    expect(JSON.stringify(card.info)).not.toMatch(/PRIVATE/);
  });
});

describe("corrupted content (CardOptions.corrupt)", () => {
  test("certificate-der: the authentication certificate file does not parse, every byte is readable", async () => {
    const card = await createCard("cps3", { corrupt: "certificate-der" });
    const file = read(card, "3F000001C002");
    const length = ((file[2]! << 8) | file[3]!) + 4;
    expect(file.length).toBeGreaterThanOrEqual(length);
    expect(() => new x509.X509Certificate(file.slice(0, length))).toThrow();
    // The signature certificate is intact.
    const signature = read(card, "3F000001C001");
    const signatureLength = ((signature[2]! << 8) | signature[3]!) + 4;
    expect(new x509.X509Certificate(signature.slice(0, signatureLength)).subject).toContain("TESTCPS");
  });

  test("pkcs15-tlv: the ODF and CDF hold a TLV whose length overruns the file", async () => {
    const card = await createCard("cps3", { corrupt: "pkcs15-tlv" });
    expect(() => decodeConcatenated(read(card, "3F0000015031"), PKCS15Objects)).toThrow();
    expect(() => decodeConcatenated(read(card, "3F0000014404"), CertificateType)).toThrow();
  });

  test("serial-length: EF.SN.ICC is 11 bytes", async () => {
    const card = await createCard("cps3", { corrupt: "serial-length" });
    send(card, "00 A4 09 0C 04 3F00D003");
    const r = exchange(card, "00 B0 00 00 0C");
    expect(r.data.length).toBe(11);
    expect(r.hex.startsWith("5A098025000001")).toBe(true);
  });
});

describe("bad options get a clear error", () => {
  test.each([
    [{ pin: "12a4" }, /PIN must be 4 to 8 digits/],
    [{ pin: "123" }, /PIN must be 4 to 8 digits/],
    [{ puk: "1234" }, /PUK must be 8 digits/],
    [{ triesLeft: 16 }, /tries left/],
    [{ triesLeft: -1 }, /tries left/],
    [{ serial: "12345" }, /serial must be 10 digits/],
    [{ holder: { surname: "" } }, /holder surname/],
    [{ notBefore: new Date("x") }, /notBefore must be a valid date/],
    [{ notBefore: new Date("2030-01-01"), notAfter: new Date("2029-01-01") }, /notAfter must be after notBefore/],
    [{ corrupt: "everything" as never }, /corrupt must be one of/],
  ])("%o", async (options, message) => {
    await expect(createCard("cps3", options)).rejects.toThrow(CardOptionsError);
    await expect(createCard("cps3", options)).rejects.toThrow(message);
  });
});
