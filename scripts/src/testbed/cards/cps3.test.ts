import {
  AuthenticationType,
  CertificateType,
  DIRRecord,
  decodeConcatenated,
  decodeDer,
  KeyUsageFlag,
  PinType,
  PKCS15Objects,
  PrivateKeyType,
  referenceByte,
  TokenInfo,
} from "@cps-bridge/agent/cards/pkcs15-schema";
import { holderFromCertificate } from "@cps-bridge/protocol/holder";
import * as x509 from "@cps-bridge/protocol/x509";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createCard } from "../profiles";
import { CPS3_ATR, IAS_AID } from "./cps3";
import { fromHex, readTlvs, SW, toHex } from "./iso7816";
import { exchange, send, sha256DigestInfo, verifyWithCertificate } from "./test-kit";
import type { VirtualCard } from "./virtual-card";

const SELECT_IAS = "00 A4 04 0C 0D E828BD080F8025000001FF0010";
const SELECT_CPS2TER = "00 A4 04 0C 08 8025000001FF0002";
const VERIFY_STATUS = "00 20 00 81";
const VERIFY_1234 = "00 20 00 81 04 31323334";
const VERIFY_9999 = "00 20 00 81 04 39393939";
const MSE_AUT = "00 22 41 A4 06 80 01 02 84 01 82";
const MSE_SIG = "00 22 41 A4 06 80 01 02 84 01 81";
const GET_PIN_COUNTER = "00 CB 3F FF 0A 4D 08 70 06 BF 81 01 02 A0 80";
const SERIAL = "2900995266";

/** READ BINARY of a whole file by path, with T=0 handling, in chunks of 231. */
function readFile(card: VirtualCard, path: string): Uint8Array {
  const select = send(
    card,
    `00 A4 09 0C ${(path.replace(/\s/g, "").length / 2).toString(16).padStart(2, "0")} ${path}`,
  );
  expect(select.sw).toBe(SW.OK);
  const parts: number[] = [];
  for (let offset = 0; ; ) {
    const r = exchange(
      card,
      `00 B0 ${(offset >> 8).toString(16).padStart(2, "0")} ${(offset & 0xff).toString(16).padStart(2, "0")} E7`,
    );
    if (r.sw === SW.WRONG_OFFSET) break;
    parts.push(...r.data);
    offset += r.data.length;
    if (r.data.length < 0xe7) break;
  }
  return Uint8Array.from(parts);
}

function pinCounters(card: VirtualCard): { max: number; left: number; unblock: number } {
  expect(send(card, "00 A4 00 0C 02 3F00").sw).toBe(SW.OK);
  const r = exchange(card, GET_PIN_COUNTER);
  expect(r.sw).toBe(SW.OK);
  const byTag = new Map<number, number>();
  const walk = (bytes: Uint8Array) => {
    for (const t of readTlvs(bytes) ?? []) {
      if (t.tag === 0x9a || t.tag === 0x9b || t.tag === 0x9d) byTag.set(t.tag, t.value[0]!);
      else walk(t.value);
    }
  };
  walk(r.data);
  return { max: byTag.get(0x9a)!, left: byTag.get(0x9b)!, unblock: byTag.get(0x9d)! };
}

let card: VirtualCard;
beforeAll(async () => {
  card = await createCard("cps3", { serial: SERIAL });
}, 120_000);
beforeEach(() => {
  card.setTriesLeft!(3);
  card.powerOff();
  card.powerOn();
});

