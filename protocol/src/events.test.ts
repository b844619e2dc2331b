import { describe, expect, it } from "vitest";
import { encodeFrame, eventFrame, parseFrame } from "./envelope";
import { EVENT_NAMES, type EventData, type EventName, PRE_AUTH_EVENTS, parseEvent } from "./events";

const reader = { name: "Virtual PCD 00 00", state: "present" as const, atr: "3B9B", cardType: "cps4" as const };
const SAMPLES: { [E in EventName]: EventData<E> } = {
  "reader.attached": { reader: "Virtual PCD 00 00" },
  "reader.detached": { reader: "Virtual PCD 00 00" },
  "card.inserted": { reader },
  "card.removed": { reader: "Virtual PCD 00 00" },
  "card.updated": { reader: { ...reader, pin: { triesLeft: 2, maxTries: 3, blocked: false, verified: false } } },
  "agent.state": { pcsc: "down", pairing: { open: true } },
  heartbeat: { time: "2026-06-01T10:00:20.000Z" },
  "otp.refused": { reason: "auth-failed", code: "OTP_AUTH_FAILED", mailDate: 1_800_000_000_000 },
  "diagnostics.progress": {
    result: {
      id: "card.type",
      side: "agent",
      verdict: "failed",
      code: "DIAG_CARD_NOT_CPS",
      blocking: true,
      facts: { atr: "3B8F" },
      durationMs: 0.8,
    },
  },
};

describe("events", () => {
  it.each(EVENT_NAMES)("%s round-trips through the envelope", (name) => {
    const parsed = parseFrame(encodeFrame(eventFrame(name, SAMPLES[name], 7)));
    if (!parsed.ok || parsed.frame.type !== "evt") throw new Error("not an event");
    expect(parseEvent(parsed.frame)).toEqual({ ok: true, event: { event: name, data: SAMPLES[name], seq: 7 } });
  });

  it("tells unknown events (ignore) from invalid data", () => {
    expect(parseEvent({ event: "otp.received", data: {}, seq: 1 })).toEqual({ ok: false, reason: "unknown" });
    expect(parseEvent({ event: "toString", data: {}, seq: 1 })).toEqual({ ok: false, reason: "unknown" });
    expect(parseEvent({ event: "card.removed", data: { reader: 3 }, seq: 1 })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(parseEvent({ event: "agent.state", data: { pcsc: "sideways", pairing: { open: true } }, seq: 1 })).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("ignores data members added by a later minor", () => {
    const r = parseEvent({
      event: "agent.state",
      data: { pcsc: "up", pairing: { open: false }, cryptolib: "5.2.2" },
      seq: 2,
    });
    expect(r).toEqual({
      ok: true,
      event: { event: "agent.state", data: { pcsc: "up", pairing: { open: false } }, seq: 2 },
    });
  });

  it("sends only agent.state and heartbeat before authentication", () => {
    expect([...PRE_AUTH_EVENTS].sort()).toEqual(["agent.state", "heartbeat"]);
  });
});
