/**
 * The production IGC-Santé certification authorities that issue CPS card certificates, as data
 * (shared/research/cps-card.md §3.1 [C]: dumped from the CA files shipped in Cryptolib 5.2.2, same fingerprints in
 * the ANS MSI spec annex C). The certificates themselves are not in the repository: a portal downloads the chain
 * bundle (IGC_SANTE_CHAIN_URL), and `selectIgcSanteAnchors` keeps only the certificates whose SHA-1 matches this
 * list, so a tampered download cannot add an anchor. The agent uses `igcSanteCaOf` for its chain verdict.
 * Pure WebCrypto + @peculiar/x509.
 */
import { bytesToHex } from "./base64";
import type { X509Certificate } from "./x509";

export type IgcSanteLevel = "ELEMENTAIRE" | "STANDARD" | "FORT";
export type IgcSantePopulation = "PERSONNES" | "ORGANISATIONS";

export interface IgcSanteCa {
  commonName: string;
  kind: "root" | "intermediate";
  level: IgcSanteLevel;
  /** Intermediates only: whom they certify (card holders are PERSONNES). */
  population?: IgcSantePopulation;
  /** SHA-1 of the DER, upper-case hex with colons, as openssl prints it. */
  sha1: string;
  notBefore: string;
  notAfter: string;
}

/** Every IGC-Santé CA: `C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE, CN=…`, RSA-4096, sha256WithRSA. */
export const IGC_SANTE_DN_PREFIX = "C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE";

const ca = (x: IgcSanteCa) => x;

export const IGC_SANTE_CAS: readonly IgcSanteCa[] = [
  ca({
    commonName: "AC RACINE IGC-SANTE ELEMENTAIRE",
    kind: "root",
    level: "ELEMENTAIRE",
    sha1: "4B:23:D4:4D:C5:CB:DA:23:0F:C0:52:DF:F5:24:07:ED:AF:37:3C:69",
    notBefore: "2013-06-25",
    notAfter: "2033-06-25",
  }),
  ca({
    commonName: "AC RACINE IGC-SANTE STANDARD",
    kind: "root",
    level: "STANDARD",
    sha1: "B6:BA:1D:6D:52:24:BC:ED:A9:5A:67:F6:F3:7B:86:89:6E:DD:00:06",
    notBefore: "2013-06-25",
    notAfter: "2033-06-25",
  }),
  ca({
    commonName: "AC RACINE IGC-SANTE FORT",
    kind: "root",
    level: "FORT",
    sha1: "BB:E7:51:C8:B1:07:AC:D2:9F:7D:12:E0:FC:DD:71:7E:00:13:87:64",
    notBefore: "2013-06-25",
    notAfter: "2033-06-25",
  }),
  ca({
    commonName: "AC IGC-SANTE ELEMENTAIRE PERSONNES",
    kind: "intermediate",
    level: "ELEMENTAIRE",
    population: "PERSONNES",
    sha1: "86:A0:DE:3D:86:6E:2D:B5:09:5F:67:85:A5:7F:D5:CC:53:B2:F0:49",
    notBefore: "2013-06-25",
    notAfter: "2033-06-24",
  }),
  ca({
    commonName: "AC IGC-SANTE ELEMENTAIRE ORGANISATIONS",
    kind: "intermediate",
    level: "ELEMENTAIRE",
    population: "ORGANISATIONS",
    sha1: "2C:BF:A9:91:75:0A:F7:78:34:8B:31:56:C2:16:09:A1:AB:45:A8:48",
    notBefore: "2013-06-25",
    notAfter: "2033-06-24",
  }),
  ca({
    commonName: "AC IGC-SANTE STANDARD PERSONNES",
    kind: "intermediate",
    level: "STANDARD",
    population: "PERSONNES",
    sha1: "E0:D6:E1:D8:48:1F:ED:62:C6:5C:53:ED:9D:FC:DA:94:9C:3D:1D:81",
    notBefore: "2013-06-25",
    notAfter: "2033-06-24",
  }),
  ca({
    commonName: "AC IGC-SANTE STANDARD ORGANISATIONS",
    kind: "intermediate",
    level: "STANDARD",
    population: "ORGANISATIONS",
    sha1: "EA:87:52:03:6E:11:5E:E8:AA:16:53:67:22:89:07:4A:24:B2:39:94",
    notBefore: "2013-06-25",
    notAfter: "2033-06-24",
  }),
  ca({
    commonName: "AC IGC-SANTE FORT PERSONNES",
    kind: "intermediate",
    level: "FORT",
    population: "PERSONNES",
    sha1: "AA:61:31:E7:60:B9:56:22:C0:F4:C2:AA:9D:98:50:02:C2:1F:3A:0C",
    notBefore: "2013-06-25",
    notAfter: "2033-06-24",
  }),
  ca({
    commonName: "AC IGC-SANTE FORT ORGANISATIONS",
    kind: "intermediate",
    level: "FORT",
    population: "ORGANISATIONS",
    sha1: "7C:3A:F3:5B:76:FE:34:69:9F:BC:72:C6:A3:40:BC:7F:1A:C4:D8:54",
    notBefore: "2013-06-25",
    notAfter: "2033-06-24",
  }),
];

