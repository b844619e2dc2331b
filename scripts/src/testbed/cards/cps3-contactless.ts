/**
 * The contactless interface of a CPS3 (cps-card.md §1.2–1.3): its own ATR (ISO 14443-4, T=1 as PC/SC presents it),
 * the IAS application under the contactless AID `E8 28 BD 08 0F 80 25 00 00 01 FF 00 20` (the contact AID …10
 * answers 6A82), **no PIN** (VERIFY 6A88, no AODF), only the technical certificate `Certificat Technique CPS` and
 * key `CPS_PRIV_TECH_AUT` (no signature key: signature is not allowed contactless), and no contact-only file
 * 3F00/0001/7001 (the ANS driver tells the interfaces apart by it).
 * [U] The technical key's reference (0x83 here) and whether INTERNAL AUTHENTICATE works with it without a PIN
 * (allowed here, "HASH_NONE only": the caller sends the DigestInfo) are not documented.
 */
import { CommonObjectFlag, KeyUsageFlag } from "@cps-bridge/agent/cards/pkcs15-schema";
import { generateCardKey } from "./card-keys";
import {
  buildCpxFileSystem,
  CERTIFICATE_LABEL,
  CPS3_READ_CHUNK,
  type CpxCardInput,
  FID,
  IAS_CONTACTLESS_AID,
  IasEccCard,
  KEY,
} from "./cps3";
import { fromHex } from "./iso7816";

export const CPS3_CONTACTLESS_ATR = fromHex("3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E");

export async function createCps3ContactlessCard(input: CpxCardInput): Promise<IasEccCard> {
  const technical = await generateCardKey();
  const certificate = new Uint8Array(
    (
      await input.pki.issueHolder({
        holder: input.holder,
        kind: input.kind,
        usage: "auth",
        publicKey: technical.spki,
        notBefore: input.notBefore,
        notAfter: input.notAfter,
      })
    ).rawData,
  );
  const tokenLabel = `CPS3v3-${input.serial}`;
  const { fs, application } = buildCpxFileSystem({
    applicationAid: IAS_CONTACTLESS_AID,
    applicationLabel: "CPS3 IAS CL", // [U]
    tokenLabel,
    serial: input.serial,
    efAtrAid: IAS_CONTACTLESS_AID,
    contactOnlyFile: false,
    keys: [
      {
        label: KEY.technical.label,
        id: KEY.technical.id,
        usage: KeyUsageFlag.sign,
        objectFlags: CommonObjectFlag.private,
        accessModes: 1 << 9, // int_auth, condition "always" (no PIN contactless)
        keyReference: KEY.technical.reference,
        modulusBits: technical.modulusBits,
      },
    ],
    certificates: [
      { label: CERTIFICATE_LABEL.technical, id: KEY.technical.id, fid: FID.technicalCertificate, der: certificate },
    ],
    corrupt: input.corrupt,
  });
  return new IasEccCard({
    profile: "cps3-contactless",
    atr: CPS3_CONTACTLESS_ATR,
    protocol: "T1",
    fs,
    application,
    applicationAid: IAS_CONTACTLESS_AID,
    keys: [
      {
        reference: KEY.technical.reference,
        privateKey: technical.privateKey,
        modulusBits: technical.modulusBits,
        internalAuthenticate: true,
        requiresPin: false,
      },
    ],
    readChunk: CPS3_READ_CHUNK,
    info: {
      serial: input.serial,
      holder: input.holder,
      kind: input.kind,
      tokenLabel,
      certificates: { technical: certificate },
    },
  });
}
