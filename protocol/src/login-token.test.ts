import { createHash, createPrivateKey, constants as nodeCrypto, privateEncrypt } from "node:crypto";
import { domainToASCII } from "node:url";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToBase64 } from "./base64";
import { BridgeError, type ErrorCode } from "./errors";
import {
  buildLoginToken,
  type LoginToken,
  newChallengeNonce,
  normaliseOrigin,
  signedData,
  signedDigest,
  type TokenAlgorithm,
  validateChallengeNonce,
  verifyLoginToken,
} from "./login-token";
import { type Issued, igcName, issue, type TestPki, testPki } from "./test-support/pki";
import { KeyUsageFlags } from "./x509";

const ORIGIN = "https://trajectoire.sante-ra.fr";
const NOW = new Date("2026-06-01T00:00:00Z");

async function rejection(p: Promise<unknown>): Promise<{ code: ErrorCode | string; reason?: unknown }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BridgeError) return { code: e.code, reason: e.details?.reason };
    return { code: `not a BridgeError: ${String(e)}` };
  }
  return { code: "resolved" };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof BridgeError ? e.code : String(e);
  }
  return undefined;
}

/** Signs like the agent does with WebCrypto: PKCS#1 v1.5 over signedData (which hashes it once more). */
async function tokenFor(
  who: Issued,
  origin: string,
  nonce: string,
  algorithm: TokenAlgorithm = "RS256",
): Promise<LoginToken> {
  const data = await signedData(origin, nonce, algorithm);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, who.keys.privateKey, data));
  return buildLoginToken({
    certificate: new Uint8Array(who.cert.rawData),
    algorithm,
    signature,
    agentVersion: "0.1.0",
  });
}

let pki: TestPki;
let nonce: string;
let token: LoginToken;

beforeAll(async () => {
  pki = await testPki();
  nonce = newChallengeNonce();
  token = await tokenFor(pki.leaf, ORIGIN, nonce);
}, 30_000);

const verify = (overrides: Partial<Parameters<typeof verifyLoginToken>[0]> = {}) =>
  verifyLoginToken({
    token,
    origin: ORIGIN,
    nonce,
    trustAnchors: [pki.root.cert],
    intermediates: [pki.intermediate.cert],
    now: NOW,
    ...overrides,
  });

