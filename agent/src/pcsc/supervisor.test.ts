import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../log";
import { FakeBinding } from "./fake-binding";
import { PcscSupervisor, type SupervisorEvent } from "./supervisor";

const ATR = new Uint8Array([0x3b, 0x80, 0x80, 0x01, 0x01]);
const card = { atr: ATR, respond: () => new Uint8Array([0x90, 0x00]) };

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, logger: createLogger({ destination: stream, level: "debug" }) };
}

async function flush() {
  await vi.advanceTimersByTimeAsync(0);
}

describe("PcscSupervisor", () => {
  let binding: FakeBinding;
  let events: SupervisorEvent[];
  let sup: PcscSupervisor;
  let log: ReturnType<typeof memoryLogger>;

  beforeEach(() => {
    vi.useFakeTimers();
    binding = new FakeBinding();
    events = [];
    log = memoryLogger();
    sup = new PcscSupervisor(binding, { logger: log.logger });
    sup.on((e) => events.push(e));
  });
  afterEach(() => {
    sup.stop();
    vi.useRealTimers();
  });

  it("lists readers and cards present at start once, despite the monitor's own initial events", async () => {
    binding.addReader("R1");
    binding.addReader("R2");
    binding.insert("R1", card);
    await sup.start();
    await flush();
    expect(sup.state).toBe("up");
    expect(events.map((e) => e.type)).toEqual(["state", "reader-attached", "card-inserted", "reader-attached"]);
    expect(sup.readers().map((r) => [r.name, r.present])).toEqual([
      ["R1", true],
      ["R2", false],
    ]);
  });

  it("reports insertions, removals, mute cards and reader unplug / replug", async () => {
    binding.addReader("R1");
    await sup.start();
    await flush();
    events.length = 0;
    binding.insert("R1", card);
    await flush();
    binding.remove("R1");
    await flush();
    binding.insert("R1", { atr: null, respond: card.respond });
    await flush();
    binding.removeReader("R1");
    await flush();
    binding.addReader("R1");
    await flush();
    expect(events.map((e) => (e.type === "card-inserted" ? `${e.type}${e.mute ? ":mute" : ""}` : e.type))).toEqual([
      "card-inserted",
      "card-removed",
      "card-inserted:mute",
      "card-removed",
      "reader-detached",
      "reader-attached",
    ]);
  });

  it("goes down without crashing when the service is absent at start, and comes up with backoff", async () => {
    binding.serviceUp = false;
    binding.addReader("R1");
    await sup.start();
    expect(sup.state).toBe("down");
    expect(() => sup.context()).toThrow(expect.objectContaining({ code: "ERR_PCSC_SERVICE_DOWN" }));
    // 100 + 200 + 400 ms: three failed attempts, no busy loop.
    await vi.advanceTimersByTimeAsync(700);
    expect(binding.contextsCreated).toBe(0);
    binding.startService();
    await vi.advanceTimersByTimeAsync(800);
    expect(sup.state).toBe("up");
    expect(events.filter((e) => e.type === "state").map((e) => (e as { state: string }).state)).toEqual(["down", "up"]);
  });

  it("rebuilds context and monitor after the service dies and restarts; events flow again", async () => {
    binding.addReader("R1");
    binding.insert("R1", card);
    await sup.start();
    await flush();
    events.length = 0;

    binding.stopService();
    await flush();
    expect(sup.state).toBe("down");
    expect(events.map((e) => e.type)).toEqual(["card-removed", "reader-detached", "state"]);
    // The native loop keeps erroring every second: ignored, no new transitions, no log flood.
    for (let i = 0; i < 30; i++) {
      binding.tickMonitorErrors();
      await vi.advanceTimersByTimeAsync(1000);
    }
    const downLines = log.lines.filter((l) => l.event === "pcsc.down");
    const retryLines = log.lines.filter((l) => l.event === "pcsc.retry");
    expect(downLines).toHaveLength(1);
    expect(retryLines.length).toBeLessThanOrEqual(4);
    // ~1 attempt per second once capped: 30 s → about 30 attempts, not thousands.
    events.length = 0;
    binding.startService();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sup.state).toBe("up");
    expect(events.map((e) => e.type)).toEqual(["state", "reader-attached", "card-inserted"]);
    expect(log.lines.filter((l) => l.event === "pcsc.up")).toHaveLength(1);
    binding.remove("R1");
    await flush();
    expect(events.at(-1)?.type).toBe("card-removed");
  });

  it("backs off 100, 200, 400, 800 then 1000 ms", async () => {
    binding.serviceUp = false;
    const spy = vi.spyOn(binding, "createContext");
    await sup.start();
    const times: number[] = [];
    const t0 = Date.now();
    spy.mockImplementation(() => {
      times.push(Date.now() - t0);
      throw new Error("PC/SC service not running");
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(times.slice(0, 7)).toEqual([100, 300, 700, 1500, 2500, 3500, 4500]);
  });

  it("rebuilds at once when an operation reports the service lost", async () => {
    binding.addReader("R1");
    await sup.start();
    expect(sup.reportFailure(new Error("Card was removed"))).toBe(false);
    expect(sup.reportFailure(new Error("PC/SC service not running"))).toBe(true);
    expect(sup.state).toBe("down");
    await vi.advanceTimersByTimeAsync(100);
    expect(sup.state).toBe("up");
  });

  it("treats a different ATR announced over a present card as remove + insert", async () => {
    binding.addReader("R1");
    binding.insert("R1", card);
    await sup.start();
    await flush();
    events.length = 0;
    binding.insert("R1", { atr: new Uint8Array([0x3b, 0x00]), respond: card.respond });
    await flush();
    expect(events.map((e) => e.type)).toEqual(["card-removed", "card-inserted"]);
  });
});
