/** Vitale 1/2, CNIe, bank, unknown, mute, CPS2ter and the CPS3 contactless interface. */
import {
  CertificateType,
  decodeConcatenated,
  decodeDer,
  PKCS15Objects,
  TokenInfo,
} from "@cps-bridge/agent/cards/pkcs15-schema";
import { describe, expect, test } from "vitest";
import { createCard } from "../profiles";
import { BANK_ATR } from "./bank";
import { CNIE_ATR } from "./cnie";
import { CPS2TER_ATR } from "./cps2ter";
import { CPS3_CONTACTLESS_ATR } from "./cps3-contactless";
import { SW, toHex } from "./iso7816";
import { exchange, send, sha256DigestInfo, verifyWithCertificate } from "./test-kit";
import { UNKNOWN_ATR } from "./unknown";
import { VITALE1_ATR, VITALE2_AIDS, VITALE2_ATR } from "./vitale";

const CPS_AID_SELECTS = [
  "00 A4 04 0C 0D E828BD080F8025000001FF0010", // CPS3 IAS contact
  "00 A4 04 0C 0D E828BD080F8025000001FF0020", // CPS3 IAS contactless
  "00 A4 04 0C 08 8025000001FF0100", // CPS4 ChipDoc
  "00 A4 04 0C 08 8025000001FF0002", // CPS2ter volet
];

describe("Carte Vitale 2 (cps-card.md §1.4): Vitale AIDs answer 9000 with no data, no patient data anywhere", () => {
  test("ATR and SELECT of each Vitale AID, whatever P2", async () => {
    const card = await createCard("vitale2");
    expect(toHex(card.atr!)).toBe(toHex(VITALE2_ATR));
    expect(card.info).toBeUndefined();
    for (const aid of VITALE2_AIDS) {
      for (const p2 of ["00", "04", "0C"]) {
        const r = send(card, `00 A4 04 ${p2} ${aid.length.toString(16).padStart(2, "0")} ${toHex(aid)}`);
        expect(r).toMatchObject({ sw: SW.OK, hex: "" });
      }
    }
  });

  test("CPS AIDs 6A82, files 6A82, other instructions 6D00, other classes 6E00", async () => {
    const card = await createCard("vitale2");
    for (const select of CPS_AID_SELECTS) expect(send(card, select).sw).toBe(SW.FILE_NOT_FOUND);
    expect(send(card, "00 A4 00 0C 02 3F00").sw).toBe(SW.FILE_NOT_FOUND);
    expect(send(card, "00 B0 00 00 00").sw).toBe(SW.FILE_NOT_FOUND);
    expect(send(card, "00 B2 01 04 00").sw).toBe(SW.FILE_NOT_FOUND);
    expect(send(card, "00 CA 9F 7F 00").sw).toBe(SW.INS_NOT_SUPPORTED);
    expect(send(card, "00 20 00 81 04 31323334").sw).toBe(SW.INS_NOT_SUPPORTED);
    expect(send(card, "80 CA 00 00 00").sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, "01 A4 04 0C 02 3F00").sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, "00 C0 00 00 10").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
    expect(send(card, "00 A4").sw).toBe(SW.WRONG_LENGTH);
  });
});

describe("Carte Vitale 1: pre-ISO class", () => {
  test("every class-00 command 6E00 (SELECT of the Vitale 2 or CPS AIDs included), its own class 6D00", async () => {
    const card = await createCard("vitale1");
    expect(toHex(card.atr!)).toBe(toHex(VITALE1_ATR));
    expect(send(card, `00 A4 04 00 0B ${toHex(VITALE2_AIDS[0])}`).sw).toBe(SW.CLA_NOT_SUPPORTED);
    for (const select of CPS_AID_SELECTS) expect(send(card, select).sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, "BC B0 00 00 10").sw).toBe(SW.INS_NOT_SUPPORTED);
  });
});

