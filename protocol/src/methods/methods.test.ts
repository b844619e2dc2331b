import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame, okResponse, requestFrame } from "../envelope";
import { ERRORS } from "../errors";
import {
  agentCapabilities,
  decodeRequest,
  decodeResult,
  METHOD_NAMES,
  METHODS,
  type MethodName,
  type ParamsOf,
  PRE_AUTH_METHODS,
  type ResultOf,
} from "./index";

const b64 = (n: number) => Buffer.alloc(n, 7).toString("base64");
const nonce = b64(32);
const sig = b64(64);
const spki = b64(91);
const reader = {
  name: "Virtual PCD 00 00",
  state: "present" as const,
  atr: "3BAC00402A001225006480000310009000",
  cardType: "cps3" as const,
  holder: {
    nationalId: "810001234567",
    idType: "RPPS" as const,
    surname: "DUPONT",
    givenName: "JEAN",
    profession: "Médecin",
    kind: "CPS" as const,
  },
  pin: { triesLeft: 3, maxTries: 3, blocked: false, verified: false },
};
const pin = { triesLeft: 3, maxTries: 3, blocked: false, verified: true };

/** One valid call and answer per method: the round trip must keep them intact. */
const SAMPLES: { [M in MethodName]: { params: ParamsOf<M>; result: ResultOf<M> } } = {
  hello: {
    params: { protocolVersion: "1.0", client: { name: "cps-bridge-extension", version: "0.1.0" }, lang: "fr" },
    result: {
      agentVersion: "0.1.0",
      protocolVersion: "1.0",
      capabilities: agentCapabilities(),
      testMode: false,
      pairing: { open: false },
    },
  },
  "pair.complete": {
    params: { code: "123456", clientPublicKey: spki, label: "Chrome — Dr Martin" },
    result: { clientId: "c_0123456789abcdef", agentPublicKey: spki },
  },
  "auth.challenge": {
    params: { clientId: "c_0123456789abcdef", clientNonce: nonce },
    result: { agentNonce: nonce, agentSignature: sig },
  },
  "auth.prove": {
    params: { clientId: "c_0123456789abcdef", agentNonce: nonce, signature: sig },
    result: { authenticated: true, clientId: "c_0123456789abcdef" },
  },
  heartbeat: { params: {}, result: { time: "2026-06-01T10:00:00.000Z" } },
  "readers.list": { params: {}, result: { pcsc: "up", readers: [reader, { name: "Empty", state: "empty" }] } },
  "card.status": { params: { reader: "Virtual PCD 00 00", wait: false }, result: reader },
  "pin.status": { params: {}, result: pin },
  "pin.verify": { params: { pin: "1234", confirmLastTry: true }, result: pin },
  "login.sign": {
    params: { origin: "https://trajectoire.sante-ra.fr", challengeNonce: nonce },
    result: {
      unverifiedCertificate: b64(1500),
      algorithm: "RS256",
      signature: b64(256),
      format: "cps-bridge:1.0",
      appVersion: "urn:cps-bridge:agent:0.1.0",
    },
  },
  "diagnostics.run": {
    params: { revocation: false, portalOrigin: "https://trajectoire.sante-ra.fr" },
    result: {
      results: [
        {
          id: "card.type",
          side: "agent",
          verdict: "failed",
          code: "DIAG_CARD_NOT_CPS",
          params: { card: "Carte Vitale 2" },
          blocking: true,
          facts: { atr: "3B8F", readers: ["CPS Test Reader 00 00"] },
          durationMs: 1.5,
        },
      ],
      agentVersion: "0.1.0",
      os: "linux",
      startedAt: "2026-12-05T10:00:00.000Z",
      totalMs: 120,
    },
  },
  "diagnostics.fix": {
    params: { fixId: "middleware.register", target: "/home/u/.pki/nssdb" },
    result: { applied: false, steps: "sudo apt install libnss3-tools" },
  },
  "mailbox.configure": {
    params: { host: "imap.orange.fr", port: 993, security: "tls", user: "dr.martin@orange.fr", password: "app-pass" },
    result: { saved: true, credentialStore: "keyring" },
  },
  "mailbox.test": { params: {}, result: { ok: true, latencyMs: 120, mailboxes: 4 } },
  "mailbox.status": {
    params: {},
    result: { configured: true, connected: false, host: "imap.orange.fr", user: "dr.martin@orange.fr" },
  },
  "otp.wait": {
    params: { since: 1_800_000_000_000, timeoutMs: 120_000, portalOrigin: "https://trajectoire.sante-ra.fr" },
    result: {
      code: "542642",
      mailDate: 1_800_000_001_000,
      sender: "no_reply.trajectoire@sante-ra.fr",
      auth: "pass",
      mailId: "m_0123456789abcdef",
    },
  },
  "otp.cancel": { params: {}, result: { cancelled: true } },
};

