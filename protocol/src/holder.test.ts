import { beforeAll, describe, expect, it } from "vitest";
import { certificateSummary, certificateValidity } from "./certificate-summary";
import { BridgeError } from "./errors";
import { holderFromCertificate, holderFromName, idTypeOf } from "./holder";
import { type JsonName, X509CertificateGenerator } from "./x509";

const CN = "2.5.4.3";
const SN = "2.5.4.4";
const GN = "2.5.4.42";
const T = "2.5.4.12";
const OU = "2.5.4.11";
const O = "2.5.4.10";
const C = "2.5.4.6";
const L = "2.5.4.7";
const PSEUDONYM = "2.5.4.65";

let keys: CryptoKeyPair;
beforeAll(async () => {
  // The subject parser does not care about the key type: a P-256 key keeps the test fast.
  keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
});

async function certWith(name: JsonName, notBefore = new Date("2024-01-01"), notAfter = new Date("2027-01-01")) {
  return X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
  });
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof BridgeError ? e.code : `not a BridgeError: ${String(e)}`;
  }
  return undefined;
}

describe("holderFromCertificate", { timeout: 30_000 }, () => {
  it("reads the current CPS subject: multi-valued CN+SN+GN, then T, then C (cps-card.md §3.2)", async () => {
    const cert = await certWith([
      { [CN]: ["810001234567"], [SN]: ["DUPONT"], [GN]: ["JEAN"] },
      { [T]: ["Médecin"] },
      { [C]: ["FR"] },
    ]);
    expect(holderFromCertificate(cert)).toEqual({
      nationalId: "810001234567",
      idType: "RPPS",
      surname: "DUPONT",
      givenName: "JEAN",
      profession: "Médecin",
      kind: "CPS",
    });
  });

  it("reads separate RDNs in reverse order (screenshot form CN, G, SN, T, C)", async () => {
    const cert = await certWith([
      { [C]: ["FR"] },
      { [T]: ["Pharmacien"] },
      { [SN]: ["PHARMACH0007512"] },
      { [GN]: ["CAROLE"] },
      { [CN]: ["899700075122"] },
    ]);
    expect(holderFromCertificate(cert)).toMatchObject({
      nationalId: "899700075122",
      idType: "RPPS",
      surname: "PHARMACH0007512",
      givenName: "CAROLE",
      profession: "Pharmacien",
      kind: "CPS",
    });
  });

  it("reads an old ADELI certificate with the profession in OU and no T", async () => {
    const cert = await certWith([
      { [C]: ["FR"] },
      { [O]: ["TEST"] },
      { [OU]: ["Masseur-Kinésithérapeute"] },
      { [GN]: ["ANNE"], [SN]: ["MARTIN"], [CN]: ["00B7010446"] },
    ]);
    expect(holderFromCertificate(cert)).toMatchObject({
      nationalId: "00B7010446",
      idType: "ADELI",
      profession: "Masseur-Kinésithérapeute",
      kind: "CPS",
    });
  });

  it("reads a CPA subject: structure CN with a CPA local id; a numeric OU is not a profession", async () => {
    const cert = await certWith([
      { [C]: ["FR"] },
      { [O]: ["TEST"] },
      { [L]: ["Paris (75)"] },
      { [OU]: ["300000000029751"] },
      { [GN]: ["PAUL"], [SN]: ["DURAND"], [CN]: ["500000000029751/CPAT0001"] },
    ]);
    expect(holderFromCertificate(cert)).toEqual({
      nationalId: "500000000029751/CPAT0001",
      idType: "structure",
      surname: "DURAND",
      givenName: "PAUL",
      profession: "",
      kind: "CPA",
    });
  });

  it("reads a non-nominative CPE subject: pseudonym as surname, title as profession", async () => {
    const cert = await certWith([
      { [O]: ["CH TEST"] },
      { [OU]: ["FINESS 760021832"] },
      { [T]: ["Carte de service santé ou social"] },
      { [PSEUDONYM]: ["EMPLOYE000000018"] },
      { [CN]: ["3760021832/000000018"] },
    ]);
    expect(holderFromCertificate(cert)).toEqual({
      nationalId: "3760021832/000000018",
      idType: "structure",
      surname: "EMPLOYE000000018",
      givenName: "",
      profession: "Carte de service santé ou social",
      kind: "CPE",
    });
  });

  it("tells a CPF from a training title [U]", async () => {
    const cert = await certWith([
      { [CN]: ["810009999999"], [SN]: ["LEROY"], [GN]: ["EMMA"] },
      { [T]: ["Étudiant en médecine"] },
      { [C]: ["FR"] },
    ]);
    expect(holderFromCertificate(cert).kind).toBe("CPF");
  });

  it("refuses subjects it cannot read with ERR_CARD_DATA_INVALID", async () => {
    const noCn = await certWith([{ [SN]: ["DUPONT"] }, { [C]: ["FR"] }]);
    expect(codeOf(() => holderFromCertificate(noCn))).toBe("ERR_CARD_DATA_INVALID");
    const foreignCn = await certWith([{ [CN]: ["www.example.com"], [SN]: ["X"] }]);
    expect(codeOf(() => holderFromCertificate(foreignCn))).toBe("ERR_CARD_DATA_INVALID");
    const noSurname = await certWith([{ [CN]: ["810001234567"] }, { [T]: ["Médecin"] }]);
    expect(codeOf(() => holderFromCertificate(noSurname))).toBe("ERR_CARD_DATA_INVALID");
    const hugeName = await certWith([{ [CN]: ["810001234567"], [SN]: ["X".repeat(300)] }]);
    expect(codeOf(() => holderFromCertificate(hugeName))).toBe("ERR_CARD_DATA_INVALID");
    expect(codeOf(() => holderFromName(new Uint8Array([0x30, 0x03, 0x01])))).toBe("ERR_CARD_DATA_INVALID");
  });

  it("classifies PS_IdNat shapes", () => {
    expect(idTypeOf("810001234567")).toBe("RPPS");
    expect(idTypeOf("81000123456")).toBeUndefined(); // 11 chars: neither RPPS nor ADELI
    expect(idTypeOf("0752012345")).toBe("ADELI");
    expect(idTypeOf("02A1234567")).toBe("ADELI");
    expect(idTypeOf("3760021832/000000018")).toBe("structure");
    expect(idTypeOf("9123/45")).toBeUndefined();
    expect(idTypeOf("8100 01234567")).toBeUndefined();
  });
});

describe("certificateSummary", () => {
  it("summarises dates, validity window and SHA-256 fingerprint", async () => {
    const cert = await certWith(
      [{ [CN]: ["810001234567"], [SN]: ["DUPONT"] }],
      new Date("2024-01-01T00:00:00Z"),
      new Date("2027-01-01T00:00:00Z"),
    );
    const s = await certificateSummary(cert, { chain: "test", now: new Date("2026-12-20T00:00:00Z") });
    expect(s).toMatchObject({
      validity: "expiring",
      daysLeft: 12,
      chain: "test",
      notAfter: "2027-01-01T00:00:00.000Z",
    });
    expect(s.fingerprint).toBe(Buffer.from(await cert.getThumbprint("SHA-256")).toString("hex"));
    expect(certificateValidity(cert, new Date("2025-01-01")).validity).toBe("valid");
    expect(certificateValidity(cert, new Date("2023-12-31")).validity).toBe("not-yet-valid");
    expect(certificateValidity(cert, new Date("2027-01-02")).validity).toBe("expired");
  });
});
