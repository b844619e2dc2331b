/**
 * The happy path over the real card stack (issue 4 "Done when"): the agent process (`cps-bridge start --test-mode`)
 * with its real card service, real pcscd, vpcd and the test bench's virtual CPS3 and CPS4. A paired, authenticated
 * client verifies the PIN and signs a login token; `verifyLoginToken` (protocol) accepts it with the test PKI's
 * anchors and returns the holder, and refuses tampered tokens, another origin, another nonce.
 */
import { readFileSync } from "node:fs";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import { type LoginToken, newChallengeNonce, verifyLoginToken } from "@cps-bridge/protocol/login-token";
import { Testbed } from "@cps-bridge/scripts/testbed/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeSigner } from "./fake-card-service";
import { type SpawnedAgent, spawnAgent } from "./spawn-agent";
import { BridgeTestClient, type ClientIdentity } from "./test-client";

const ORIGIN = "https://portal.test.example";
let tb: Testbed;
let agent: SpawnedAgent;
let client: BridgeTestClient;
let anchors: string[];

beforeAll(async () => {
  tb = await Testbed.start();
  anchors = readFileSync(tb.trustAnchorsPath, "utf8").match(
    /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
  )!;
  agent = await spawnAgent({ args: ["--test-mode", "--test-anchors", tb.trustAnchorsPath] });
  client = await BridgeTestClient.connect(agent.port);
  await client.hello();
  const id: ClientIdentity = await client.pair(await agent.openPairing(), "login itest");
  await client.authenticate(id, agent.port);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await agent?.close();
  await tb?.stop();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return isBridgeError(e) ? e.code : String(e);
  }
}

/** Waits until the agent has read the card's identity (card.updated with a holder, or already cached). */
async function cardReady(reader: string) {
  for (let i = 0; i < 100; i++) {
    const r = (await client.request("readers.list", {})).readers.find((x) => x.name === reader);
    if (r?.holder && r.pin) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`card in ${reader} not read in time`);
}

const tokens: Record<string, { token: LoginToken; nonce: string }> = {};

describe.each(["cps3", "cps4"] as const)("login with a %s", (profile) => {
  it("verifies the PIN and signs a token that verifyLoginToken accepts", async () => {
    const inserted = await tb.swap(0, profile, { holder: { surname: profile === "cps3" ? "DUPONT" : "MARTIN" } });
    const reader = inserted.reader.name;
    const status = await cardReady(reader);
    expect(status.cardType).toBe(profile);
    expect(status.certificate?.chain).toBe("test");

    const nonce = newChallengeNonce();
    expect(await codeOf(client.request("login.sign", { origin: ORIGIN, challengeNonce: nonce, reader }))).toBe(
      "ERR_PIN_REQUIRED",
    );
    expect(await codeOf(client.request("pin.verify", { pin: "0000", reader }))).toBe("ERR_PIN_INCORRECT");
    const pin = await client.request("pin.verify", { pin: "1234", reader });
    expect(pin).toMatchObject({ verified: true, blocked: false });
    const token = await client.request("login.sign", { origin: ORIGIN, challengeNonce: nonce, reader });
    expect(token.format).toBe("cps-bridge:1.0");
    expect(token.appVersion).toMatch(/^urn:cps-bridge:agent:\d/);
    tokens[profile] = { token, nonce };

    const verified = await verifyLoginToken({ token, origin: ORIGIN, nonce, trustAnchors: anchors });
    expect(verified.holder.surname).toBe(status.holder?.surname);
    expect(verified.holder.nationalId).toBe(status.holder?.nationalId);
  });

  it("refuses the token when tampered, for another origin, or for another nonce", async () => {
    const { token, nonce } = tokens[profile]!;
    const sig = Buffer.from(token.signature, "base64");
    sig[sig.length - 1]! ^= 0x01;
    const tampered = { ...token, signature: sig.toString("base64") };
    expect(await codeOf(verifyLoginToken({ token: tampered, origin: ORIGIN, nonce, trustAnchors: anchors }))).toBe(
      "ERR_TOKEN_SIGNATURE_INVALID",
    );
    expect(
      await codeOf(verifyLoginToken({ token, origin: "https://evil.example", nonce, trustAnchors: anchors })),
    ).toBe("ERR_TOKEN_SIGNATURE_INVALID");
    expect(
      await codeOf(verifyLoginToken({ token, origin: ORIGIN, nonce: newChallengeNonce(), trustAnchors: anchors })),
    ).toBe("ERR_TOKEN_SIGNATURE_INVALID");
    expect(
      await codeOf(
        verifyLoginToken({ token: { ...token, format: "web-eid:1.0" }, origin: ORIGIN, nonce, trustAnchors: anchors }),
      ),
    ).toBe("ERR_TOKEN_MALFORMED");
  });
});

describe("across the two cards", () => {
  it("refuses a token whose certificate was swapped for the other card's", async () => {
    const a = tokens.cps3!;
    const b = tokens.cps4!;
    const swapped = { ...a.token, unverifiedCertificate: b.token.unverifiedCertificate };
    expect(
      await codeOf(verifyLoginToken({ token: swapped, origin: ORIGIN, nonce: a.nonce, trustAnchors: anchors })),
    ).toBe("ERR_TOKEN_SIGNATURE_INVALID");
  });

  it("refuses a token when the verifier trusts another root (a test card on a production portal)", async () => {
    const { token, nonce } = tokens.cps4!;
    const otherRoot = (await createFakeSigner()).certificate;
    expect(
      await codeOf(verifyLoginToken({ token, origin: ORIGIN, nonce, trustAnchors: [new Uint8Array(otherRoot)] })),
    ).toBe("ERR_TOKEN_CERT_INVALID");
  });
});
