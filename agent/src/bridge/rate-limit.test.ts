import { isBridgeError } from "@cps-bridge/protocol/errors";
import { describe, expect, it } from "vitest";
import { AttemptLimiter, SlidingWindowLimiter } from "./rate-limit";

describe("SlidingWindowLimiter", () => {
  it("allows `limit` attempts per window and says when the next one is allowed", () => {
    let t = 1000;
    const l = new SlidingWindowLimiter({ limit: 3, windowMs: 100 }, () => t);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter("a")).toBe(0);
      l.record("a");
      t += 10;
    }
    expect(l.retryAfter("a")).toBe(1000 + 100 - t);
    expect(l.retryAfter("b")).toBe(0);
    t = 1100; // the first attempt left the window
    expect(l.retryAfter("a")).toBe(0);
  });

  it("bounds the number of tracked keys", () => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 1000 }, () => 0, 4);
    for (let i = 0; i < 10; i++) l.record(`k${i}`);
    expect(l.retryAfter("k0")).toBe(0); // evicted
    expect(l.retryAfter("k9")).toBeGreaterThan(0);
  });
});

describe("AttemptLimiter", () => {
  it("throws ERR_RATE_LIMITED with retryAfterMs once a peer exceeds its rate", () => {
    let t = 0;
    const l = new AttemptLimiter(
      "pin",
      { perPeer: { limit: 2, windowMs: 60_000 }, global: { limit: 100, windowMs: 60_000 } },
      () => t,
    );
    l.take("127.0.0.1");
    t = 5;
    l.take("127.0.0.1");
    try {
      l.take("127.0.0.1");
      expect.unreachable();
    } catch (e) {
      expect(isBridgeError(e, "ERR_RATE_LIMITED")).toBe(true);
      expect((e as { details: { retryAfterMs: number } }).details.retryAfterMs).toBe(60_000 - 5);
    }
  });

  it("applies the global limit across peers", () => {
    const l = new AttemptLimiter("pairing", {
      perPeer: { limit: 10, windowMs: 60_000 },
      global: { limit: 3, windowMs: 60_000 },
    });
    l.take("a");
    l.take("b");
    l.take("c");
    expect(() => l.take("d")).toThrow(/too many pairing attempts/);
  });

  it("does not count a refused attempt", () => {
    let t = 0;
    const l = new AttemptLimiter(
      "auth",
      { perPeer: { limit: 1, windowMs: 100 }, global: { limit: 10, windowMs: 100 } },
      () => t,
    );
    l.take("a");
    for (let i = 0; i < 5; i++) expect(() => l.take("a")).toThrow();
    t = 101;
    expect(() => l.take("a")).not.toThrow();
  });
});
