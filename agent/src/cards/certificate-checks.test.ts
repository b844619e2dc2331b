import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IgcSanteCa } from "@cps-bridge/protocol/igc-sante";
import * as x509 from "@cps-bridge/protocol/x509";
import { beforeAll, describe, expect, it } from "vitest";
import { chainVerdict, readCertificates, summarise, testModeFromEnv } from "./certificate-checks";

x509.cryptoProvider.set(globalThis.crypto);
const alg = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const caDn = (cn: string) => `C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE, CN=${cn}`;
const day = 86_400_000;

async function ca(cn: string, issuer?: { cert: x509.X509Certificate; keys: CryptoKeyPair }) {
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: "01",
    subject: caDn(cn),
    issuer: issuer ? issuer.cert.subject : caDn(cn),
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 3650 * day),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: (issuer?.keys ?? keys).privateKey,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  return { cert, keys };
}

async function leaf(issuer: { cert: x509.X509Certificate; keys: CryptoKeyPair }, notBefore: Date, notAfter: Date) {
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  return x509.X509CertificateGenerator.create({
    serialNumber: "0A",
    subject: new x509.Name([
      { "2.5.4.6": ["FR"] },
      { "2.5.4.12": ["Médecin"] },
      { "2.5.4.3": ["899700075122"], "2.5.4.4": ["DUPONT"], "2.5.4.42": ["JEAN"] },
    ]),
    issuer: issuer.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
  });
}

const fp = (c: x509.X509Certificate) => createHash("sha1").update(new Uint8Array(c.rawData)).digest("hex");

describe("certificate checks", () => {
  let testRoot: Awaited<ReturnType<typeof ca>>;
  let testInt: Awaited<ReturnType<typeof ca>>;
  let testLeaf: x509.X509Certificate;
  let prodInt: Awaited<ReturnType<typeof ca>>;
  let prodLeaf: x509.X509Certificate;
  let reference: IgcSanteCa[];

  beforeAll(async () => {
    testRoot = await ca("TEST AC RACINE IGC-SANTE FORT");
    testInt = await ca("TEST AC IGC-SANTE FORT PERSONNES", testRoot);
    testLeaf = await leaf(testInt, new Date(Date.now() - day), new Date(Date.now() + 900 * day));
    // A stand-in for the real intermediate (we do not have its key): same DN, fingerprint put in the reference.
    prodInt = await ca("AC IGC-SANTE FORT PERSONNES");
    prodLeaf = await leaf(prodInt, new Date(Date.now() - day), new Date(Date.now() + 900 * day));
    reference = [
      {
        commonName: "AC IGC-SANTE FORT PERSONNES",
        kind: "intermediate",
        level: "FORT",
        population: "PERSONNES",
        sha1: fp(prodInt.cert),
        notBefore: "2013-06-25",
        notAfter: "2033-06-24",
      },
    ];
  }, 60_000);

  it("accepts the test chain only in test mode", async () => {
    const anchors = [testRoot.cert, testInt.cert];
    expect(await chainVerdict(testLeaf, { testMode: true, testAnchors: anchors })).toEqual({
      verdict: "test",
      reason: "test-chain",
    });
    expect(await chainVerdict(testLeaf, { testMode: false, testAnchors: anchors })).toEqual({
      verdict: "untrusted",
      reason: "test-card-outside-test-mode",
    });
    // root only as anchor, intermediate as a helper found on the card
    expect(
      (await chainVerdict(testLeaf, { testMode: true, testAnchors: [testRoot.cert], caCertificates: [testInt.cert] }))
        .verdict,
    ).toBe("test");
  });

  it("refuses a certificate signed by another key with the test CA's name", async () => {
    const impostor = await ca("TEST AC IGC-SANTE FORT PERSONNES", await ca("TEST AC RACINE IGC-SANTE FORT"));
    const forged = await leaf(impostor, new Date(Date.now() - day), new Date(Date.now() + day * 10));
    expect((await chainVerdict(forged, { testMode: true, testAnchors: [testRoot.cert, testInt.cert] })).verdict).toBe(
      "untrusted",
    );
  });

  it("says production when an IGC-Santé CA (by SHA-1) verifies the certificate", async () => {
    expect(
      await chainVerdict(prodLeaf, { testMode: false, caCertificates: [prodInt.cert], igcSante: reference }),
    ).toEqual({ verdict: "production", reason: "igc-sante-verified" });
  });

  it("falls back to the exact IGC-Santé issuer DN when no CA certificate is available", async () => {
    expect(await chainVerdict(prodLeaf, { testMode: false, igcSante: reference })).toEqual({
      verdict: "production",
      reason: "igc-sante-issuer-name",
    });
  });

  it("says untrusted when the available IGC-Santé CA does not verify the signature", async () => {
    const other = await ca("AC IGC-SANTE FORT PERSONNES");
    const ref = [{ ...reference[0]!, sha1: fp(other.cert) }];
    expect(await chainVerdict(prodLeaf, { testMode: false, caCertificates: [other.cert], igcSante: ref })).toEqual({
      verdict: "untrusted",
      reason: "bad-signature",
    });
  });

  it("summarises validity: expired, not yet valid, expiring within 30 days", async () => {
    const now = new Date();
    const trust = { testMode: true, testAnchors: [testRoot.cert, testInt.cert] };
    const expired = await leaf(testInt, new Date(now.getTime() - 1000 * day), new Date(now.getTime() - day));
    const future = await leaf(testInt, new Date(now.getTime() + 10 * day), new Date(now.getTime() + 1000 * day));
    const soon = await leaf(testInt, new Date(now.getTime() - day), new Date(now.getTime() + 12 * day));
    expect((await summarise(expired, trust, now)).summary.validity).toBe("expired");
    expect((await summarise(future, trust, now)).summary.validity).toBe("not-yet-valid");
    const s = (await summarise(soon, trust, now)).summary;
    expect(s.validity).toBe("expiring");
    expect(s.daysLeft).toBe(11);
    expect(s.chain).toBe("test");
  });

  it("reads PEM bundles and DER files; reads test mode from the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "anchors-"));
    writeFileSync(join(dir, "a.pem"), `${testRoot.cert.toString("pem")}\n${testInt.cert.toString("pem")}\n`);
    writeFileSync(join(dir, "b.cer"), new Uint8Array(testRoot.cert.rawData));
    expect(readCertificates(join(dir, "a.pem"))).toHaveLength(2);
    expect(readCertificates(join(dir, "b.cer"))[0]!.subject).toBe(testRoot.cert.subject);
    expect(testModeFromEnv({ CPS_BRIDGE_TEST_MODE: "1" })).toBe(true);
    expect(testModeFromEnv({})).toBe(false);
  });
});