describe("identity and files (cps-card.md §1.3, §2.1–2.2)", () => {
  test("ATR, profile, card info", () => {
    expect(toHex(card.atr!)).toBe(toHex(CPS3_ATR));
    expect(card.profile).toBe("cps3");
    expect(card.info).toMatchObject({
      serial: SERIAL,
      kind: "CPS",
      tokenLabel: `CPS3v3-${SERIAL}`,
      pinReference: 0x81,
    });
    expect(card.info!.holder).toEqual({
      nationalId: "899700123456",
      surname: "TESTCPS",
      givenName: "ALICE",
      profession: "Médecin",
    });
  });

  test("SELECT of the IAS application: P2 0C → 9000, P2 04 → FCP with the AID, P2 00 → 6A86", () => {
    expect(send(card, SELECT_IAS)).toMatchObject({ sw: SW.OK, hex: "" });
    const fcp = exchange(card, "00 A4 04 04 0D E828BD080F8025000001FF0010 00");
    expect(fcp.sw).toBe(SW.OK);
    expect(fcp.hex).toContain(`840D${toHex(IAS_AID)}`);
    expect(send(card, "00 A4 04 00 0D E828BD080F8025000001FF0010").sw).toBe(SW.WRONG_P1P2);
    expect(send(card, "00 A4 04 0C 0D E828BD080F8025000001FF0020").sw).toBe(SW.FILE_NOT_FOUND);
  });

  test("EF.SN.ICC at 3F00/D003: 12 bytes 5A 0A 80 25 00 00 01 + BCD serial (path P1 09 with 3F00)", () => {
    expect(send(card, "00 A4 09 0C 04 3F00 D003").sw).toBe(SW.OK);
    const r = send(card, "00 B0 00 00 0C");
    expect(r).toMatchObject({ sw: SW.OK, hex: `5A0A8025000001${SERIAL}` });
  });

  test("EF.ATR at 3F00/2F01: card capabilities say chaining, no extended length", () => {
    const atr = readFile(card, "3F00 2F01");
    expect(atr[0]).toBe(0x80);
    expect(toHex(atr)).toContain("4703940180");
  });

  test("READ BINARY answers at most 231 bytes; Le 00 on T=0 answers 6CE7 (cps-card.md §2.4)", () => {
    send(card, "00 A4 09 0C 06 3F00 0001 C002");
    expect(send(card, "00 B0 00 00 00").sw).toBe(0x6ce7);
    const r = exchange(card, "00 B0 00 00 00");
    expect(r).toMatchObject({ sw: SW.OK, apdus: 2 });
    expect(r.data.length).toBe(231);
    expect(send(card, "00 B0 7F 00 10").sw).toBe(SW.WRONG_OFFSET);
  });

  test("the PKCS#15 structure leads to the authentication and signature certificates", async () => {
    const [dir] = decodeConcatenated(readFile(card, "3F00 2F00"), DIRRecord);
    expect(toHex(new Uint8Array(dir!.aid))).toBe(toHex(IAS_AID));
    expect(toHex(new Uint8Array(dir!.path))).toBe("3F000001");
    expect(send(card, SELECT_IAS).sw).toBe(SW.OK);

    const odf = decodeConcatenated(readFile(card, "3F00 0001 5031"), PKCS15Objects);
    const pathOf = (kind: keyof PKCS15Objects) =>
      toHex(new Uint8Array(odf.find((o) => o[kind])![kind]!.path!.efidOrPath));
    expect([pathOf("privateKeys"), pathOf("certificates"), pathOf("authObjects")]).toEqual([
      "3F0000014402",
      "3F0000014404",
      "3F0000014401",
    ]);

    const tokenInfo = decodeDer(readFile(card, "3F00 0001 5032"), TokenInfo);
    expect(tokenInfo.label).toBe(`CPS3v3-${SERIAL}`);

    const [pin] = decodeConcatenated(readFile(card, "3F00 0001 4401"), AuthenticationType);
    const pinAttributes = pin!.pin!.typeAttributes;
    expect(referenceByte(pinAttributes.pinReference)).toBe(0x81);
    expect(pinAttributes.pinType).toBe(PinType.asciiNumeric);
    expect([pinAttributes.minLength, pinAttributes.maxLength]).toEqual([4, 8]);
    expect(toHex(new Uint8Array(pinAttributes.path!.efidOrPath))).toBe("3F00");

    const keys = decodeConcatenated(readFile(card, "3F00 0001 4402"), PrivateKeyType).map((k) => k.privateRSAKey!);
    expect(keys.map((k) => [k.commonObjectAttributes.label, referenceByte(k.classAttributes.keyReference)])).toEqual([
      ["CPS_PRIV_SIG", 0x81],
      ["CPS_PRIV_AUT", 0x82],
    ]);
    expect(keys[1]!.classAttributes.usage.flags()).toBe(KeyUsageFlag.sign | KeyUsageFlag.decrypt);
    expect(keys[0]!.classAttributes.usage.flags()).toBe(KeyUsageFlag.nonRepudiation);
    expect(toHex(new Uint8Array(keys[1]!.classAttributes.iD))).toBe("E828BD080F8025000001FF001002");
    expect(toHex(new Uint8Array(keys[1]!.typeAttributes.value.path!.aid!.value))).toBe(toHex(IAS_AID));
    expect(keys[1]!.typeAttributes.modulusLength).toBe(2048);

    const certs = decodeConcatenated(readFile(card, "3F00 0001 4404"), CertificateType).map((c) => c.x509Certificate!);
    const auth = certs.find((c) => c.commonObjectAttributes.label === "Certificat d'Authentification CPS")!;
    expect(toHex(new Uint8Array(auth.classAttributes.iD))).toBe("E828BD080F8025000001FF001002");
    expect(certs.map((c) => c.commonObjectAttributes.label)).toContain("Certificat de Signature CPS");

    // The certificate file is padded: the DER is read up to its own length.
    const file = readFile(card, toHex(new Uint8Array(auth.typeAttributes.value.path!.efidOrPath)));
    const certificate = new x509.X509Certificate(file.slice(0, ((file[2]! << 8) | file[3]!) + 4));
    expect(toHex(new Uint8Array(certificate.rawData))).toBe(toHex(card.info!.certificates.authentication!));
    expect(holderFromCertificate(certificate)).toMatchObject({
      nationalId: "899700123456",
      idType: "RPPS",
      kind: "CPS",
    });
    expect(certificate.issuer).toContain("CN=TEST AC IGC-SANTE FORT PERSONNES");
  });
});