describe("CNIe, bank card, unknown card (cps-card.md §1.4)", () => {
  test.each([
    ["cnie", CNIE_ATR],
    ["bank", BANK_ATR],
    ["unknown", UNKNOWN_ATR],
  ] as const)("%s: its ATR; SELECT of the CPS AIDs 6A82; 6D00; 6E00", async (profile, atr) => {
    const card = await createCard(profile);
    expect(toHex(card.atr!)).toBe(toHex(atr));
    for (const select of CPS_AID_SELECTS) expect(send(card, select).sw).toBe(SW.FILE_NOT_FOUND);
    expect(send(card, "00 84 00 00 08").sw).toBe(SW.INS_NOT_SUPPORTED);
    expect(send(card, "80 A4 04 00 02 3F00").sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(card.triesLeft).toBeUndefined();
  });

  test("the unknown ATR starts like no CPx (historical bytes not 00 12 25 00 64 80)", () => {
    expect(toHex(UNKNOWN_ATR)).not.toContain("00122500648");
  });
});

describe("mute card", () => {
  test("connects without an ATR; answers 6F00 if ever driven in process", async () => {
    const card = await createCard("mute");
    expect(card.atr).toBeNull();
    card.powerOn();
    expect(send(card, "00 A4 00 00").sw).toBe(SW.NO_PRECISE_DIAGNOSIS);
  });
});

describe("CPS2ter (cps-card.md §1.2)", () => {
  test("class 00 is unknown (6E00, the SELECT of the CPS AIDs too); class A0 SELECT of the MF 9000, of another file 9404", async () => {
    const card = await createCard("cps2ter");
    expect(toHex(card.atr!)).toBe(toHex(CPS2TER_ATR));
    for (const select of CPS_AID_SELECTS) expect(send(card, select).sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, "A0 A4 00 00 02 3F00").sw).toBe(SW.OK);
    expect(send(card, "A0 A4 00 00 02 7F01").sw).toBe(0x9404);
    expect(send(card, "A0 B0 00 00 10").sw).toBe(SW.INS_NOT_SUPPORTED);
    expect(send(card, "A0 A4 00 00 01 3F").sw).toBe(SW.WRONG_LENGTH);
  });
});

describe("CPS3 contactless (cps-card.md §1.2–1.3, §2.1)", () => {
  test("contactless AID 9000, contact AID 6A82, no PIN, no 7001, technical certificate only", async () => {
    const card = await createCard("cps3-contactless");
    expect(toHex(card.atr!)).toBe(toHex(CPS3_CONTACTLESS_ATR));
    expect(card.triesLeft!()).toBeUndefined();
    expect(send(card, "00 A4 04 0C 0D E828BD080F8025000001FF0010").sw).toBe(SW.FILE_NOT_FOUND);
    expect(send(card, "00 A4 04 0C 0D E828BD080F8025000001FF0020").sw).toBe(SW.OK);
    expect(send(card, "00 20 00 81").sw).toBe(SW.REFERENCED_DATA_NOT_FOUND);
    expect(send(card, "00 A4 09 0C 06 3F00 0001 7001").sw).toBe(SW.FILE_NOT_FOUND);

    const read = (path: string) => {
      expect(send(card, `00 A4 09 0C 06 ${path}`).sw).toBe(SW.OK);
      const parts: number[] = [];
      for (let offset = 0; ; offset += 0xe7) {
        const r = exchange(
          card,
          `00 B0 ${(offset >> 8).toString(16).padStart(2, "0")} ${(offset & 0xff).toString(16).padStart(2, "0")} E7`,
        );
        if (r.sw === SW.WRONG_OFFSET) break;
        parts.push(...r.data);
        if (r.data.length < 0xe7) break;
      }
      return Uint8Array.from(parts);
    };
    const odf = decodeConcatenated(read("3F00 0001 5031"), PKCS15Objects);
    expect(odf.some((o) => o.authObjects)).toBe(false);
    expect(decodeDer(read("3F00 0001 5032"), TokenInfo).label).toMatch(/^CPS3v3-\d{10}$/);
    const certs = decodeConcatenated(read("3F00 0001 4404"), CertificateType);
    expect(certs.map((c) => c.x509Certificate!.commonObjectAttributes.label)).toEqual(["Certificat Technique CPS"]);
    expect(card.info!.certificates.technical).toBeDefined();
    expect(card.info!.certificates.authentication).toBeUndefined();
  });

  test("[U] INTERNAL AUTHENTICATE with the technical key works without a PIN", async () => {
    const card = await createCard("cps3-contactless");
    send(card, "00 A4 04 0C 0D E828BD080F8025000001FF0020");
    expect(send(card, "00 22 41 A4 06 80 01 02 84 01 83").sw).toBe(SW.OK);
    const challenge = new TextEncoder().encode("technical");
    const r = send(card, `00 88 00 00 33 ${toHex(await sha256DigestInfo(challenge))} 00`);
    expect(r.sw).toBe(SW.OK); // T=1: the signature at once
    expect(await verifyWithCertificate(card.info!.certificates.technical!, challenge, r.data)).toBe(true);
  });
});
