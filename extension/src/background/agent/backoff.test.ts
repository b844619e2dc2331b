import { describe, expect, it } from "vitest";
import { Backoff, DEFAULT_STEPS } from "./backoff";

const noJitter = { jitter: 0 };

describe("Backoff", () => {
  it("grows through its steps and then stays at the longest", () => {
    const b = new Backoff(noJitter);
    const seen = Array.from({ length: DEFAULT_STEPS.length + 3 }, () => b.next());
    expect(seen).toEqual([...DEFAULT_STEPS, 30_000, 30_000, 30_000]);
  });

  it("caps at 1 s while a UI is open, so an agent that comes back shows within 2 s", () => {
    const b = new Backoff(noJitter);
    for (let i = 0; i < 10; i++) b.next();
    expect(b.next({ watched: true })).toBe(1_000);
    expect(b.next({ watched: true })).toBe(1_000);
  });

  it("waits the longest delay for failures retrying cannot fix, even while watched", () => {
    const b = new Backoff(noJitter);
    expect(b.next({ permanent: true, watched: true })).toBe(30_000);
  });

  it("starts again from the shortest delay after reset()", () => {
    const b = new Backoff(noJitter);
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(250);
    expect(b.attempts).toBe(1);
  });

  it("spreads delays by ±jitter", () => {
    expect(new Backoff({ jitter: 0.2, random: () => 0 }).next()).toBe(200);
    expect(new Backoff({ jitter: 0.2, random: () => 1 }).next()).toBe(300);
  });
});