function decode(method: string, params: unknown) {
  return decodeRequest(encodeFrame(requestFrame("42", method, params)));
}
function errorOf(method: string, params: unknown) {
  const r = decode(method, params);
  if (r.ok) throw new Error(`expected ${method} to be refused`);
  return r.error;
}

describe("method registry", () => {
  it("names each definition after its key, and lists only existing error codes", () => {
    for (const name of METHOD_NAMES) {
      expect(METHODS[name].name).toBe(name);
      for (const code of METHODS[name].errors) expect(Object.hasOwn(ERRORS, code)).toBe(true);
      for (const code of Object.values(METHODS[name].paramErrorCodes ?? {}))
        expect(METHODS[name].errors).toContain(code);
    }
  });

  it("lets only hello, pairing, authentication and heartbeat run before authentication", () => {
    expect([...PRE_AUTH_METHODS].sort()).toEqual([
      "auth.challenge",
      "auth.prove",
      "heartbeat",
      "hello",
      "pair.complete",
    ]);
  });

  it("marks exactly the methods that talk to a card as card operations", () => {
    expect(METHOD_NAMES.filter((m) => METHODS[m].cardOperation).sort()).toEqual([
      "card.status",
      "login.sign",
      "pin.status",
      "pin.verify",
    ]);
  });
});

