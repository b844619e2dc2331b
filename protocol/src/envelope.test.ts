import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeFrame,
  errorResponse,
  eventFrame,
  type FrameParseResult,
  fromWireError,
  markImmutable,
  okResponse,
  parseFrame,
  requestFrame,
  toWireError,
} from "./envelope";
import { BridgeError, ERROR_CODES } from "./errors";
import { MAX_FRAME_BYTES } from "./limits";

function failure(r: FrameParseResult) {
  if (r.ok) throw new Error("expected a failure");
  return { code: r.error.code, id: r.id, reason: r.error.details?.reason };
}

describe("parseFrame", () => {
  it("round-trips requests, responses and events", () => {
    const frames = [
      requestFrame("1", "card.status", { reader: "R" }),
      requestFrame("6f1c2e9a-4b7d-4c35-9e2a-0d3f5b7a9c11", "hello", {}),
      okResponse("1", { a: 1 }),
      errorResponse("2", new BridgeError("ERR_NO_CARD")),
      errorResponse(null, new BridgeError("ERR_PROTOCOL")),
      eventFrame("card.removed", { reader: "R" }, 1),
    ];
    for (const f of frames) {
      const r = parseFrame(encodeFrame(f));
      expect(r).toEqual({ ok: true, frame: f });
    }
  });

  it("treats an absent params as allowed (methods validate it) and ignores unknown envelope members", () => {
    const r = parseFrame(JSON.stringify({ v: 1, id: "7", type: "req", method: "heartbeat", future: true }));
    expect(r.ok && r.frame).toEqual({ v: 1, id: "7", type: "req", method: "heartbeat" });
  });

  it.each([
    [42, "not a text frame"],
    [new Uint8Array([123, 125]), "not a text frame"],
    ["", "not JSON"],
    ["{", "not JSON"],
    ["null", "not a JSON object"],
    ["[1,2]", "not a JSON object"],
    ['"req"', "not a JSON object"],
    ['{"type":"req","id":"1","method":"hello"}', "missing or invalid v"],
    ['{"v":"1","type":"req","id":"1","method":"hello"}', "missing or invalid v"],
    ['{"v":1,"type":"rpc","id":"1"}', "unknown type"],
    ['{"v":1,"type":"req","id":"1","method":"Hello"}', "invalid req"],
    ['{"v":1,"type":"req","id":"1","method":"a..b"}', "invalid req"],
    ['{"v":1,"type":"req","id":1,"method":"hello"}', "invalid req"],
    ['{"v":1,"type":"req","id":"has space","method":"hello"}', "invalid req"],
    [`{"v":1,"type":"req","id":"${"x".repeat(65)}","method":"hello"}`, "invalid req"],
    ['{"v":1,"type":"res","id":"1","ok":true}', "invalid res"],
    ['{"v":1,"type":"res","id":"1","ok":false,"error":{"code":"nope","message":"","retriable":false}}', "invalid res"],
    ['{"v":1,"type":"evt","event":"card.removed","data":{},"seq":0}', "invalid evt"],
    ['{"v":1,"type":"evt","event":"card.removed","data":{},"seq":1.5}', "invalid evt"],
  ])("refuses %j with ERR_PROTOCOL (%s)", (data, reason) => {
    expect(failure(parseFrame(data))).toMatchObject({ code: "ERR_PROTOCOL", reason });
  });

  it("keeps the request id of a request it refuses, so the answer can carry it", () => {
    expect(failure(parseFrame('{"v":1,"type":"req","id":"abc","method":"NOT VALID"}'))).toMatchObject({ id: "abc" });
    expect(failure(parseFrame('{"type":"req","id":"abc","method":"hello"}'))).toMatchObject({ id: "abc" });
    expect(failure(parseFrame('{"v":1,"type":"req","id":"a b","method":"hello"}'))).toMatchObject({ id: null });
  });

  it("answers another envelope version with ERR_VERSION_MISMATCH naming the side to update", () => {
    const v2 = '{"v":2,"type":"req","id":"1","method":"hello"}';
    expect(parseFrame(v2, { localSide: "agent" })).toMatchObject({
      ok: false,
      error: { code: "ERR_VERSION_MISMATCH", details: { envelopeVersion: 2, requiresUpdate: "agent" } },
    });
    expect(parseFrame(v2, { localSide: "extension" })).toMatchObject({
      error: { details: { requiresUpdate: "extension" } },
    });
  });

  it("refuses frames over 64 KiB counted in UTF-8 bytes, and accepts one just under", () => {
    const pad = (n: number, ch: string) => JSON.stringify(requestFrame("1", "hello", { p: ch.repeat(n) }));
    const overhead = pad(0, "a").length;
    expect(parseFrame(pad(MAX_FRAME_BYTES - overhead, "a")).ok).toBe(true);
    expect(failure(parseFrame(pad(MAX_FRAME_BYTES - overhead + 1, "a")))).toMatchObject({
      code: "ERR_FRAME_TOO_LARGE",
    });
    // "é" is 2 bytes: 40,000 of them are 80,000 bytes though only 40,000 characters.
    expect(failure(parseFrame(pad(40_000, "é")))).toMatchObject({ code: "ERR_FRAME_TOO_LARGE" });
    expect(() => encodeFrame(okResponse("1", "x".repeat(MAX_FRAME_BYTES)))).toThrow(BridgeError);
  });

  it("never throws and always yields a known code, whatever the string (property)", () => {
    const codes = new Set<string>(ERROR_CODES);
    const check = (s: string) => {
      const r = parseFrame(s);
      if (!r.ok) {
        expect(codes.has(r.error.code)).toBe(true);
        expect(r.id === null || typeof r.id === "string").toBe(true);
      }
    };
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), check), { numRuns: 3000 });
    fc.assert(fc.property(fc.json({ maxDepth: 6 }), check), { numRuns: 3000 });
    // Envelope-shaped objects with random members: the realistic hostile input.
    const member = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const envelope = fc.record(
      {
        v: fc.oneof(fc.constant(1), member),
        id: fc.oneof(fc.string({ minLength: 1, maxLength: 70 }), member),
        type: fc.oneof(fc.constantFrom("req", "res", "evt"), member),
        method: fc.oneof(fc.constantFrom("hello", "pin.verify", "login.sign", "x.y"), member),
        event: fc.oneof(fc.constantFrom("card.removed"), member),
        params: member,
        result: member,
        ok: fc.oneof(fc.boolean(), member),
        error: fc.oneof(fc.record({ code: fc.string(), message: fc.string(), retriable: fc.boolean() }), member),
        data: member,
        seq: fc.oneof(fc.nat(), member),
        ["__proto__"]: member,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(envelope, (o) => check(JSON.stringify(o))),
      { numRuns: 5000 },
    );
    // Deep nesting does not blow the stack.
    check(`${"[".repeat(20_000)}${"]".repeat(20_000)}`);
    check(`{"v":1,"type":"req","id":"1","method":"hello","params":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`);
  }, 60_000);
});

