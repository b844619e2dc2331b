/**
 * Test bench benchmark; prints one JSON object. Run: `npx tsx scripts/bench/apdu.ts` (under
 * `flock /tmp/cps-bridge-pcsc.lock` on a shared machine: it uses the machine's one pcscd).
 *
 * - APDU round trip through the real stack (smartcard binding → pcscd → vpcd → virtual CPS3): SELECT of the IAS
 *   application → 9000, a few hundred times, with the card connected to 127.0.0.1 (no quickack: Debian's vpcd 0.8
 *   + delayed ACK ≈ 44 ms) and to 127.0.0.2 (loopback quickack route, scripts/testbed/quickack.sh), in the same run.
 * - Insertion → event: from the card's TCP connect to the binding's `card-inserted` (smartcard `Devices`, which also
 *   connects to the card, as the agent will); removal → `card-removed`, over ~20 cycles. pcscd polls vpcd every
 *   ~400 ms, so these spread over 0–400 ms by design (feasibility.md §3).
 *
 * Numbers, not assertions: nothing here fails on a slow machine.
 */
import { cpus } from "node:os";
import sc, { Devices } from "smartcard";
import { type InsertedCard, Testbed } from "../src/testbed/index";
import { quickackRouteSet } from "../src/testbed/vpcd-link";

const APDUS = Number(process.env.BENCH_APDUS ?? 300);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 20);
const SELECT_IAS = Buffer.from("00A4040C0DE828BD080F8025000001FF0010", "hex");

interface Stats {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    median: r(q(0.5)),
    p90: r(q(0.9)),
    min: r(s[0] ?? Number.NaN),
    max: r(s.at(-1) ?? Number.NaN),
    mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function apduRoundTrips(tb: Testbed, reader: number, cardHost: string): Promise<Stats> {
  const inserted = await tb.insert(reader, "cps3", { cardHost });
  const ctx = new sc.Context();
  try {
    const r = ctx.listReaders().find((x) => x.name === inserted.reader.name);
    if (!r) throw new Error("reader not listed");
    const card = await r.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
    for (let i = 0; i < 10; i++) await card.transmit(SELECT_IAS); // warm-up
    const times: number[] = [];
    for (let i = 0; i < APDUS; i++) {
      const t = performance.now();
      const answer = await card.transmit(SELECT_IAS);
      times.push(performance.now() - t);
      if (answer.length !== 2 || answer[0] !== 0x90 || answer[1] !== 0x00) {
        throw new Error(`SELECT answered ${answer.toString("hex")}, not 9000`);
      }
    }
    card.disconnect();
    return stats(times);
  } finally {
    ctx.close();
    await tb.remove(reader);
  }
}

async function eventLatencies(tb: Testbed, reader: number): Promise<{ insert: Stats; remove: Stats }> {
  const name = tb.readers[reader]!.name;
  const devices = new Devices();
  const seen: Array<{ type: "in" | "out"; at: number }> = [];
  devices.on("card-inserted", (e) => {
    if (e.reader.name === name) seen.push({ type: "in", at: performance.now() });
  });
  devices.on("card-removed", (e) => {
    if (e.reader.name === name) seen.push({ type: "out", at: performance.now() });
  });
  devices.on("error", () => {});
  devices.start();
  await sleep(500);
  const waitEvent = async (type: "in" | "out", from: number) => {
    const end = performance.now() + 5_000;
    for (;;) {
      const hit = seen.slice(from).find((e) => e.type === type);
      if (hit) return hit.at;
      if (performance.now() > end) throw new Error(`no ${type} event`);
      await sleep(2);
    }
  };
  const ins: number[] = [];
  const outs: number[] = [];
  try {
    for (let i = 0; i < CYCLES; i++) {
      const from = seen.length;
      // insert({ wait: false }) resolves in the microtask right after the card's TCP connect (the insertion).
      const card: InsertedCard = await tb.insert(reader, "cps3", { wait: false });
      const connectedAt = performance.now();
      if (!card.link.connected) throw new Error("card not connected");
      const inAt = await waitEvent("in", from);
      ins.push(inAt - connectedAt);
      await sleep(100 + Math.random() * 400); // decorrelate from pcscd's 400 ms polling phase
      const fromOut = seen.length;
      const removedAt = performance.now();
      await tb.remove(reader, { wait: false });
      const outAt = await waitEvent("out", fromOut);
      outs.push(outAt - removedAt);
      await sleep(500 + Math.random() * 400); // let pcscd see the reader empty before the next insertion
    }
  } finally {
    devices.stop();
  }
  return { insert: stats(ins), remove: stats(outs) };
}

async function main(): Promise<void> {
  const tb = await Testbed.start();
  try {
    const route = quickackRouteSet();
    const noQuickack = await apduRoundTrips(tb, 0, "127.0.0.1");
    const quickack = route ? await apduRoundTrips(tb, 1, "127.0.0.2") : null;
    const events = await eventLatencies(tb, 0);
    const result = {
      bench: "apdu",
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length },
      pcscd: { pid: tb.pcscd.pid ?? null, startedByUs: tb.pcscd.startedByUs, readerSet: tb.pcscd.readerSet },
      quickackRoute: route,
      apdu: "SELECT IAS application (00 A4 04 0C 0D E8 28 BD …) → 9000, virtual CPS3, smartcard binding",
      apduRoundTripMs: {
        noQuickack127001: noQuickack,
        quickack127002: quickack,
        medianRatioNoQuickackOverQuickack: quickack
          ? Math.round((noQuickack.median / quickack.median) * 10) / 10
          : null,
      },
      insertionToCardInsertedMs: events.insert,
      removalToCardRemovedMs: events.remove,
      notes: route
        ? "insertion = the card's TCP connect to vpcd; event = smartcard Devices 'card-inserted' (after its SCardConnect)"
        : "no quickack route (bash scripts/testbed/quickack.sh add, as root): only the 127.0.0.1 path was measured",
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await tb.stop();
  }
}

await main();
