import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AUTH_CONTEXT,
  type AuthTranscriptInput,
  authTranscript,
  exportAuthPublicKey,
  generateAuthKeyPair,
  importAuthPublicKey,
  newAuthNonce,
  signTranscript,
  verifyTranscript,
} from "./auth-transcript";
import { BridgeError } from "./errors";

const base: AuthTranscriptInput = {
  role: "agent",
  protocolMajor: 1,
  port: 17777,
  origin: "chrome-extension://banlgmakknkcdfmohidddadanllieedl",
  clientId: "c_0123456789abcdef",
  clientNonce: new Uint8Array(32).fill(0x11),
  agentNonce: new Uint8Array(32).fill(0x22),
};

describe("authTranscript", () => {
  it("lays out the bytes exactly as documented", () => {
    const t = authTranscript(base);
    const hex = Buffer.from(t).toString("hex");
    const origin = Buffer.from(base.origin);
    expect(Buffer.from(t.subarray(0, 18)).toString("ascii")).toBe(AUTH_CONTEXT);
    expect(t[18]).toBe(0x00);
    expect(t[19]).toBe(0x41); // "A": the agent proves
    expect(t[20]).toBe(1);
    expect((t[21]! << 8) | t[22]!).toBe(17777);
    expect((t[23]! << 8) | t[24]!).toBe(origin.length);
    expect(Buffer.from(t.subarray(25, 25 + origin.length)).equals(origin)).toBe(true);
    const o = 25 + origin.length;
    expect(t[o]).toBe(base.clientId.length);
    expect(Buffer.from(t.subarray(o + 1, o + 1 + base.clientId.length)).toString("ascii")).toBe(base.clientId);
    const n = o + 1 + base.clientId.length;
    expect(t.subarray(n, n + 32).every((b) => b === 0x11)).toBe(true);
    expect(t.subarray(n + 32).every((b) => b === 0x22)).toBe(true);
    expect(t.length).toBe(n + 64);
    // Golden value: another client implementation (docs/protocol.md §4) must produce this exact transcript.
    expect(createHash("sha256").update(t).digest("hex")).toBe(GOLDEN_SHA256);
    expect(hex.startsWith("6370732d6272696467652d617574682d76310041014571")).toBe(true);
  });

  it("is deterministic and differs in every field", () => {
    const ref = Buffer.from(authTranscript(base)).toString("hex");
    expect(Buffer.from(authTranscript({ ...base })).toString("hex")).toBe(ref);
    const variants: Partial<AuthTranscriptInput>[] = [
      { role: "client" },
      { protocolMajor: 2 },
      { port: 17778 },
      { origin: "moz-extension://1b2c3d4e-0000-4000-8000-000000000000" },
      { clientId: "c_0123456789abcdeg" },
      { clientNonce: new Uint8Array(32).fill(0x12) },
      { agentNonce: new Uint8Array(32).fill(0x23) },
    ];
    for (const v of variants) expect(Buffer.from(authTranscript({ ...base, ...v })).toString("hex")).not.toBe(ref);
  });

  it.each<[string, Partial<AuthTranscriptInput>]>([
    ["role", { role: "mallory" as "agent" }],
    ["protocolMajor", { protocolMajor: 256 }],
    ["port", { port: 0 }],
    ["port", { port: 70000 }],
    ["origin", { origin: "" }],
    ["origin", { origin: "x".repeat(256) }],
    ["clientId", { clientId: "short" }],
    ["clientId", { clientId: "é".repeat(10) }],
    ["clientNonce", { clientNonce: new Uint8Array(31) }],
    ["agentNonce", { agentNonce: new Uint8Array(33) }],
  ])("refuses a bad %s", (reason, v) => {
    expect(() => authTranscript({ ...base, ...v })).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_PARAMS", details: { reason } }),
    );
  });
});

