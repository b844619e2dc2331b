import * as asn1js from "asn1js";
import { describe, expect, test } from "vitest";
import {
  AccessControlRule,
  AccessModeFlag,
  AuthenticationType,
  CertificateType,
  CommonObjectAttributes,
  CommonObjectFlag,
  CommonObjectFlags,
  DDO,
  DIRRecord,
  decodeConcatenated,
  decodeDer,
  encodeConcatenated,
  encodeDer,
  KeyUsageFlag,
  KeyUsageFlags,
  ObjectValue,
  Path,
  PathOrObjects,
  PinAttributes,
  PinFlag,
  PinFlags,
  PinObject,
  PinType,
  PKCS15Objects,
  PrivateKeyType,
  PrivateRSAKeyObject,
  referenceByte,
  SecurityCondition,
  TokenFlag,
  TokenFlags,
  TokenInfo,
  X509CertificateObject,
} from "./pkcs15-schema";

const hex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ""), "hex"));
const buf = (h: string) => bytes(h).buffer as ArrayBuffer;

describe("named bit strings", () => {
  test("DER minimal encoding and flag round trip", () => {
    expect(hex(encodeDer(new KeyUsageFlags(0)))).toBe("030100");
    // sign|decrypt = bits 1,2 → 0110 0000, 5 unused bits
    expect(hex(encodeDer(new KeyUsageFlags(KeyUsageFlag.sign | KeyUsageFlag.decrypt)))).toBe("03020560");
    // nonRepudiation = bit 9 → second octet 0x40, 6 unused bits
    expect(hex(encodeDer(new KeyUsageFlags(KeyUsageFlag.nonRepudiation)))).toBe("0303060040");
    const back = decodeDer(bytes("0303060040"), KeyUsageFlags);
    expect(back.flags()).toBe(KeyUsageFlag.nonRepudiation);
    expect(new PinFlags(PinFlag.local | PinFlag.initialized).has(PinFlag.initialized)).toBe(true);
  });
});

describe("exact encodings of the standard's tagging", () => {
  test("ODF element: explicit [8] around a Path SEQUENCE", () => {
    const odf = new PKCS15Objects();
    odf.authObjects = new PathOrObjects({ path: new Path({ path: bytes("3f0000014401") }) });
    expect(hex(encodeDer(odf))).toBe("a80a3008" + "04063f0000014401");
  });

  test("ODF decodes every alternative it holds, then stops at padding", () => {
    const entry = (kind: "privateKeys" | "certificates" | "authObjects", fid: string) =>
      Object.assign(new PKCS15Objects(), { [kind]: new PathOrObjects({ path: new Path({ path: bytes(fid) }) }) });
    const der = encodeConcatenated([
      entry("privateKeys", "5001"),
      entry("certificates", "5002"),
      entry("authObjects", "5003"),
    ]);
    const file = new Uint8Array(der.length + 8).fill(0xff);
    file.set(der);
    const odf = decodeConcatenated(file, PKCS15Objects);
    expect(odf.map((o) => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined))).toEqual([
      ["privateKeys"],
      ["certificates"],
      ["authObjects"],
    ]);
    expect(hex(odf[2]!.authObjects!.path!.efidOrPath)).toBe("5003");
  });

  test("Path with an AID only, as the CPS3 PrKDF references its keys (`e828bd080f8025000001ff0010::`)", () => {
    const path = new Path({ path: new Uint8Array(), aid: bytes("e828bd080f8025000001ff0010") });
    expect(hex(encodeDer(path))).toBe("3011" + "0400" + "4f0de828bd080f8025000001ff0010");
    const back = decodeDer(encodeDer(path), Path);
    expect(back.efidOrPath.byteLength).toBe(0);
    expect(hex(back.aid!.value)).toBe("e828bd080f8025000001ff0010");
    const withIndex = decodeDer(bytes("300d" + "04023f00" + "020100" + "800200ff" + "4f00"), Path);
    expect([withIndex.index, withIndex.length, withIndex.aid?.value.byteLength]).toEqual([0, 255, 0]);
  });

  test("ObjectValue direct [0] is explicit", () => {
    const value = new ObjectValue({ direct: buf("0403010203") });
    expect(hex(encodeDer(value))).toBe("a0050403010203");
    expect(hex(decodeDer(bytes("a0050403010203"), ObjectValue).direct!)).toBe("0403010203");
  });

  test("PIN object: [1] explicit type attributes, [0] implicit pinReference", () => {
    const pin = new PinObject();
    pin.commonObjectAttributes.label = "PIN";
    pin.commonObjectAttributes.flags = new CommonObjectFlags(CommonObjectFlag.private);
    pin.classAttributes.authId = buf("01");
    pin.typeAttributes.pinFlags = new PinFlags(PinFlag.local | PinFlag.initialized);
    pin.typeAttributes.pinType = PinType.asciiNumeric;
    pin.typeAttributes.minLength = 4;
    pin.typeAttributes.storedLength = 8;
    pin.typeAttributes.maxLength = 8;
    pin.typeAttributes.pinReference = 0x81;
    const der = hex(encodeDer(new AuthenticationType({ pin })));
    // 30 | 30 09 (0c 03 "PIN", 03 02 07 80) | 30 03 (04 01 01) | a1 xx 30 xx (03 02 03 48, 0a 01 01, 02 01 04,
    // 02 01 08, 02 01 08, 80 02 00 81)
    expect(der).toBe(
      "3028" +
        "30090c0350494e03020780" +
        "3003040101" +
        "a116" +
        "3014" +
        "03020348" +
        "0a0101" +
        "020104" +
        "020108" +
        "020108" +
        "80020081",
    );
  });

  test("DIR record: 61 / 4F / 50 / 51 / 73", () => {
    const ddo = new DDO();
    ddo.odfPath = new Path({ path: bytes("3f0000015031") });
    const record = new DIRRecord({
      aid: bytes("e828bd080f8025000001ff0010"),
      label: "CPS",
      path: bytes("3f000001"),
      ddo,
    });
    const der = hex(encodeDer(record));
    expect(der).toBe(
      "6130" +
        "4f0de828bd080f8025000001ff0010" +
        "5003435053" +
        "51043f000001" +
        "7314" +
        "06082a864886f70d010f" +
        "300804063f0000015031",
    );
    const back = decodeDer(bytes(der), DIRRecord);
    expect(hex(back.aid)).toBe("e828bd080f8025000001ff0010");
    expect(back.label).toBe("CPS");
    expect(hex(back.path)).toBe("3f000001");
    expect(hex(back.ddo!.odfPath!.efidOrPath)).toBe("3f0000015031");
  });
});

