/**
 * The bridge over a real `ws` socket on 127.0.0.1, with the in-process FakeCardService (the subject here is the
 * transport: gates, pairing, authentication, caps, deadlines, events). The same scenarios against the real card
 * stack are in bridge.itest.ts.
 */

import { verify } from "node:crypto";
import { Writable } from "node:stream";
import { bytesToBase64 } from "@cps-bridge/protocol/base64";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import { newChallengeNonce, signedData } from "@cps-bridge/protocol/login-token-format";
import { EXTENSION_CLIENT_NAME, MIN_EXTENSION_RELEASE, PROTOCOL_VERSION } from "@cps-bridge/protocol/version";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { createFakeSigner, FakeCardService, type FakeSigner } from "./fake-card-service";
import { BridgeTestClient, CHROME_ORIGIN, handshakeStatus } from "./test-client";
import { startTestBridge, type TestBridge } from "./test-harness";

const FIREFOX_ORIGIN = "moz-extension://0b0e2f52-6a7c-4e0a-9a55-2b7d3c1c9f10";

let signer: FakeSigner;
beforeAll(async () => {
  signer = await createFakeSigner();
});

const open: Array<TestBridge | BridgeTestClient> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

async function bridge(opts: Parameters<typeof startTestBridge>[0] = { cardService: new FakeCardService() }) {
  const b = await startTestBridge(opts);
  open.push(b);
  return b;
}
async function client(port: number, options?: Parameters<typeof BridgeTestClient.connect>[1]) {
  const c = await BridgeTestClient.connect(port, options);
  open.push(c);
  return c;
}
async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isBridgeError(e)) return e.code;
    throw e;
  }
  return "resolved";
}

