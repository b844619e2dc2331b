/**
 * The verifier against the test bench's own PKI (`@cps-bridge/scripts/testbed/pki`), the one the virtual cards, the
 * agent in test mode and the mock portal share: a holder certificate issued there must verify, with the anchors in
 * the PEM form the mock portal loads.
 */
import { loadTestPki } from "@cps-bridge/scripts/testbed/pki";
import { describe, expect, it } from "vitest";
import { buildLoginToken, newChallengeNonce, signedData, verifyLoginToken } from "./login-token";
import { RSA_ALG } from "./test-support/pki";

describe("verifyLoginToken with the test bench PKI", () => {
  it("accepts a token from a test-bench holder certificate and refuses it for another origin", async () => {
    const pki = await loadTestPki();
    const keys = (await crypto.subtle.generateKey(RSA_ALG, true, ["sign", "verify"])) as CryptoKeyPair;
    const cert = await pki.issueHolder({
      holder: { nationalId: "899700075122", surname: "PHARMACH0007512", givenName: "CAROLE", profession: "Pharmacien" },
      kind: "CPS",
      usage: "auth",
      publicKey: keys.publicKey,
    });
    const origin = "https://trajectoire.sante-ra.fr";
    const nonce = newChallengeNonce();
    const signature = new Uint8Array(
      await crypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.privateKey, await signedData(origin, nonce, "RS256")),
    );
    const token = buildLoginToken({
      certificate: new Uint8Array(cert.rawData),
      algorithm: "RS256",
      signature,
      agentVersion: "0.1.0",
    });
    const pems = pki.anchorsPem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(pems).toHaveLength(2);

    const ok = await verifyLoginToken({ token, origin, nonce, trustAnchors: pems });
    expect(ok.holder).toEqual({
      nationalId: "899700075122",
      idType: "RPPS",
      surname: "PHARMACH0007512",
      givenName: "CAROLE",
      profession: "Pharmacien",
      kind: "CPS",
    });
    await expect(
      verifyLoginToken({ token, origin: "https://viatrajectoire.fr", nonce, trustAnchors: pems }),
    ).rejects.toMatchObject({
      code: "ERR_TOKEN_SIGNATURE_INVALID",
    });
  }, 120_000);
});