function cpsPrivateKey(label: string, id: string, usage: number, keyRef: number, rule: number): PrivateKeyType {
  const key = new PrivateRSAKeyObject();
  key.commonObjectAttributes.label = label;
  key.commonObjectAttributes.flags = new CommonObjectFlags(CommonObjectFlag.private);
  key.commonObjectAttributes.authId = buf("01");
  const acr = new AccessControlRule();
  acr.accessMode.setFlags(rule);
  acr.securityCondition = Object.assign(new SecurityCondition(), { authId: buf("01") });
  key.commonObjectAttributes.accessControlRules = [acr];
  key.classAttributes.iD = buf(id);
  key.classAttributes.usage = new KeyUsageFlags(usage);
  key.classAttributes.keyReference = keyRef;
  key.typeAttributes.value = new ObjectValue({ path: new Path({ path: bytes("3f000001") }) });
  key.typeAttributes.modulusLength = 2048;
  return new PrivateKeyType({ privateRSAKey: key });
}

describe("round trips of a CPx-like PKCS#15 image", () => {
  test("PrKDF with two RSA keys and access rules", () => {
    const prkdf = encodeConcatenated([
      cpsPrivateKey(
        "CPS_PRIV_SIG",
        "e828bd080f8025000001ff001001",
        KeyUsageFlag.nonRepudiation,
        0x81,
        AccessModeFlag.psoCds,
      ),
      cpsPrivateKey(
        "CPS_PRIV_AUT",
        "e828bd080f8025000001ff001002",
        KeyUsageFlag.sign | KeyUsageFlag.decrypt,
        0x82,
        AccessModeFlag.psoDecrypt | AccessModeFlag.intAuth,
      ),
    ]);
    // An EF is bigger than its content: trailing padding must end the list.
    const padded = new Uint8Array(prkdf.length + 20);
    padded.set(prkdf);
    const keys = decodeConcatenated(padded, PrivateKeyType);
    expect(keys).toHaveLength(2);
    const aut = keys[1]!.privateRSAKey!;
    expect(aut.commonObjectAttributes.label).toBe("CPS_PRIV_AUT");
    expect(referenceByte(aut.classAttributes.keyReference)).toBe(0x82);
    expect(aut.classAttributes.usage.flags()).toBe(KeyUsageFlag.sign | KeyUsageFlag.decrypt);
    expect(aut.classAttributes.native).toBe(true);
    expect(aut.typeAttributes.modulusLength).toBe(2048);
    expect(hex(aut.typeAttributes.value.path!.efidOrPath)).toBe("3f000001");
    expect(hex(aut.classAttributes.iD)).toBe("e828bd080f8025000001ff001002");
    const rule = aut.commonObjectAttributes.accessControlRules![0]!;
    expect(rule.accessMode.flags()).toBe(AccessModeFlag.psoDecrypt | AccessModeFlag.intAuth);
    expect(hex(rule.securityCondition.authId!)).toBe("01");
    expect(hex(encodeConcatenated(keys))).toBe(hex(prkdf));
  });

  test("CDF with an X.509 certificate object", () => {
    const cert = new X509CertificateObject();
    cert.commonObjectAttributes.label = "Certificat d'Authentification CPS";
    cert.classAttributes.iD = buf("e828bd080f8025000001ff001002");
    cert.typeAttributes.value = new ObjectValue({
      path: new Path({ path: bytes("3f0000011002"), index: 0, length: 1500 }),
    });
    const der = encodeConcatenated([new CertificateType({ x509Certificate: cert })]);
    const [back] = decodeConcatenated(der, CertificateType);
    const x = back!.x509Certificate!;
    expect(x.commonObjectAttributes.label).toBe("Certificat d'Authentification CPS");
    expect(x.classAttributes.authority).toBe(false);
    expect(hex(x.typeAttributes.value.path!.efidOrPath)).toBe("3f0000011002");
    expect(x.typeAttributes.value.path!.index).toBe(0);
    expect(x.typeAttributes.value.path!.length).toBe(1500);
  });

  test("TokenInfo", () => {
    const info = new TokenInfo();
    info.serialNumber = buf("8025000001" + "2900995266");
    info.manufacturerID = "ANS (test bench)";
    info.label = "CPS3v3-2900995266";
    info.tokenflags = new TokenFlags(TokenFlag.prnGeneration);
    const back = decodeDer(encodeDer(info), TokenInfo);
    expect(back.label).toBe("CPS3v3-2900995266");
    expect(back.manufacturerID).toBe("ANS (test bench)");
    expect(back.tokenflags.flags()).toBe(TokenFlag.prnGeneration);
    expect(hex(back.serialNumber)).toBe("80250000012900995266");
  });
});