describe("handshake gates", () => {
  it("lets in only the pinned Chrome origin and Firefox origins, on the right Host", async () => {
    const { port } = await bridge();
    expect(await handshakeStatus(port)).toBe("open");
    expect(await handshakeStatus(port, { host: `localhost:${port}` })).toBe("open");
    expect(await handshakeStatus(port, { origin: FIREFOX_ORIGIN })).toBe("open");
    expect(await handshakeStatus(port, { origin: "https://evil.example" })).toBe(403);
    expect(await handshakeStatus(port, { origin: "http://127.0.0.1:8080" })).toBe(403);
    expect(await handshakeStatus(port, { origin: "null" })).toBe(403);
    expect(await handshakeStatus(port, { origin: null })).toBe(403);
    expect(await handshakeStatus(port, { origin: "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })).toBe(403);
    expect(await handshakeStatus(port, { origin: `${CHROME_ORIGIN}.evil` })).toBe(403);
    expect(await handshakeStatus(port, { origin: CHROME_ORIGIN.toUpperCase() })).toBe(403);
    expect(await handshakeStatus(port, { host: `evil.example:${port}` })).toBe(421);
    expect(await handshakeStatus(port, { host: `127.0.0.1:${port + 1}` })).toBe(421);
    expect(await handshakeStatus(port, { host: "127.0.0.1" })).toBe(421);
  });

  it("refuses connections beyond the caps with 503 and keeps serving", async () => {
    const b = await bridge({
      cardService: new FakeCardService(),
      configure: (c) => {
        c.limits.maxConnections = 4;
        c.limits.maxUnauthenticated = 3;
      },
    });
    const a = await client(b.port);
    await b.pairAndAuth(a);
    const others = await Promise.all([client(b.port), client(b.port), client(b.port)]);
    expect(await handshakeStatus(b.port)).toBe(503); // 3 unauthenticated already
    await others[0]!.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(b.server.stats().connections).toBe(3);
    const late = await client(b.port);
    expect((await late.hello()).protocolVersion).toBe(PROTOCOL_VERSION);
    expect(await handshakeStatus(b.port)).toBe(503); // 4 connections
  });
});

describe("hello and the authentication gate", () => {
  it("requires hello first, then refuses every card method before authentication", async () => {
    const { port } = await bridge();
    const c = await client(port);
    expect(await errorCode(c.request("readers.list", {}))).toBe("ERR_PROTOCOL");
    const h = await c.hello();
    expect(h.capabilities).toContain("login.sign");
    expect(h.testMode).toBe(true);
    const state = await c.waitForEvent((e) => e.event === "agent.state");
    expect(state.data).toEqual({ pcsc: "up", pairing: { open: false } });
    for (const m of ["readers.list", "card.status", "pin.status"] as const) {
      expect(await errorCode(c.request(m, {}))).toBe("ERR_NOT_AUTHENTICATED");
    }
    expect(await errorCode(c.request("pin.verify", { pin: "1234" }))).toBe("ERR_NOT_AUTHENTICATED");
    // Params are not looked at before the gate: a malformed PIN is still ERR_NOT_AUTHENTICATED.
    expect(await errorCode(c.request("pin.verify", { pin: "x" } as never))).toBe("ERR_NOT_AUTHENTICATED");
    expect(
      await errorCode(c.request("login.sign", { origin: "https://a.example", challengeNonce: newChallengeNonce() })),
    ).toBe("ERR_NOT_AUTHENTICATED");
    expect((await c.request("heartbeat", {})).time).toMatch(/^\d{4}-/);
  });

  it("answers a different protocol major with ERR_VERSION_MISMATCH naming the side to update, then closes 4001", async () => {
    const { port } = await bridge();
    const c = await client(port);
    const f = await c.call("hello", { protocolVersion: "2.0", client: { name: "x", version: "1" } });
    expect(f.ok).toBe(false);
    if (!f.ok) {
      expect(f.error.code).toBe("ERR_VERSION_MISMATCH");
      expect(f.error.details?.requiresUpdate).toBe("agent");
    }
    expect(await c.closed).toBe(4001);
  });

  it("answers an extension older than MIN_EXTENSION_RELEASE with ERR_VERSION_MISMATCH (update the extension), then closes 4001", async () => {
    const { port } = await bridge();
    const c = await client(port);
    const client_ = { name: EXTENSION_CLIENT_NAME, version: "0.0.1" };
    const f = await c.call("hello", { protocolVersion: PROTOCOL_VERSION, client: client_ });
    expect(f.ok).toBe(false);
    if (!f.ok) {
      expect(f.error.code).toBe("ERR_VERSION_MISMATCH");
      expect(f.error.details).toMatchObject({ requiresUpdate: "extension", clientRelease: "0.0.1" });
    }
    expect(await c.closed).toBe(4001);
    const ok = await client(port);
    const g = await ok.call("hello", {
      protocolVersion: PROTOCOL_VERSION,
      client: { name: EXTENSION_CLIENT_NAME, version: MIN_EXTENSION_RELEASE },
    });
    expect(g.ok).toBe(true);
  });

  it("pairs, authenticates both ways, and refuses a replayed auth.prove", async () => {
    const b = await bridge();
    const c = await client(b.port);
    const id = await b.pairAndAuth(c);
    expect(b.server.services.pairings.byId(id.clientId)?.origin).toBe(CHROME_ORIGIN);
    const status = await c.request("readers.list", {});
    expect(status.readers[0]?.name).toBe("Fake Reader 00");

    // Replay on a new connection: a fresh challenge exists, but the old proof is bound to the old nonces.
    const d = await client(b.port);
    await d.hello();
    const first = await client(b.port);
    await first.hello();
    const { proveParams } = await first.authenticate(id, b.port);
    await d.request("auth.challenge", { clientId: id.clientId, clientNonce: bytesToBase64(new Uint8Array(32)) });
    expect(await errorCode(d.request("auth.prove", proveParams))).toBe("ERR_AUTH_FAILED");
    expect(await d.closed).toBe(4003);
    // Replay on the same connection: the challenge was consumed by the first proof.
    expect(await errorCode(first.request("auth.prove", proveParams))).toBe("ERR_AUTH_FAILED");
  });

  it("runs diagnostics.run for an authenticated client, streaming diagnostics.progress, and refuses a foreign portal", async () => {
    const b = await bridge();
    const c = await client(b.port);
    await b.pairAndAuth(c);
    const run = await c.request("diagnostics.run", { portalOrigin: "http://127.0.0.1:9" });
    expect(run.results.find((r) => r.id === "card.type")?.verdict).toBe("ok");
    const progress = c.events.filter((e) => e.event === "diagnostics.progress");
    expect(progress.length).toBe(run.results.length);
    expect(await errorCode(c.request("diagnostics.run", { portalOrigin: "https://example.org" }))).toBe(
      "ERR_INVALID_PARAMS",
    );
  });

  it("refuses auth.prove without a challenge, with a wrong key, and auth for an unknown client", async () => {
    const b = await bridge();
    const c = await client(b.port);
    const id = await b.pairAndAuth(c);
    const x = await client(b.port);
    await x.hello();
    expect(
      await errorCode(
        x.request("auth.challenge", { clientId: "unknown-client", clientNonce: bytesToBase64(new Uint8Array(32)) }),
      ),
    ).toBe("ERR_NOT_PAIRED");
    const y = await client(b.port);
    await y.hello();
    const stranger = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    expect(await errorCode(y.authenticate({ ...id, keyPair: stranger as CryptoKeyPair }, b.port))).toBe(
      "ERR_AUTH_FAILED",
    );
    expect(await y.closed).toBe(4003);
    const z = await client(b.port);
    await z.hello();
    expect(
      await errorCode(
        z.request("auth.prove", {
          clientId: id.clientId,
          agentNonce: bytesToBase64(new Uint8Array(32)),
          signature: bytesToBase64(new Uint8Array(64)),
        }),
      ),
    ).toBe("ERR_AUTH_FAILED");
  });

  it("a key authenticates only from the origin it was paired from", async () => {
    const b = await bridge();
    const c = await client(b.port);
    const id = await b.pairAndAuth(c); // paired from the Chrome origin
    const ff = await client(b.port, { origin: FIREFOX_ORIGIN });
    await ff.hello();
    expect(await errorCode(ff.authenticate(id, b.port, FIREFOX_ORIGIN))).toBe("ERR_NOT_PAIRED");
  });
});

describe("pairing", () => {
  it("locks the window after 5 wrong codes; the right code no longer works", async () => {
    const b = await bridge();
    const c = await client(b.port);
    await c.hello();
    const code = b.openPairing();
    const wrong = code === "000000" ? "111111" : "000000";
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(await errorCode(c.pair(wrong)));
    expect(codes).toEqual([...new Array(4).fill("ERR_PAIRING_CODE_WRONG"), "ERR_PAIRING_LOCKED"]);
    expect(await errorCode(c.pair(code))).toBe("ERR_PAIRING_LOCKED");
    expect(b.server.services.pairings.size).toBe(0);
    expect(() => b.server.openPairingWindow()).toThrow(/locked/);
  });

  it("refuses pairing without a window, and rate-limits code attempts across connections", async () => {
    const b = await bridge({
      cardService: new FakeCardService(),
      configure: (c) => {
        c.rates.pairing.perPeer = { limit: 3, windowMs: 60_000 };
      },
    });
    const c = await client(b.port);
    await c.hello();
    expect(await errorCode(c.pair("123456"))).toBe("ERR_PAIRING_WINDOW_CLOSED");
    const code = b.openPairing();
    const wrong = code === "000000" ? "111111" : "000000";
    expect(await errorCode(c.pair(wrong))).toBe("ERR_PAIRING_CODE_WRONG");
    const d = await client(b.port);
    await d.hello();
    // Third attempt of this peer (the one without a window counted too), from another connection: still counted.
    expect(await errorCode(d.pair(wrong))).toBe("ERR_PAIRING_CODE_WRONG");
    const f = await d.call("pair.complete", { code, clientPublicKey: "AAAA", label: "x" });
    expect(f.ok === false && f.error.code).toBe("ERR_RATE_LIMITED");
    expect(f.ok === false && (f.error.details?.retryAfterMs as number)).toBeGreaterThan(0);
  });

  it("lets an unpaired Firefox origin call only hello, heartbeat and pair.complete, then authenticate", async () => {
    const b = await bridge();
    const ff = await client(b.port, { origin: FIREFOX_ORIGIN });
    await ff.hello();
    expect(await errorCode(ff.request("readers.list", {}))).toBe("ERR_NOT_AUTHENTICATED");
    expect(
      await errorCode(
        ff.request("auth.challenge", { clientId: "abcdefgh", clientNonce: bytesToBase64(new Uint8Array(32)) }),
      ),
    ).toBe("ERR_NOT_PAIRED");
    const id = await ff.pair(b.openPairing(), "Firefox");
    await ff.authenticate(id, b.port, FIREFOX_ORIGIN);
    expect((await ff.request("readers.list", {})).pcsc).toBe("up");
    // Once paired, a new connection from that origin is a normal one.
    const again = await client(b.port, { origin: FIREFOX_ORIGIN });
    await again.hello();
    await again.authenticate(id, b.port, FIREFOX_ORIGIN);
  });

  it("unpair closes the connections of that client (4004)", async () => {
    const b = await bridge();
    const c = await client(b.port);
    const id = await b.pairAndAuth(c);
    expect(b.server.revokePairing(id.clientId)).toBe(id.clientId);
    expect(await c.closed).toBe(4004);
    const d = await client(b.port);
    await d.hello();
    expect(await errorCode(d.authenticate(id, b.port))).toBe("ERR_NOT_PAIRED");
  });
});

describe("methods", () => {
  it("pin.verify: wrong PIN counts down, malformed PIN is ERR_PIN_FORMAT without echo, buffers wiped, PIN never logged", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const card = new FakeCardService({ pin: "4321" });
    const b = await bridge({ cardService: card, log: createLogger({ destination: sink, level: "trace" }) });
    const c = await client(b.port);
    await b.pairAndAuth(c);
    const bad = await c.call("pin.verify", { pin: "9876" });
    expect(bad.ok === false && bad.error.code).toBe("ERR_PIN_INCORRECT");
    expect(bad.ok === false && bad.error.details?.triesLeft).toBe(2);
    const malformed = await c.call("pin.verify", { pin: "12a4567" });
    expect(malformed.ok === false && malformed.error.code).toBe("ERR_PIN_FORMAT");
    expect(JSON.stringify(malformed)).not.toContain("12a4567");
    const good = await c.request("pin.verify", { pin: "4321" });
    expect(good).toMatchObject({ verified: true, triesLeft: 3 });
    expect(card.seenPinBuffers.length).toBe(2);
    for (const buf of card.seenPinBuffers) expect([...buf].every((x) => x === 0)).toBe(true);
    const all = lines.join("");
    expect(all).toContain('"method":"pin.verify"');
    for (const secret of ["9876", "4321", "12a4567"]) expect(all).not.toContain(secret);
  });

  it("pin.verify is rate-limited (ERR_RATE_LIMITED with retryAfterMs)", async () => {
    const b = await bridge({
      cardService: new FakeCardService({ maxTries: 100 }),
      configure: (c) => {
        c.rates.pin.perPeer = { limit: 2, windowMs: 60_000 };
      },
    });
    const c = await client(b.port);
    await b.pairAndAuth(c);
    await errorCode(c.request("pin.verify", { pin: "0000" }));
    await errorCode(c.request("pin.verify", { pin: "0000" }));
    const f = await c.call("pin.verify", { pin: "0000" });
    expect(f.ok === false && f.error.code).toBe("ERR_RATE_LIMITED");
    expect(f.ok === false && (f.error.details?.retryAfterMs as number)).toBeGreaterThan(50_000);
  });

  it("login.sign: signs H(origin) ‖ H(nonce) after the PIN; refuses http origins outside test mode and bad nonces", async () => {
    const card = new FakeCardService({ signer });
    const b = await bridge({ cardService: card });
    const c = await client(b.port);
    await b.pairAndAuth(c);
    const nonce = newChallengeNonce();
    expect(await errorCode(c.request("login.sign", { origin: "https://portal.example", challengeNonce: nonce }))).toBe(
      "ERR_PIN_REQUIRED",
    );
    await c.request("pin.verify", { pin: "1234" });
    const token = await c.request("login.sign", { origin: "https://Portal.Example:443", challengeNonce: nonce });
    expect(token).toMatchObject({
      algorithm: "RS256",
      format: "cps-bridge:1.0",
      appVersion: "urn:cps-bridge:agent:0.0.0-test",
    });
    const data = await signedData("https://portal.example", nonce, "RS256");
    const ok = verify("sha256", data, signer.publicKey, Buffer.from(token.signature, "base64"));
    expect(ok).toBe(true);
    const wrongOrigin = await signedData("https://other.example", nonce, "RS256");
    expect(verify("sha256", wrongOrigin, signer.publicKey, Buffer.from(token.signature, "base64"))).toBe(false);
    expect(await errorCode(c.request("login.sign", { origin: "http://localhost:3000", challengeNonce: nonce }))).toBe(
      "resolved",
    ); // test mode
    expect(await errorCode(c.request("login.sign", { origin: "http://evil.example", challengeNonce: nonce }))).toBe(
      "ERR_INVALID_ORIGIN",
    );
    expect(await errorCode(c.request("login.sign", { origin: "https://a.example/path", challengeNonce: nonce }))).toBe(
      "ERR_INVALID_ORIGIN",
    );
    expect(await errorCode(c.request("login.sign", { origin: "https://a.example", challengeNonce: "short" }))).toBe(
      "ERR_INVALID_NONCE",
    );

    const prod = await bridge({ cardService: card, configure: (x) => (x.testMode = false) });
    const p = await client(prod.port);
    await prod.pairAndAuth(p);
    expect(await errorCode(p.request("login.sign", { origin: "http://localhost:3000", challengeNonce: nonce }))).toBe(
      "ERR_INVALID_ORIGIN",
    );
  });

  it("one card operation at a time: wait:false gets ERR_ACTION_PENDING", async () => {
    const b = await bridge({ cardService: new FakeCardService({ operationMs: 200 }) });
    const c = await client(b.port);
    await b.pairAndAuth(c);
    const first = c.request("card.status", {});
    await new Promise((r) => setTimeout(r, 20));
    expect(await errorCode(c.request("pin.status", { wait: false }))).toBe("ERR_ACTION_PENDING");
    const queued = c.request("pin.status", {});
    expect((await first).name).toBe("Fake Reader 00");
    expect((await queued).triesLeft).toBe(3);
  });

  it("caps in-flight requests per connection (ERR_TOO_MANY_REQUESTS)", async () => {
    const b = await bridge({
      cardService: new FakeCardService({ operationMs: 100 }),
      configure: (c) => {
        c.limits.maxInFlightPerConnection = 4;
      },
    });
    const c = await client(b.port);
    await b.pairAndAuth(c);
    const frames = await Promise.all(Array.from({ length: 6 }, () => c.call("card.status", {})));
    const codes = frames.map((f) => (f.ok ? "ok" : f.error.code));
    expect(codes.filter((x) => x === "ok").length).toBe(4);
    expect(codes.filter((x) => x === "ERR_TOO_MANY_REQUESTS").length).toBe(2);
  });

  it("answers ERR_TIMEOUT when the card service does not finish before the deadline", async () => {
    const card = new FakeCardService();
    const b = await bridge({ cardService: card, configure: (c) => (c.limits.maxRequestTimeoutMs = 150) });
    const c = await client(b.port);
    await b.pairAndAuth(c);
    card.hang = true;
    expect(await errorCode(c.request("card.status", {}))).toBe("ERR_TIMEOUT");
    card.hang = false;
    expect((await c.request("card.status", {})).name).toBe("Fake Reader 00");
  });
});

describe("events, heartbeat, deadlines, shutdown", () => {
  it("fans card events out to authenticated connections only; agent.state to all past hello", async () => {
    const card = new FakeCardService();
    const b = await bridge({ cardService: card });
    const authed = await client(b.port);
    await b.pairAndAuth(authed);
    const anon = await client(b.port);
    await anon.hello();
    card.emit({ type: "card.removed", reader: "Fake Reader 00" });
    card.emit({ type: "pcsc.state", state: "down" });
    const removed = await authed.waitForEvent((e) => e.event === "card.removed");
    expect(removed.data).toEqual({ reader: "Fake Reader 00" });
    await anon.waitForEvent((e) => e.event === "agent.state" && (e.data as { pcsc: string }).pcsc === "down");
    expect(anon.events.some((e) => e.event === "card.removed")).toBe(false);
    const seqs = authed.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it("sends a heartbeat event when idle, and closes silent connections (4000)", async () => {
    const b = await bridge({
      cardService: new FakeCardService(),
      configure: (c) => {
        c.limits.heartbeatMs = 100;
        c.limits.idleTimeoutMs = 600;
        c.limits.helloTimeoutMs = 300;
      },
    });
    const c = await client(b.port);
    await c.hello();
    const hb = await c.waitForEvent((e) => e.event === "heartbeat", 2000);
    expect((hb.data as { time: string }).time).toMatch(/Z$/);
    expect(await c.closed).toBe(4000); // nothing sent by the client for 600 ms
    const silent = await client(b.port);
    expect(await silent.closed).toBe(4000); // no hello within 300 ms
  });

  it("closes on a frame over 64 KiB (1009), on a binary frame (1008), and keeps serving others", async () => {
    const { port } = await bridge();
    const big = await client(port);
    await big.hello();
    big.sendRaw(
      JSON.stringify({ v: 1, id: "x", type: "req", method: "heartbeat", params: { pad: "x".repeat(70_000) } }),
    );
    expect(await big.closed).toBe(1009);
    const bin = await client(port);
    await bin.hello();
    bin.sendRaw(Buffer.from([1, 2, 3]), true);
    expect(await bin.closed).toBe(1008);
    const ok = await client(port);
    expect((await ok.hello()).agentVersion).toBe("0.0.0-test");
  });

  it("stop() closes every connection with 1001", async () => {
    const b = await startTestBridge({ cardService: new FakeCardService() });
    const c = await BridgeTestClient.connect(b.port);
    await c.hello();
    await b.close();
    expect(await c.closed).toBe(1001);
  });
});
