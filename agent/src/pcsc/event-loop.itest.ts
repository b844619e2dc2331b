/**
 * The agent's event loop never waits for a card (pcsc/smartcard-binding.ts): pcsc-lite holds a context's mutex
 * for the whole of a transmit, and the native addon runs `disconnect` and `listReaders` on the main thread. With
 * one context shared by every reader, pulling a card out of one reader froze the agent until another reader's card
 * answered — and in CI, whose virtual cards answer from the test's own event loop, deadlocked a test worker.
 *
 * Here the cards live in a `cps-testbed` daemon (another process), so a regression shows as a measured stall of
 * this event loop instead of a hang. Real pcscd, real vpcd, real binding.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CardServiceEvent } from "@cps-bridge/agent/card-service";
import { startDaemon, stopDaemon, TestbedClient } from "@cps-bridge/scripts/testbed/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CardServiceImpl } from "../cards/card-service-impl";
import { silentLogger } from "../log";

const SLOW_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stateDir: string;
let client: TestbedClient;
let svc: CardServiceImpl | undefined;
let readers: string[];
const events: CardServiceEvent[] = [];

async function seen(type: CardServiceEvent["type"], reader: string, from: number, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const match = (e: CardServiceEvent) =>
    e.type === type && "reader" in e && (typeof e.reader === "string" ? e.reader : e.reader.name) === reader;
  while (!events.slice(from).some(match)) {
    if (Date.now() > end) throw new Error(`no ${type} for ${reader}`);
    await sleep(5);
  }
}

/** Longest gap between ticks of a 5 ms interval while `work` runs: how long the event loop was frozen. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(tick);
  }
  return Math.max(longest, performance.now() - last);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "cps-event-loop-"));
  const { status } = await startDaemon({ stateDir });
  client = TestbedClient.fromStateDir(stateDir);
  readers = status.readers.map((r) => r.name);
  await client.insert(0, "cps3");
  await client.insert(1, "cps4");
  svc = new CardServiceImpl({
    logger: silentLogger(),
    testMode: true,
    testAnchorsPath: status.trustAnchorsPath,
    apduTimeoutMs: 5000,
  });
  svc.subscribe((e) => events.push(e));
  await svc.start();
  // Both identities read: from here on, the only APDUs are the ones this test asks for.
  expect((await svc.cardStatus({ reader: readers[0] })).holder?.surname).toBe("TESTCPS");
  expect((await svc.cardStatus({ reader: readers[1] })).holder?.surname).toBe("TESTCPSQUATRE");
}, 180_000);

afterAll(async () => {
  await svc?.stop();
  await stopDaemon({ stateDir });
  rmSync(stateDir, { recursive: true, force: true });
});

it("a card pulled from one reader while another reader's card takes 1.5 s to answer: the agent does not freeze", async () => {
  await client.slowNext(0, SLOW_MS);
  const from = events.length;
  let statusDone = false;
  const slow = svc!.pinStatus({ reader: readers[0] }).finally(() => {
    statusDone = true;
  });
  await sleep(150); // reader 0's SELECT is now waiting in pcscd for the slow card
  const stall = await longestStall(async () => {
    await client.remove(1); // resolves once pcscd reports the reader empty
    await seen("card.removed", readers[1]!, from); // the agent dropped (disconnected) reader 1's handle
  });
  expect(statusDone).toBe(false); // the removal really overlapped reader 0's slow transmit
  expect((await slow).triesLeft).toBe(3);
  // With a shared SCARDCONTEXT the disconnect waited for reader 0's answer: a stall of about SLOW_MS.
  expect(stall).toBeLessThan(SLOW_MS / 3);
}, 30_000);