describe("decoding DER made by another encoder (fields this side never writes)", () => {
  const ctx = (tagNumber: number, value: asn1js.BaseBlock[]) =>
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
  const ctxPrim = (tagNumber: number, valueHex: ArrayBuffer) =>
    new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber }, valueHex });

  test("PIN with a one-byte reference 0x81 (negative INTEGER), padChar, lastPinChange, path and an extension", () => {
    const attrs = new asn1js.Sequence({
      value: [
        new asn1js.BitString({ valueHex: buf("48"), unusedBits: 3 }),
        new asn1js.Enumerated({ value: 1 }),
        new asn1js.Integer({ value: 4 }),
        new asn1js.Integer({ value: 8 }),
        new asn1js.Integer({ value: 8 }),
        ctxPrim(0, buf("81")),
        new asn1js.OctetString({ valueHex: buf("ff") }),
        new asn1js.GeneralizedTime({ valueDate: new Date("2024-01-02T03:04:05Z") }),
        new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: buf("3f00") })] }),
        new asn1js.Utf8String({ value: "future extension" }),
      ],
    });
    const pin = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: "PIN" })] }),
        new asn1js.Sequence({
          value: [new asn1js.OctetString({ valueHex: buf("01") }), new asn1js.Integer({ value: 1 })],
        }),
        ctx(1, [attrs]),
      ],
    });
    const [aodf] = decodeConcatenated(new Uint8Array(pin.toBER()), AuthenticationType);
    const p = aodf!.pin!.typeAttributes;
    expect(referenceByte(p.pinReference)).toBe(0x81);
    expect(p.pinType).toBe(PinType.asciiNumeric);
    expect([p.minLength, p.storedLength, p.maxLength]).toEqual([4, 8, 8]);
    expect(hex(p.padChar!)).toBe("ff");
    expect(p.lastPinChange!.toISOString()).toBe("2024-01-02T03:04:05.000Z");
    expect(hex(p.path!.efidOrPath)).toBe("3f00");
    expect(aodf!.pin!.classAttributes.authReference).toBe(1);
  });

  test("certificate object with identifier, certHash, trustedUsage, identifiers, subject and issuer", () => {
    const name = new asn1js.Sequence({
      value: [
        new asn1js.Set({
          value: [
            new asn1js.Sequence({
              value: [new asn1js.ObjectIdentifier({ value: "2.5.4.3" }), new asn1js.Utf8String({ value: "x" })],
            }),
          ],
        }),
      ],
    });
    const credential = () =>
      new asn1js.Sequence({
        value: [new asn1js.Integer({ value: 4 }), new asn1js.OctetString({ valueHex: buf("aa") })],
      });
    const common = new asn1js.Sequence({
      value: [
        new asn1js.OctetString({ valueHex: buf("45") }),
        new asn1js.Boolean({ value: true }),
        credential(),
        ctx(0, [new asn1js.BitString({ valueHex: buf("00") })]),
        ctx(1, [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.3.6.1.5.5.7.3.2" })] })]),
        ctx(2, [credential()]),
        ctxPrim(3, buf("ff")),
      ],
    });
    const typeAttrs = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: buf("3f0000011002") })] }),
        name,
        ctx(0, [name]),
        new asn1js.Integer({ value: 4242 }),
      ],
    });
    const object = new asn1js.Sequence({
      value: [new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: "C" })] }), common, ctx(1, [typeAttrs])],
    });
    const [cdf] = decodeConcatenated(new Uint8Array(object.toBER()), CertificateType);
    const c = cdf!.x509Certificate!;
    expect(c.classAttributes.authority).toBe(true);
    expect(c.classAttributes.identifier!.idType).toBe(4);
    expect(c.classAttributes.identifiers).toHaveLength(1);
    expect(c.classAttributes.implicitTrust).toBe(true);
    expect(c.typeAttributes.subject).toHaveLength(1);
    expect(c.typeAttributes.serialNumber).toBe(4242);
    expect(hex(c.typeAttributes.value.path!.efidOrPath)).toBe("3f0000011002");
  });

  test("TokenInfo with seInfo, supportedAlgorithms, issuerId, lastUpdate and preferredLanguage", () => {
    const info = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 0 }),
        new asn1js.OctetString({ valueHex: buf("0102") }),
        new asn1js.Utf8String({ value: "maker" }),
        ctxPrim(0, new TextEncoder().encode("CPS3v3-0000000001").buffer as ArrayBuffer),
        new asn1js.BitString({ valueHex: buf("80"), unusedBits: 7 }),
        new asn1js.Sequence({
          value: [
            new asn1js.Sequence({
              value: [new asn1js.Integer({ value: 1 }), new asn1js.ObjectIdentifier({ value: "1.2.3" })],
            }),
          ],
        }),
        ctx(2, [new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] })]),
        ctxPrim(3, new TextEncoder().encode("issuer").buffer as ArrayBuffer),
        ctx(5, [new asn1js.GeneralizedTime({ valueDate: new Date("2024-01-01T00:00:00Z") })]),
        new asn1js.PrintableString({ value: "fr" }),
      ],
    });
    const t = decodeDer(new Uint8Array(info.toBER()), TokenInfo);
    expect(t.label).toBe("CPS3v3-0000000001");
    expect(t.tokenflags.flags()).toBe(TokenFlag.readonly);
    expect(t.seInfo![0]!.se).toBe(1);
    expect(t.supportedAlgorithms).toHaveLength(1);
    expect(t.issuerId).toBe("issuer");
    expect(t.preferredLanguage).toBe("fr");
  });

  test("DIR record with an unknown tag (52) and elements out of order", () => {
    const app = (n: number, h: string) =>
      new asn1js.Primitive({ idBlock: { tagClass: 2, tagNumber: n }, valueHex: buf(h) });
    const record = new asn1js.Constructed({
      idBlock: { tagClass: 2, tagNumber: 1 },
      value: [app(17, "3f000001"), app(18, "00a4"), app(15, "e828bd080f8025000001ff0010")],
    });
    const [r] = decodeConcatenated(new Uint8Array(record.toBER()), DIRRecord);
    expect(hex(r!.aid)).toBe("e828bd080f8025000001ff0010");
    expect(hex(r!.path)).toBe("3f000001");
  });
});

describe("broken input", () => {
  test("a TLV whose length overruns the file throws", () => {
    expect(() => decodeConcatenated(bytes("a80a3008040 63f00".replace(" ", "")), PKCS15Objects)).toThrow();
  });
  test("a wrong structure throws", () => {
    expect(() => decodeDer(bytes("3003020101"), PinAttributes)).toThrow();
    expect(() => decodeDer(bytes("04020000"), DIRRecord)).toThrow();
  });
  test("empty object attributes encode as an empty SEQUENCE", () => {
    expect(hex(encodeDer(new CommonObjectAttributes()))).toBe("3000");
  });
});