describe("PIN (cps-card.md §2.4)", () => {
  test("VERIFY without data tells the tries left and spends none (case 1 and the 5-byte form)", () => {
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c3);
    expect(send(card, "00 20 00 81 00").sw).toBe(0x63c3);
    expect(card.triesLeft!()).toBe(3);
  });

  test("wrong PINs: 63C2, 63C1, 63C0, then 6983 for every VERIFY, even the right PIN", () => {
    expect(send(card, VERIFY_9999).sw).toBe(0x63c2);
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c2);
    expect(send(card, VERIFY_9999).sw).toBe(0x63c1);
    expect(send(card, VERIFY_9999).sw).toBe(0x63c0);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(send(card, VERIFY_1234).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(send(card, VERIFY_9999).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(pinCounters(card)).toMatchObject({ max: 3, left: 0 });
    // Power cycling does not unblock.
    card.powerOff();
    card.powerOn();
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.AUTH_METHOD_BLOCKED);
  });

  test("the right PIN: 9000, the counter back to 3, VERIFY without data then answers 9000", () => {
    expect(send(card, VERIFY_9999).sw).toBe(0x63c2);
    expect(send(card, VERIFY_1234).sw).toBe(SW.OK);
    expect(card.triesLeft!()).toBe(3);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.OK);
    expect(pinCounters(card)).toEqual({ max: 3, left: 3, unblock: 10 });
  });

  test("VERIFY: another reference 6A88, P1 ≠ 00 6A86", () => {
    expect(send(card, "00 20 00 82").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
    expect(send(card, "00 20 01 81").sw).toBe(SW.WRONG_P1P2);
  });

  test("GET DATA of the PIN counter: 61xx on T=0, tags 9A / 9B / 9D + the CHV access rules; only with the MF selected", () => {
    send(card, "00 A4 00 0C 02 3F00");
    const first = send(card, GET_PIN_COUNTER);
    expect(first.sw >> 8).toBe(0x61);
    const answer = send(card, `00 C0 00 00 ${(first.sw & 0xff).toString(16)}`);
    expect(answer.sw).toBe(SW.OK);
    // 70 { BF 81 01 { A0 { 9A max, 9B left, 9D unblock, A1 { 8C F3 00 00 13 FF 00 } } } } (OpenSC issue #2275)
    expect(answer.hex).toBe("7019BF810115A0139A01039B01039D010AA1088C06F3000013FF00");
    send(card, VERIFY_9999);
    expect(pinCounters(card).left).toBe(2);
    send(card, SELECT_IAS);
    expect(send(card, GET_PIN_COUNTER).sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
    send(card, "00 A4 09 0C 04 3F00 D003"); // an EF under the MF: the current DF is the MF
    expect(send(card, GET_PIN_COUNTER).sw >> 8).toBe(0x61);
    expect(send(card, "00 CB 3F FF 0A 4D 08 70 06 BF 81 05 02 A0 80").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
    expect(send(card, "00 CB 3F FF 03 4D 08 70").sw).toBe(SW.WRONG_DATA);
    expect(send(card, "00 CB 01 02 0A 4D 08 70 06 BF 81 01 02 A0 80").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
  });
});

describe("what OpenSC's IAS-ECC driver needs (docs/testbed.md, Independent clients)", () => {
  /** The inner TLVs of a `62` FCP answer. */
  const fcpTags = (apdu: string) => {
    const r = exchange(card, apdu);
    expect(r.sw).toBe(SW.OK);
    const [outer] = readTlvs(r.data)!;
    expect(outer!.tag).toBe(0x62);
    return new Map(readTlvs(outer!.value)!.map((t) => [t.tag, toHex(t.value)]));
  };

  test("every FCP carries IAS-ECC compact security attributes A1 { 8C, 9C } and the life cycle 8A 05", () => {
    const ef = fcpTags("00 A4 09 04 04 3F00 D003");
    expect(ef.get(0xa1)).toBe("8C077BFFFFFFFFFF009C077BFFFFFFFFFF00"); // read always, the rest never
    expect(ef.get(0x88)).toBe("E0"); // SFI 1C
    expect(ef.get(0x8a)).toBe("05");
    const app = fcpTags("00 A4 04 04 0D E828BD080F8025000001FF0010");
    expect(app.get(0x82)).toBe("38");
    expect(app.get(0x84)).toBe(toHex(IAS_AID));
    expect(app.get(0xa1)).toMatch(/^8C077B/);
  });

  test("EF.ATR has the I/O buffer sizes (E0, 16 bytes) OpenSC requires; EF.SN.ICC reads by SFI 1C from the application", () => {
    const atr = toHex(readFile(card, "3F00 2F01"));
    expect(atr).toContain("E010020201040202010402020100020201007808");
    expect(send(card, SELECT_IAS).sw).toBe(SW.OK);
    expect(exchange(card, "00 B0 9C 00 0C")).toMatchObject({ sw: SW.OK, hex: `5A0A8025000001${SERIAL}` });
  });

  test("TokenInfo lists the IAS-ECC algorithms (RSA PKCS#1 sign = algRef 02)", () => {
    send(card, SELECT_IAS);
    const tokenInfo = decodeDer(readFile(card, "3F00 0001 5032"), TokenInfo);
    const algorithms = [...(tokenInfo.supportedAlgorithms ?? [])].map((a) => toHex(new Uint8Array(a)));
    expect(algorithms).toHaveLength(6);
    // reference 5, CKM_RSA_PKCS, NULL parameters, operations {computeSignature}, algRef 02
    expect(algorithms).toContain("300F020105020101050003020640020102");
  });

  test("GET DATA of the CHV SDO's public part and of the private-key SDOs, from the DF that holds them", () => {
    send(card, "00 A4 00 0C 02 3F00");
    expect(exchange(card, "00 CB 3F FF 0B 4D 09 70 07 BF 81 01 03 7F 41 80")).toMatchObject({
      sw: SW.OK,
      hex: "700DBF8101097F4106800108810104", // max 8, min 4
    });
    const KEY_DOCP = "00 CB 3F FF 0A 4D 08 70 06 BF 90 02 02 A0 80";
    expect(exchange(card, KEY_DOCP).sw).toBe(SW.REFERENCED_DATA_NOT_FOUND); // not from the MF
    send(card, SELECT_IAS);
    // CPS_PRIV_AUT: 256 bytes, PSO sign never, INTERNAL AUTHENTICATE + decipher under SE 2, GET DATA always
    expect(exchange(card, KEY_DOCP)).toMatchObject({
      sw: SW.OK,
      hex: "7018BF900214A01280020100A1098C077BFF1212FFFF009E0100",
    });
    // CPS_PRIV_SIG: PSO sign under SE 2 only, non-repudiation
    expect(exchange(card, "00 CB 3F FF 0A 4D 08 70 06 BF 90 01 02 A0 80").hex).toContain("8C077B12FFFFFFFF009E0101");
    expect(exchange(card, "00 CB 3F FF 0B 4D 09 70 07 BF 90 02 03 7F 48 80").sw).toBe(SW.WRONG_P1P2); // no public data
    expect(exchange(card, "00 CB 3F FF 0A 4D 08 70 06 BF 90 05 02 A0 80").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
  });

  test("SELECT of FID 3F00 with P1 02 (OpenSC's PIN path) selects the MF", () => {
    send(card, SELECT_IAS);
    expect(send(card, "00 A4 02 0C 02 3F00").sw).toBe(SW.OK);
    expect(exchange(card, GET_PIN_COUNTER).sw).toBe(SW.OK); // the CHV SDO answers only with the MF selected
  });
});

describe("authentication signature: MSE SET AT + INTERNAL AUTHENTICATE (cps-card.md §2.4)", () => {
  const challenge = new TextEncoder().encode("login challenge from the portal");

  test("without the PIN: 6982", async () => {
    send(card, SELECT_IAS);
    expect(send(card, MSE_AUT).sw).toBe(SW.OK);
    const digestInfo = await sha256DigestInfo(challenge);
    expect(send(card, `00 88 00 00 33 ${toHex(digestInfo)} 00`).sw).toBe(SW.SECURITY_NOT_SATISFIED);
  });

  test("with the PIN: a real RSA-2048 PKCS#1 v1.5 signature that verifies with the certificate", async () => {
    send(card, SELECT_IAS);
    expect(send(card, VERIFY_1234).sw).toBe(SW.OK);
    expect(send(card, MSE_AUT).sw).toBe(SW.OK);
    const digestInfo = await sha256DigestInfo(challenge);
    const first = send(card, `00 88 00 00 33 ${toHex(digestInfo)} 00`);
    expect(first.sw).toBe(0x6100); // T=0: 256 bytes waiting
    const signature = send(card, "00 C0 00 00 00");
    expect(signature.sw).toBe(SW.OK);
    expect(signature.data.length).toBe(256);
    const certificate = card.info!.certificates.authentication!;
    expect(await verifyWithCertificate(certificate, challenge, signature.data)).toBe(true);
    expect(await verifyWithCertificate(certificate, new TextEncoder().encode("other"), signature.data)).toBe(false);
    // Not with the signature certificate's key.
    expect(await verifyWithCertificate(card.info!.certificates.signature!, challenge, signature.data)).toBe(false);
  });

  test("SHA-512 DigestInfo (83 bytes) fits the 40 % limit; 103 bytes do not; empty input neither", async () => {
    send(card, SELECT_IAS);
    send(card, VERIFY_1234);
    send(card, MSE_AUT);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", challenge));
    const digestInfo = Uint8Array.from([...fromHex("3051300d060960864801650304020305000440"), ...digest]);
    const r = exchange(card, `00 88 00 00 53 ${toHex(digestInfo)} 00`);
    expect(r.sw).toBe(SW.OK);
    expect(await verifyWithCertificate(card.info!.certificates.authentication!, challenge, r.data, "SHA-512")).toBe(
      true,
    );
    expect(send(card, `00 88 00 00 67 ${"AB".repeat(103)} 00`).sw).toBe(SW.WRONG_LENGTH);
    expect(send(card, "00 88 00 00 00").sw).toBe(SW.WRONG_LENGTH);
  });

  test("the signature key 0x81 refuses INTERNAL AUTHENTICATE (6985); an unknown key 6A88; no MSE 6985", async () => {
    send(card, SELECT_IAS);
    send(card, VERIFY_1234);
    const digestInfo = toHex(await sha256DigestInfo(challenge));
    expect(send(card, MSE_SIG).sw).toBe(SW.OK);
    expect(send(card, `00 88 00 00 33 ${digestInfo} 00`).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(send(card, "00 22 41 A4 06 80 01 02 84 01 99").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
    send(card, SELECT_IAS); // selecting the application resets the security environment
    expect(send(card, `00 88 00 00 33 ${digestInfo} 00`).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(send(card, "00 22 41 A4 04 80 01 02 84").sw).toBe(SW.WRONG_DATA);
    expect(send(card, "00 22 42 A4 03 84 01 82").sw).toBe(SW.WRONG_P1P2);
    expect(send(card, "00 88 00 01 01 00 00").sw).toBe(SW.WRONG_P1P2);
  });
});

describe("another application, power cycles", () => {
  test("after the CPS2ter volet was selected, IAS commands answer 6E00 until the IAS application is selected again", () => {
    send(card, VERIFY_1234);
    expect(send(card, SELECT_CPS2TER).sw).toBe(SW.OK);
    expect(send(card, "00 A4 09 0C 04 3F00 D003").sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, "00 B0 00 00 0C").sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, MSE_AUT).sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, "00 C0 00 00 00").sw).toBe(SW.CLA_NOT_SUPPORTED);
    // The volet's own class A0 is understood meanwhile.
    expect(send(card, "A0 A4 00 00 02 3F00").sw).toBe(SW.OK);
    expect(send(card, "A0 A4 00 00 02 2F00").sw).toBe(0x9404);
    expect(send(card, SELECT_IAS).sw).toBe(SW.OK);
    expect(send(card, "00 A4 09 0C 04 3F00 D003").sw).toBe(SW.OK);
    expect(send(card, VERIFY_STATUS).sw).toBe(SW.OK); // the PIN stayed verified
    expect(send(card, "A0 A4 00 00 02 3F00").sw).toBe(SW.CLA_NOT_SUPPORTED);
  });

  test("power off and reset drop the verified state, the selection and the security environment", () => {
    send(card, SELECT_IAS);
    send(card, VERIFY_1234);
    send(card, MSE_AUT);
    send(card, "00 A4 09 0C 04 3F00 D003");
    card.reset();
    expect(send(card, "00 B0 00 00 0C").sw).toBe(SW.NO_CURRENT_EF);
    expect(send(card, VERIFY_STATUS).sw).toBe(0x63c3);
    send(card, SELECT_IAS);
    send(card, VERIFY_1234);
    expect(send(card, "00 88 00 00 02 0102 00").sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    send(card, SELECT_CPS2TER);
    card.powerOff();
    card.powerOn();
    expect(send(card, "00 A4 09 0C 04 3F00 D003").sw).toBe(SW.OK); // back in the IAS interpreter
  });
});

describe("malformed and unexpected APDUs get a status word, never an exception", () => {
  test.each([
    ["fewer than 4 bytes", "00 A4", SW.WRONG_LENGTH],
    ["Lc beyond the data", "00 A4 04 0C 0D E8 28 BD", SW.WRONG_LENGTH],
    ["extended length", "00 B0 00 00 00 00 E7", SW.WRONG_LENGTH],
    ["unknown instruction", "00 12 00 00", SW.INS_NOT_SUPPORTED],
    ["proprietary class", "80 CA 00 00 00", SW.CLA_NOT_SUPPORTED],
    ["class FF", "FF A4 00 00", SW.CLA_NOT_SUPPORTED],
    ["logical channel 1 (not on CPS3)", "01 A4 04 0C 0D E828BD080F8025000001FF0010", SW.CHANNEL_NOT_SUPPORTED],
    ["secure messaging", "0C B0 00 00 10", SW.SM_NOT_SUPPORTED],
    ["command chaining", "10 88 00 00 01 00", SW.CHAINING_NOT_SUPPORTED],
    ["PSO not modelled", "00 2A 9E 9A 00", SW.FUNCTION_NOT_SUPPORTED],
    ["GET RESPONSE with nothing pending", "00 C0 00 00 10", SW.REFERENCED_DATA_NOT_FOUND],
    ["SELECT with P2 02", "00 A4 00 02 02 3F00", SW.WRONG_P1P2],
    ["READ BINARY without current EF", "00 B0 00 00 10", SW.NO_CURRENT_EF],
  ])("%s", (_name, apdu, sw) => {
    expect(send(card, apdu).sw).toBe(sw);
  });

  test("300 bytes of junk and 5000 random APDUs", () => {
    const junk = new Uint8Array(300).map((_, i) => (i * 131 + 7) & 0xff);
    junk[0] = 0;
    expect(send(card, junk).sw).toBe(SW.WRONG_LENGTH);
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >> 8;
    };
    for (let i = 0; i < 5000; i++) {
      const length = next() % 270;
      const apdu = new Uint8Array(length).map(() => next() & 0xff);
      if (length > 0 && next() % 2) apdu[0] = 0x00; // mostly interindustry class, to reach the handlers
      const answer = card.transmit(apdu);
      expect(answer.length).toBeGreaterThanOrEqual(2);
      const sw1 = answer[answer.length - 2]!;
      expect([0x90, 0x61, 0x62, 0x63, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x94]).toContain(sw1);
    }
  });
});
