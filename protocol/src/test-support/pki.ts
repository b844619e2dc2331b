/**
 * A small in-process PKI for protocol's unit tests: an IGC-Santé-shaped root → "PERSONNES" intermediate → CPS leaf,
 * with real RSA keys (WebCrypto). The test bench's full PKI (`@cps-bridge/scripts/testbed/pki`) issues the virtual
 * cards' certificates; protocol keeps its own so its tests do not depend on the scripts package.
 * Test code only: nothing in protocol's public API imports this file.
 */
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  type Extension,
  type JsonName,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  type X509Certificate,
  X509CertificateGenerator,
} from "../x509";

export const RSA_ALG: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

export interface Issued {
  cert: X509Certificate;
  keys: CryptoKeyPair;
}

let serial = 1;

export function rsaKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(RSA_ALG, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

export function igcName(cn: string): string {
  return `C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE, CN=${cn}`;
}

export function cpsSubject(
  nationalId = "810001234567",
  surname = "DUPONT",
  givenName = "JEAN",
  title = "Médecin",
): JsonName {
  return [
    { "2.5.4.3": [nationalId], "2.5.4.4": [surname], "2.5.4.42": [givenName] },
    { "2.5.4.12": [title] },
    { "2.5.4.6": ["FR"] },
  ];
}

export interface IssueOptions {
  subject: string | JsonName;
  issuer?: Issued;
  keys?: CryptoKeyPair;
  ca?: boolean;
  pathLength?: number;
  keyUsage?: KeyUsageFlags | null;
  notBefore?: Date;
  notAfter?: Date;
}

export async function issue(o: IssueOptions): Promise<Issued> {
  const keys = o.keys ?? (await rsaKeys());
  const extensions: Extension[] = [await SubjectKeyIdentifierExtension.create(keys.publicKey)];
  if (o.ca) extensions.push(new BasicConstraintsExtension(true, o.pathLength, true));
  const usage =
    o.keyUsage === undefined
      ? o.ca
        ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
        : KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment
      : o.keyUsage;
  if (usage !== null) extensions.push(new KeyUsagesExtension(usage, true));
  if (o.issuer) extensions.push(await AuthorityKeyIdentifierExtension.create(o.issuer.keys.publicKey));
  const common = {
    serialNumber: (serial++).toString(16).padStart(2, "0"),
    notBefore: o.notBefore ?? new Date("2024-01-01T00:00:00Z"),
    notAfter: o.notAfter ?? new Date("2030-01-01T00:00:00Z"),
    extensions,
  };
  const cert = o.issuer
    ? await X509CertificateGenerator.create({
        ...common,
        subject: o.subject,
        issuer: o.issuer.cert.subjectName,
        publicKey: keys.publicKey,
        signingKey: o.issuer.keys.privateKey,
        signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      })
    : await X509CertificateGenerator.createSelfSigned({
        ...common,
        name: o.subject,
        keys,
        signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      });
  return { cert, keys };
}

export interface TestPki {
  root: Issued;
  intermediate: Issued;
  leaf: Issued;
}

export async function testPki(): Promise<TestPki> {
  const root = await issue({ subject: igcName("TEST AC RACINE IGC-SANTE FORT"), ca: true });
  const intermediate = await issue({
    subject: igcName("TEST AC IGC-SANTE FORT PERSONNES"),
    issuer: root,
    ca: true,
    pathLength: 0,
  });
  const leaf = await issue({ subject: cpsSubject(), issuer: intermediate });
  return { root, intermediate, leaf };
}