/** Official chain bundle (PKCS#7) and its test counterpart, whose CAs are named "TEST AC IGC-SANTE …" [C]. */
export const IGC_SANTE_CHAIN_URL = "http://igc-sante.esante.gouv.fr/AC/Chaine_de_certification-IGC-Sante.p7b";
export const IGC_SANTE_TEST_CHAIN_URL =
  "http://igc-sante.esante.gouv.fr/AC%20TEST/Chaine_de_certification-IGC-Sante-TEST.p7b";
/** Root CRLs (cps-card.md §3.1); revocation checking is not done by verifyLoginToken. */
export const IGC_SANTE_ROOT_CRLS = [
  "http://igc-sante.esante.gouv.fr/CRL/ACR-EL.crl",
  "http://igc-sante.esante.gouv.fr/CRL/ACR-ST.crl",
  "http://igc-sante.esante.gouv.fr/CRL/ACR-FO.crl",
] as const;

/** `AA:61:…` / `aa61…` / `aa 61 …` → `aa61…` */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, "").toLowerCase();
}

/** SHA-1 of the certificate's DER, lower-case hex without separators. */
export async function sha1Fingerprint(cert: X509Certificate): Promise<string> {
  return bytesToHex(await crypto.subtle.digest("SHA-1", cert.rawData));
}

/**
 * The production IGC-Santé CA this exact certificate is (by SHA-1 of its DER), or undefined.
 * `table` defaults to IGC_SANTE_CAS (tests pass their own).
 */
export async function igcSanteCaOf(
  cert: X509Certificate,
  table: readonly IgcSanteCa[] = IGC_SANTE_CAS,
): Promise<IgcSanteCa | undefined> {
  const fp = await sha1Fingerprint(cert);
  return table.find((c) => normaliseFingerprint(c.sha1) === fp);
}

/** Keeps the certificates that are production IGC-Santé CAs (exact fingerprint match): a portal's trust anchors. */
export async function selectIgcSanteAnchors(
  certs: readonly X509Certificate[],
  table: readonly IgcSanteCa[] = IGC_SANTE_CAS,
): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const c of certs) if (await igcSanteCaOf(c, table)) out.push(c);
  return out;
}

/**
 * Does this issuer/subject name *look* like an IGC-Santé CA (production or test)? For diagnostics only ("a test card
 * in production"): names prove nothing, trust comes from fingerprints and signatures.
 */
export function igcSanteNameKind(name: string): "production" | "test" | undefined {
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(name)?.[1]?.trim();
  if (!cn) return undefined;
  if (/^TEST AC (RACINE )?IGC-SANTE\b/i.test(cn)) return "test";
  if (IGC_SANTE_CAS.some((c) => c.commonName === cn)) return "production";
  return undefined;
}