describe("round trips", () => {
  it.each(METHOD_NAMES)("%s: params and result survive encode → decode", (name) => {
    const { params, result } = SAMPLES[name] as { params: unknown; result: unknown };
    const r = decode(name, params);
    expect(r.ok && r.request).toMatchObject({ id: "42", method: name, params });
    const wire = JSON.parse(encodeFrame(okResponse("42", result)));
    expect(decodeResult(name, wire.result)).toEqual(result);
  });

  it("results ignore members added by a later minor; params refuse unknown members", () => {
    expect(decodeResult("heartbeat", { time: "2026-06-01T10:00:00.000Z", uptime: 5 })).toEqual({
      time: "2026-06-01T10:00:00.000Z",
    });
    expect(errorOf("heartbeat", { extra: 1 }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("card.status", { reader: "R", exclusive: true }).code).toBe("ERR_INVALID_PARAMS");
  });

  it("throws ERR_PROTOCOL on a result that breaks the contract", () => {
    expect(() => decodeResult("pin.status", { triesLeft: "3" })).toThrow(
      expect.objectContaining({ code: "ERR_PROTOCOL" }),
    );
    expect(() => decodeResult("login.sign", { ...SAMPLES["login.sign"].result, format: "web-eid:1.0" })).toThrow(
      expect.objectContaining({ code: "ERR_PROTOCOL" }),
    );
  });
});

describe("hostile params", () => {
  it("answers ERR_UNKNOWN_METHOD, flagging reserved roadmap namespaces", () => {
    expect(errorOf("card.format", {})).toMatchObject({
      code: "ERR_UNKNOWN_METHOD",
      details: { method: "card.format" },
    });
    expect(errorOf("diagnostics.later", {}).details).toEqual({ method: "diagnostics.later", reserved: true });
    expect(errorOf("otp.latest", {}).details).toMatchObject({ reserved: true });
    expect(errorOf("toString", {}).code).toBe("ERR_UNKNOWN_METHOD");
    expect(errorOf("constructor", {}).code).toBe("ERR_UNKNOWN_METHOD");
  });

  it.each([
    ["12345", "non-digit-free but 5 digits is fine"],
    ["12345678", "8 digits"],
  ])("pin.verify accepts %s (%s)", (p) => {
    expect(decode("pin.verify", { pin: p }).ok).toBe(true);
  });

  it.each([
    ["123"],
    ["123456789"],
    ["12a4"],
    ["１２３４"],
    ["١٢٣٤"],
    [" 1234"],
    ["1234\n"],
    [""],
    [1234],
    [null],
    [["1234"]],
    [{ toString: "1234" }],
  ])("pin.verify refuses %j with ERR_PIN_FORMAT and never echoes it", (p) => {
    const e = errorOf("pin.verify", { pin: p });
    expect(e.code).toBe("ERR_PIN_FORMAT");
    expect(e.details).toMatchObject({ method: "pin.verify", issues: [expect.objectContaining({ path: "pin" })] });
    const text = JSON.stringify({ message: e.message, details: e.details });
    if (typeof p === "string" && p.length > 0) expect(text).not.toContain(JSON.stringify(p).slice(1, -1));
    expect(text).not.toMatch(/received/i);
  });

  it("pin.verify without a pin is ERR_PIN_FORMAT; other bad members are ERR_INVALID_PARAMS", () => {
    expect(errorOf("pin.verify", {}).code).toBe("ERR_PIN_FORMAT");
    expect(errorOf("pin.verify", { pin: "1234", confirmLastTry: "yes" }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("pin.verify", { pin: "1234", reader: "" }).code).toBe("ERR_INVALID_PARAMS");
  });

  it("login.sign maps bad origins and nonces to their own codes", () => {
    expect(errorOf("login.sign", { origin: "x".repeat(256), challengeNonce: nonce }).code).toBe("ERR_INVALID_ORIGIN");
    expect(errorOf("login.sign", { challengeNonce: nonce }).code).toBe("ERR_INVALID_ORIGIN");
    expect(errorOf("login.sign", { origin: "https://a.fr", challengeNonce: "c2hvcnQ=" }).code).toBe(
      "ERR_INVALID_NONCE",
    );
    expect(errorOf("login.sign", { origin: "https://a.fr", challengeNonce: `${nonce}%%` }).code).toBe(
      "ERR_INVALID_NONCE",
    );
  });

  it("hello refuses malformed versions and oversized or control-character names", () => {
    const ok = SAMPLES.hello.params;
    expect(errorOf("hello", { ...ok, protocolVersion: "1" }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("hello", { ...ok, protocolVersion: "1.0.0" }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("hello", { ...ok, client: { name: "x".repeat(65), version: "1" } }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("hello", { ...ok, client: { name: "evil\u001b[31m", version: "1" } }).code).toBe(
      "ERR_INVALID_PARAMS",
    );
    expect(errorOf("hello", { ...ok, lang: "de" }).code).toBe("ERR_INVALID_PARAMS");
  });

  it("pair.complete and auth.* refuse malformed codes, keys, nonces and signatures", () => {
    const p = SAMPLES["pair.complete"].params;
    expect(errorOf("pair.complete", { ...p, code: "12345" }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("pair.complete", { ...p, code: "１２３４５６" }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("pair.complete", { ...p, clientPublicKey: "not base64!" }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("pair.complete", { ...p, clientPublicKey: { kty: "RSA", n: "x", e: "AQAB" } }).code).toBe(
      "ERR_INVALID_PARAMS",
    );
    expect(
      decode("pair.complete", {
        ...p,
        clientPublicKey: { kty: "EC", crv: "P-256", x: "A".repeat(43), y: "B".repeat(43) },
      }).ok,
    ).toBe(true);
    const c = SAMPLES["auth.challenge"].params;
    expect(errorOf("auth.challenge", { ...c, clientNonce: b64(31) }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("auth.challenge", { ...c, clientId: "short" }).code).toBe("ERR_INVALID_PARAMS");
    expect(errorOf("auth.prove", { ...SAMPLES["auth.prove"].params, signature: b64(72) }).code).toBe(
      "ERR_INVALID_PARAMS",
    );
  });

  it("refuses responses and events sent to the agent", () => {
    const r = decodeRequest(encodeFrame(okResponse("1", {})));
    expect(r).toMatchObject({ ok: false, id: null, error: { code: "ERR_PROTOCOL" } });
  });

  it("never throws on arbitrary params (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...METHOD_NAMES), fc.jsonValue({ maxDepth: 4 }), (method, params) => {
        const r = decode(method, params);
        if (!r.ok) expect(r.id).toBe("42");
      }),
      { numRuns: 3000 },
    );
  }, 60_000);
});