// RSA key generation is slow on a loaded 2-core machine: generous timeouts.
describe("verifyLoginToken", { timeout: 60_000 }, () => {
  it("accepts a valid token and returns the holder", async () => {
    const r = await verify();
    expect(r.holder).toMatchObject({
      nationalId: "810001234567",
      idType: "RPPS",
      surname: "DUPONT",
      profession: "Médecin",
      kind: "CPS",
    });
    expect(r.certificate.equal(pki.leaf.cert)).toBe(true);
    expect(r.chain.map((c) => c.subjectName.getField("CN")[0])).toEqual([
      "810001234567",
      "TEST AC IGC-SANTE FORT PERSONNES",
      "TEST AC RACINE IGC-SANTE FORT",
    ]);
    expect(token).toMatchObject({
      format: "cps-bridge:1.0",
      appVersion: "urn:cps-bridge:agent:0.1.0",
      algorithm: "RS256",
    });
    expect(Object.keys(token).sort()).toEqual([
      "algorithm",
      "appVersion",
      "format",
      "signature",
      "unverifiedCertificate",
    ]);
  });

  it("accepts the token as JSON text, and an intermediate configured directly as the anchor", async () => {
    await expect(verify({ token: JSON.stringify(token) })).resolves.toBeTruthy();
    await expect(verify({ trustAnchors: [pki.intermediate.cert], intermediates: [] })).resolves.toBeTruthy();
    await expect(verify({ trustAnchors: [pki.root.cert.toString("pem")] })).resolves.toBeTruthy();
  });

  it("accepts a signature made the card's way: raw RSA over DigestInfo(signedDigest)", async () => {
    // CPS4 signs a host-built PKCS#1 v1.5 block (cps-card.md §2.4): node's privateEncrypt with PKCS1 padding does that.
    const digest = await signedDigest(ORIGIN, nonce, "RS256");
    const digestInfo = Buffer.concat([Buffer.from("3031300d060960864801650304020105000420", "hex"), digest]);
    const pkcs8 = await crypto.subtle.exportKey("pkcs8", pki.leaf.keys.privateKey);
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    const sig = privateEncrypt({ key, padding: nodeCrypto.RSA_PKCS1_PADDING }, digestInfo);
    await expect(verify({ token: { ...token, signature: sig.toString("base64") } })).resolves.toBeTruthy();
  });

  it("refuses a tampered signature", async () => {
    const sig = Buffer.from(token.signature, "base64");
    sig[10] = (sig[10] ?? 0) ^ 0x01;
    expect(await rejection(verify({ token: { ...token, signature: sig.toString("base64") } }))).toEqual({
      code: "ERR_TOKEN_SIGNATURE_INVALID",
      reason: "signature",
    });
  });

  it("refuses a tampered certificate (subject changed, same key): the issuer's signature breaks", async () => {
    const der = Buffer.from(token.unverifiedCertificate, "base64");
    const at = der.indexOf(Buffer.from("DUPONT"));
    expect(at).toBeGreaterThan(0);
    der.write("DUPONS", at, "latin1");
    expect(await rejection(verify({ token: { ...token, unverifiedCertificate: der.toString("base64") } }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "chain",
    });
  });

  it("refuses a replayed token: the server's new nonce is not the one signed", async () => {
    expect(await rejection(verify({ nonce: newChallengeNonce() }))).toEqual({
      code: "ERR_TOKEN_SIGNATURE_INVALID",
      reason: "signature",
    });
  });

  it("refuses a token made for another origin", async () => {
    expect(await rejection(verify({ origin: "https://evil.example" }))).toEqual({
      code: "ERR_TOKEN_SIGNATURE_INVALID",
      reason: "signature",
    });
    // Same host, other port: another origin.
    expect(await rejection(verify({ origin: `${ORIGIN}:8443` }))).toMatchObject({
      code: "ERR_TOKEN_SIGNATURE_INVALID",
    });
  });

  it("refuses an expired or not yet valid certificate", async () => {
    expect(await rejection(verify({ now: new Date("2031-01-01") }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "expired",
    });
    expect(await rejection(verify({ now: new Date("2023-01-01") }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "not-yet-valid",
    });
    const expired = await issue({
      subject: [{ "2.5.4.3": ["810001234567"], "2.5.4.4": ["OLD"] }],
      issuer: pki.intermediate,
      notBefore: new Date("2020-01-01"),
      notAfter: new Date("2023-01-01"),
    });
    expect(await rejection(verify({ token: await tokenFor(expired, ORIGIN, nonce) }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "expired",
    });
  });

  it("refuses a certificate from an untrusted chain", async () => {
    const otherRoot = await issue({ subject: igcName("AC RACINE PIRATE"), ca: true });
    const forged = await issue({
      subject: [{ "2.5.4.3": ["810001234567"], "2.5.4.4": ["DUPONT"] }],
      issuer: otherRoot,
    });
    const t = await tokenFor(forged, ORIGIN, nonce);
    expect(await rejection(verify({ token: t }))).toEqual({ code: "ERR_TOKEN_CERT_INVALID", reason: "chain" });
    // Even when the forger also sends a same-named "intermediate" it made itself.
    const fakeInt = await issue({ subject: igcName("TEST AC IGC-SANTE FORT PERSONNES"), issuer: otherRoot, ca: true });
    const forged2 = await issue({ subject: [{ "2.5.4.3": ["810001234567"], "2.5.4.4": ["DUPONT"] }], issuer: fakeInt });
    const t2 = await tokenFor(forged2, ORIGIN, nonce);
    expect(await rejection(verify({ token: t2, intermediates: [pki.intermediate.cert, fakeInt.cert] }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "chain",
    });
    expect(await rejection(verify({ trustAnchors: [] }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "no-trust-anchors",
    });
  });

  it("refuses certificates without digitalSignature, CA leaves, and CAs that may not issue", async () => {
    const noDs = await issue({
      subject: [{ "2.5.4.3": ["810001234567"], "2.5.4.4": ["X"] }],
      issuer: pki.intermediate,
      keyUsage: KeyUsageFlags.nonRepudiation,
    });
    expect(await rejection(verify({ token: await tokenFor(noDs, ORIGIN, nonce) }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "key-usage",
    });
    const caLeaf = await issue({
      subject: [{ "2.5.4.3": ["810001234567"], "2.5.4.4": ["X"] }],
      issuer: pki.intermediate,
      ca: true,
      keyUsage: KeyUsageFlags.digitalSignature,
    });
    expect(await rejection(verify({ token: await tokenFor(caLeaf, ORIGIN, nonce) }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "is-ca",
    });
    // A leaf certificate (no CA flag) used as an issuer.
    const notCa = await issue({ subject: igcName("NOT A CA"), issuer: pki.intermediate });
    const under = await issue({ subject: [{ "2.5.4.3": ["810001234567"], "2.5.4.4": ["X"] }], issuer: notCa });
    expect(
      await rejection(
        verify({ token: await tokenFor(under, ORIGIN, nonce), intermediates: [pki.intermediate.cert, notCa.cert] }),
      ),
    ).toMatchObject({
      code: "ERR_TOKEN_CERT_INVALID",
    });
    // pathLength 0 on the intermediate forbids a sub-CA below it.
    const sub = await issue({ subject: igcName("SUB CA"), issuer: pki.intermediate, ca: true });
    const underSub = await issue({ subject: [{ "2.5.4.3": ["810001234567"], "2.5.4.4": ["X"] }], issuer: sub });
    expect(
      await rejection(
        verify({ token: await tokenFor(underSub, ORIGIN, nonce), intermediates: [pki.intermediate.cert, sub.cert] }),
      ),
    ).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "ca-invalid",
    });
  });

  it("refuses a certificate whose subject is not a CPS holder", async () => {
    const web = await issue({ subject: "CN=www.example.com", issuer: pki.intermediate });
    expect(await rejection(verify({ token: await tokenFor(web, ORIGIN, nonce) }))).toEqual({
      code: "ERR_TOKEN_CERT_INVALID",
      reason: "subject",
    });
  });

  it("refuses a wrong format, an unknown or disallowed algorithm, and an algorithm that does not fit the key", async () => {
    expect(await rejection(verify({ token: { ...token, format: "web-eid:1.0" } }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "format",
    });
    expect(await rejection(verify({ token: { ...token, format: "cps-bridge:2.0" } }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "format",
    });
    expect(await rejection(verify({ token: { ...token, algorithm: "HS256" } }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "algorithm",
    });
    expect(await rejection(verify({ token: { ...token, algorithm: "none" } }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "algorithm",
    });
    expect(await rejection(verify({ algorithms: ["PS256"] }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "algorithm",
    });
    expect(await rejection(verify({ token: { ...token, algorithm: "ES256" } }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "key mismatch",
    });
    // A newer minor of format 1 is accepted.
    await expect(verify({ token: { ...token, format: "cps-bridge:1.3", extra: "ignored" } })).resolves.toBeTruthy();
  });

  it("verifies PS256 tokens (CPS4 can sign RSA-PSS)", async () => {
    const data = await signedData(ORIGIN, nonce, "PS256");
    const pkcs8 = await crypto.subtle.exportKey("pkcs8", pki.leaf.keys.privateKey);
    const pss = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]);
    const sig = new Uint8Array(await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, pss, data));
    const t = buildLoginToken({
      certificate: new Uint8Array(pki.leaf.cert.rawData),
      algorithm: "PS256",
      signature: sig,
      agentVersion: "0.1.0",
    });
    await expect(verify({ token: t })).resolves.toMatchObject({ algorithm: "PS256" });
    expect(await rejection(verify({ token: { ...t, algorithm: "RS256" } }))).toMatchObject({
      code: "ERR_TOKEN_SIGNATURE_INVALID",
    });
  });

  it("refuses oversize, undersize and non-JSON tokens", async () => {
    const big = { ...token, appVersion: "x".repeat(20_000) };
    expect(await rejection(verify({ token: big }))).toEqual({ code: "ERR_TOKEN_MALFORMED", reason: "length" });
    expect(await rejection(verify({ token: JSON.stringify(big) }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "length",
    });
    expect(await rejection(verify({ token: "{}" }))).toEqual({ code: "ERR_TOKEN_MALFORMED", reason: "length" });
    expect(await rejection(verify({ token: `${"{".repeat(200)}` }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "json",
    });
    expect(await rejection(verify({ token: [JSON.stringify(token)] }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "not an object",
    });
    expect(await rejection(verify({ token: { ...token, unverifiedCertificate: "AAAA".repeat(100) } }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "certificate",
    });
    expect(await rejection(verify({ token: { ...token, signature: "not base64!" } }))).toEqual({
      code: "ERR_TOKEN_MALFORMED",
      reason: "schema",
    });
    expect(await rejection(verify({ token: undefined }))).toMatchObject({ code: "ERR_TOKEN_MALFORMED" });
  });

  it("refuses a server-side origin or nonce that is unusable (server bug), before looking at the token", async () => {
    expect(await rejection(verify({ origin: "http://trajectoire.sante-ra.fr" }))).toMatchObject({
      code: "ERR_INVALID_ORIGIN",
    });
    expect(await rejection(verify({ nonce: "short" }))).toMatchObject({ code: "ERR_INVALID_NONCE" });
  });

  it("accepts http://localhost only when allowed (test mode)", async () => {
    const local = "http://localhost:8080";
    const t = await tokenFor(pki.leaf, local, nonce);
    expect(await rejection(verify({ token: t, origin: local }))).toMatchObject({ code: "ERR_INVALID_ORIGIN" });
    await expect(verify({ token: t, origin: local, allowHttpLocalhost: true })).resolves.toBeTruthy();
  });
});

describe("verifyLoginToken on hostile tokens", () => {
  it("answers only token errors, and accepts only the genuine certificate with its signature (property)", async () => {
    const codes = new Set(["ERR_TOKEN_MALFORMED", "ERR_TOKEN_CERT_INVALID", "ERR_TOKEN_SIGNATURE_INVALID"]);
    const b64 = fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u).toString("base64"));
    const field = fc.oneof(b64, fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 2 }));
    const hostile = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.string({ maxLength: 400 }),
      fc.record({
        unverifiedCertificate: fc.oneof(b64, field, fc.constant(token.unverifiedCertificate)),
        algorithm: fc.oneof(fc.constantFrom("RS256", "PS256", "ES256", "ES512", "none"), field),
        signature: fc.oneof(b64, field, fc.constant(token.signature)),
        format: fc.oneof(fc.constantFrom("cps-bridge:1.0", "cps-bridge:1", "cps-bridge:10"), field),
        appVersion: field,
      }),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (t) => {
        const r = await rejection(verify({ token: t }));
        // Only the genuine certificate with its genuine signature may pass (appVersion is information only).
        const genuine =
          typeof t === "object" &&
          t !== null &&
          !Array.isArray(t) &&
          t.unverifiedCertificate === token.unverifiedCertificate &&
          t.signature === token.signature &&
          t.algorithm === "RS256";
        if (r.code === "resolved") expect(genuine, JSON.stringify(t).slice(0, 300)).toBe(true);
        else expect(codes.has(String(r.code)), String(r.code)).toBe(true);
      }),
      { numRuns: 400 },
    );
  }, 60_000);
});

describe("normaliseOrigin", () => {
  it("serialises to ASCII: lower case, punycode, no default port", () => {
    expect(normaliseOrigin("https://trajectoire.sante-ra.fr")).toBe("https://trajectoire.sante-ra.fr");
    expect(normaliseOrigin("HTTPS://Trajectoire.Sante-RA.fr:443")).toBe("https://trajectoire.sante-ra.fr");
    expect(normaliseOrigin("https://santé.example")).toBe(`https://${domainToASCII("santé.example")}`);
    expect(normaliseOrigin("https://santé.example")).toMatch(/^https:\/\/xn--sant-[a-z0-9]+\.example$/);
    expect(normaliseOrigin("https://example.fr:8443")).toBe("https://example.fr:8443");
    expect(normaliseOrigin("https://127.0.0.1:8443")).toBe("https://127.0.0.1:8443");
  });

  it.each([
    ["http://example.fr", "http"],
    ["https://example.fr/", "trailing slash"],
    ["https://example.fr/login", "path"],
    ["https://example.fr?x=1", "query"],
    ["https://example.fr#x", "fragment"],
    ["https://user:pw@example.fr", "userinfo"],
    ["https://example.fr\\@evil", "backslash"],
    ["wss://example.fr", "wss"],
    ["chrome-extension://abcdef", "extension scheme"],
    ["javascript:alert(1)", "javascript"],
    ["null", "null"],
    ["", "empty"],
    [`https://${"a".repeat(250)}.fr`, "too long"],
    ["https://exa mple.fr", "space"],
    ["https://example.fr:99999", "bad port"],
    ["http://localhost:3000", "localhost without test mode"],
  ])("refuses %s (%s)", (origin) => {
    expect(codeOf(() => normaliseOrigin(origin))).toBe("ERR_INVALID_ORIGIN");
  });

  it("accepts http://localhost and http://127.0.0.1 only with allowHttpLocalhost", () => {
    expect(normaliseOrigin("http://localhost:3000", { allowHttpLocalhost: true })).toBe("http://localhost:3000");
    expect(normaliseOrigin("http://127.0.0.1", { allowHttpLocalhost: true })).toBe("http://127.0.0.1");
    expect(codeOf(() => normaliseOrigin("http://example.fr", { allowHttpLocalhost: true }))).toBe("ERR_INVALID_ORIGIN");
    expect(codeOf(() => normaliseOrigin("http://localhost.evil.fr", { allowHttpLocalhost: true }))).toBe(
      "ERR_INVALID_ORIGIN",
    );
    expect(codeOf(() => normaliseOrigin(42))).toBe("ERR_INVALID_ORIGIN");
  });
});

describe("validateChallengeNonce", () => {
  it("accepts 44..128 base64 characters", () => {
    const n = newChallengeNonce();
    expect(n).toHaveLength(44);
    expect(validateChallengeNonce(n)).toBe(n);
    expect(validateChallengeNonce("A".repeat(128))).toHaveLength(128);
  });
  it.each([
    ["A".repeat(43)],
    ["A".repeat(129)],
    [`${"A".repeat(43)}!`],
    [`${"A".repeat(43)}-`],
    [`${"A".repeat(40)}=AAA`],
    [undefined],
    [12],
  ])("refuses %s", (n) => {
    expect(codeOf(() => validateChallengeNonce(n))).toBe("ERR_INVALID_NONCE");
  });
});

describe("signedData", () => {
  it("is H(origin) ‖ H(nonce) with the algorithm's hash, and the digest is H of that", async () => {
    const h = (alg: string, s: string | Buffer) => createHash(alg).update(s).digest();
    const data = await signedData(ORIGIN, "nonce-value", "RS256");
    expect(Buffer.from(data)).toEqual(Buffer.concat([h("sha256", ORIGIN), h("sha256", "nonce-value")]));
    const d384 = await signedData(ORIGIN, "nonce-value", "PS384");
    expect(d384).toHaveLength(96);
    expect(Buffer.from(await signedDigest(ORIGIN, "nonce-value", "RS512"))).toEqual(
      h("sha512", Buffer.concat([h("sha512", ORIGIN), h("sha512", "nonce-value")])),
    );
    // Field separation: moving characters between origin and nonce changes the signed data.
    const a = await signedData("https://example.com", ".eu1234", "RS256");
    const b = await signedData("https://example.com.eu", "1234", "RS256");
    expect(bytesToBase64(a)).not.toBe(bytesToBase64(b));
  });
});
