/**
 * Real cps-bridge login tokens for the mock's tests: an RSA key made here stands in for the card's authentication
 * key (the virtual cards keep theirs inside the card), its certificate is issued by the test bench PKI, and the
 * signature covers H(origin) ‖ H(nonce) exactly as the agent's `login.sign` does (protocol login-token-format).
 */
import { buildLoginToken, type LoginToken, signedData } from "@cps-bridge/protocol/login-token";
import { loadTestPki, type TestPki } from "@cps-bridge/scripts/testbed/pki";

const RSA: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

export interface TestCard {
  keys: CryptoKeyPair;
  certificate: Uint8Array;
  sign(origin: string, nonce: string): Promise<LoginToken>;
}

export async function makeCard(
  pki: TestPki,
  holder: { nationalId: string; surname: string; givenName: string; profession?: string },
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<TestCard> {
  const keys = (await crypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await pki.issueHolder({
    holder: { profession: "Médecin", ...holder },
    kind: "CPS",
    usage: "auth",
    publicKey: keys.publicKey,
    ...validity,
  });
  const certificate = new Uint8Array(cert.rawData);
  return {
    keys,
    certificate,
    async sign(origin, nonce) {
      const data = await signedData(origin, nonce, "RS256");
      const signature = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.privateKey, data));
      return buildLoginToken({ certificate, algorithm: "RS256", signature, agentVersion: "0.0.0-test" });
    },
  };
}

export { loadTestPki };