describe("wire errors", () => {
  it("keeps code, message, retriable and details of a BridgeError", () => {
    const w = toWireError(new BridgeError("ERR_PIN_INCORRECT", "Wrong PIN", { triesLeft: 2 }));
    expect(w).toEqual({ code: "ERR_PIN_INCORRECT", message: "Wrong PIN", retriable: false, details: { triesLeft: 2 } });
    const back = fromWireError(w);
    expect(back).toBeInstanceOf(BridgeError);
    expect(back.code).toBe("ERR_PIN_INCORRECT");
    expect(back.details).toEqual({ triesLeft: 2 });
  });

  it("hides the text of unexpected exceptions (ERR_INTERNAL with a fixed message)", () => {
    const w = toWireError(new Error("ENOENT /home/dr/secret/path 1234"));
    expect(w).toEqual({ code: "ERR_INTERNAL", message: "An internal error happened in cps-bridge.", retriable: true });
    expect(toWireError("a string").code).toBe("ERR_INTERNAL");
  });

  it("survives details that do not serialise, and bounds their size", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toWireError(new BridgeError("ERR_INTERNAL", "x", { cyclic })).details).toEqual({ truncated: true });
    expect(toWireError(new BridgeError("ERR_INTERNAL", "x", { big: "x".repeat(10_000) })).details).toEqual({
      truncated: true,
    });
    expect(toWireError(new BridgeError("ERR_INTERNAL", "x", { n: BigInt(1) as unknown as number })).details).toEqual({
      truncated: true,
    });
  });

  it("maps a code unknown to this client (newer agent) to ERR_INTERNAL keeping the remote code", () => {
    const e = fromWireError({ code: "ERR_FROM_THE_FUTURE", message: "m", retriable: true });
    expect(e.code).toBe("ERR_INTERNAL");
    expect(e.details).toEqual({ remoteCode: "ERR_FROM_THE_FUTURE" });
  });
});

describe("encodeFrame of immutable results", () => {
  const deepFreeze = <T>(v: T): T => {
    if (v && typeof v === "object") for (const x of Object.values(v)) deepFreeze(x);
    return Object.freeze(v);
  };
  it("gives exactly the text of JSON.stringify, for any result and id (JSON text computed once)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/), fc.jsonValue(), (id, value) => {
        const result = { value, name: 'Lecteur é \u2028 "x"' };
        const plain = encodeFrame(okResponse(id, result));
        const marked = markImmutable(deepFreeze(structuredClone(result)));
        expect(encodeFrame(okResponse(id, marked))).toBe(plain);
        expect(encodeFrame(okResponse(id, marked))).toBe(plain); // from the cached text
        expect(JSON.parse(plain)).toEqual({
          v: 1,
          id,
          type: "res",
          ok: true,
          result: JSON.parse(JSON.stringify(result)),
        });
      }),
    );
  });

  it("still refuses an oversize immutable result", () => {
    const big = markImmutable(deepFreeze({ blob: "x".repeat(MAX_FRAME_BYTES) }));
    expect(() => encodeFrame(okResponse("a", big))).toThrow(expect.objectContaining({ code: "ERR_FRAME_TOO_LARGE" }));
  });

  it("an error response or an event carrying a registered object is encoded normally", () => {
    const data = markImmutable(deepFreeze({ a: 1 }));
    expect(encodeFrame(eventFrame("card.inserted", data, 3))).toBe(
      JSON.stringify(eventFrame("card.inserted", data, 3)),
    );
  });
});