describe("mutual challenge-response", { timeout: 30_000 }, () => {
  let agent: CryptoKeyPair;
  let client: CryptoKeyPair;
  beforeAll(async () => {
    agent = await generateAuthKeyPair();
    client = await generateAuthKeyPair();
  });

  it("runs both proofs with the keys exchanged at pairing (SPKI and JWK)", async () => {
    // Pairing: the client sends its public key; the agent answers its own (base64 SPKI).
    const clientKeyAtAgent = await importAuthPublicKey(await exportAuthPublicKey(client.publicKey));
    const agentKeyAtClient = await importAuthPublicKey(await exportAuthPublicKey(agent.publicKey));
    const jwk = await crypto.subtle.exportKey("jwk", client.publicKey);
    const clientKeyFromJwk = await importAuthPublicKey(jwk);

    const session = { ...base, clientNonce: newAuthNonce(), agentNonce: newAuthNonce() };
    const agentSig = await signTranscript(agent.privateKey, authTranscript({ ...session, role: "agent" }));
    expect(await verifyTranscript(agentKeyAtClient, authTranscript({ ...session, role: "agent" }), agentSig)).toBe(
      true,
    );
    const clientSig = await signTranscript(client.privateKey, authTranscript({ ...session, role: "client" }));
    expect(Buffer.from(clientSig, "base64")).toHaveLength(64);
    expect(await verifyTranscript(clientKeyAtAgent, authTranscript({ ...session, role: "client" }), clientSig)).toBe(
      true,
    );
    expect(await verifyTranscript(clientKeyFromJwk, authTranscript({ ...session, role: "client" }), clientSig)).toBe(
      true,
    );

    // A replayed proof: the agent's next challenge has a new agentNonce, so the old signature fails.
    const next = { ...session, role: "client" as const, agentNonce: newAuthNonce() };
    expect(await verifyTranscript(clientKeyAtAgent, authTranscript(next), clientSig)).toBe(false);
    // Reflection: the agent's proof is not a client proof (role byte), even if the keys were confused.
    expect(await verifyTranscript(agentKeyAtClient, authTranscript({ ...session, role: "client" }), agentSig)).toBe(
      false,
    );
    // Relay to another port or from another origin fails.
    expect(
      await verifyTranscript(clientKeyAtAgent, authTranscript({ ...session, role: "client", port: 17778 }), clientSig),
    ).toBe(false);
    expect(
      await verifyTranscript(
        clientKeyAtAgent,
        authTranscript({ ...session, role: "client", origin: "chrome-extension://aaaa" }),
        clientSig,
      ),
    ).toBe(false);
    // The wrong key.
    expect(await verifyTranscript(agentKeyAtClient, authTranscript({ ...session, role: "client" }), clientSig)).toBe(
      false,
    );
  });

  it("answers false, never throws, on malformed signatures", async () => {
    const t = authTranscript(base);
    for (const s of [
      "",
      "AAAA",
      "not base64!",
      Buffer.alloc(64).toString("base64"),
      Buffer.alloc(72, 1).toString("base64"),
    ]) {
      expect(await verifyTranscript(client.publicKey, t, s)).toBe(false);
    }
  });

  it("refuses keys that are not P-256 public keys", async () => {
    const rsa = await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
    const rsaSpki = Buffer.from(await crypto.subtle.exportKey("spki", rsa.publicKey)).toString("base64");
    const p384 = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"]);
    const p384Jwk = await crypto.subtle.exportKey("jwk", p384.publicKey);
    const privJwk = await crypto.subtle.exportKey("jwk", (await generateAuthKeyPair(true)).privateKey);
    const good = await crypto.subtle.exportKey("jwk", client.publicKey);
    const offCurve = { ...good, y: good.x };
    for (const k of [rsaSpki, "AAAA", "not base64", p384Jwk, privJwk, offCurve, { kty: "EC", crv: "P-256" }]) {
      await expect(importAuthPublicKey(k as string)).rejects.toSatisfy(
        (e: unknown) => e instanceof BridgeError && e.code === "ERR_INVALID_PARAMS",
      );
    }
  });
});

/** Computed independently from the documented layout (a 10-line Python script, docs/protocol.md §4.3). */
const GOLDEN_SHA256 = "474945a5a5ef92c2eaea9ea37e5247c6781b06d85f74eeeb7187c21fea9a3672";
