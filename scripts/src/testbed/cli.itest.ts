// `cps-testbed` end to end: the real bin, the real daemon, the real pcscd; a PC/SC client (the binding) checks
// what the commands did. Every bad input has its message and exit code (2 = bad input, 1 = anything else).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daemonStatePath, readDaemonState } from "./client";
import { Testbed } from "./index";
import { PcscProbe, pcscdServing, processAlive } from "./pcscd";

const BIN = fileURLToPath(new URL("../../bin/cps-testbed.mjs", import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: unknown;
}

function cli(stateDir: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, "--state-dir", stateDir, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 150_000,
  });
  let json: unknown;
  const lines = r.stdout.trim().split("\n").filter(Boolean);
  if (lines.length === 1) {
    try {
      json = JSON.parse(lines[0] ?? "");
    } catch {}
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

const probe = new PcscProbe();
let tb: Testbed; // holds the run's shared pcscd (owned: kill/start allowed)
const dirs: string[] = [];
const newStateDir = () => {
  const d = mkdtempSync(join(tmpdir(), "cps-testbed-cli-"));
  dirs.push(d);
  return d;
};

async function waitPresence(name: string, want: "present" | "empty", atr?: string, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const p = probe.presence(name);
    const atrOk =
      atr === undefined ||
      Buffer.from(p?.atr ?? [])
        .toString("hex")
        .toUpperCase() === atr;
    if (p?.presence === want && atrOk) return;
    if (Date.now() > end) throw new Error(`reader ${name}: ${p?.presence} instead of ${want}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  tb = await Testbed.start();
});

afterAll(async () => {
  for (const d of dirs) {
    cli(d, ["down"]); // in case a test failed half way
    rmSync(d, { recursive: true, force: true });
  }
  if (!(await pcscdServing())) await tb.pcscd.start();
  probe.close();
  await tb.stop();
});

describe("cps-testbed with the run's pcscd already serving", () => {
  it("up, insert, list, remove, down — and down leaves alone the pcscd it did not start", async () => {
    const dir = newStateDir();
    const servingPid = tb.pcscd.pid;

    const up = cli(dir, ["up"]);
    expect(up.stderr).toBe("");
    expect(up.status).toBe(0);
    expect(up.stdout.trim().split("\n")).toHaveLength(1);
    const st = up.json as {
      readers: Array<{ index: number; name: string; port: number }>;
      controlUrl: string;
      pcscd: { pid: number; startedByUs: boolean };
      quickack: boolean;
      trustAnchorsPath: string;
      stateDir: string;
      daemonPid: number;
      alreadyRunning: boolean;
    };
    expect(st.readers).toEqual(tb.readers);
    expect(st.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(st.pcscd).toMatchObject({ pid: servingPid, startedByUs: false });
    expect(typeof st.quickack).toBe("boolean");
    expect(existsSync(st.trustAnchorsPath)).toBe(true);
    expect(st.stateDir).toBe(dir);
    expect(st.alreadyRunning).toBe(false);
    expect(statSync(daemonStatePath(dir)).mode & 0o777).toBe(0o600);
    expect(processAlive(st.daemonPid)).toBe(true);

    const again = cli(dir, ["up"]);
    expect(again.status).toBe(0);
    expect(again.json).toMatchObject({ daemonPid: st.daemonPid, alreadyRunning: true });

    const ins = cli(dir, ["insert", "0", "cps3"]);
    expect(ins.status).toBe(0);
    const card = ins.json as { atr: string; profile: string; reader: { index: number } };
    expect(card).toMatchObject({ profile: "cps3", reader: { index: 0 } });
    expect(card.atr).toBe("3BAC00402A001225006480000310009000");
    await waitPresence(tb.readers[0]!.name, "present", card.atr);

    const byName = cli(dir, ["insert", tb.readers[1]!.name, "cps4", "--surname", "MARTIN", "--tries", "2"]);
    expect(byName.status).toBe(0);
    expect(byName.json).toMatchObject({ profile: "cps4", triesLeft: 2, reader: { index: 1 } });

    const list = cli(dir, ["list"]);
    expect(list.status).toBe(0);
    const cards = list.json as Array<{ index: number; card: { profile: string; triesLeft: number | null } | null }>;
    expect(cards.map((c) => c.card?.profile ?? null)).toEqual(["cps3", "cps4", null, null].slice(0, tb.readers.length));
    expect(cards[1]?.card?.triesLeft).toBe(2);

    const rm = cli(dir, ["remove", "0"]);
    expect(rm.status).toBe(0);
    await waitPresence(tb.readers[0]!.name, "empty");

    const down = cli(dir, ["down"]);
    expect(down.status).toBe(0);
    expect(down.json).toEqual({ stopped: { daemonPid: st.daemonPid, pcscdPid: null } });
    expect(processAlive(st.daemonPid)).toBe(false);
    expect(existsSync(daemonStatePath(dir))).toBe(false);
    // The daemon took its cards with it, and the pcscd it did not start still serves.
    await waitPresence(tb.readers[1]!.name, "empty");
    expect(await pcscdServing()).toBe(true);
    expect(tb.pcscd.pid).toBe(servingPid);

    const twice = cli(dir, ["down"]);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/Nothing to stop/);
  });

  it("every bad input: a clear message and its exit code", async () => {
    const dir = newStateDir();
    // Not running yet.
    for (const args of [["insert", "0", "cps3"], ["list"], ["remove", "0"]]) {
      const r = cli(dir, args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(/not running/);
      expect(r.stderr).toMatch(/npx cps-testbed up/);
    }
    expect(cli(dir, ["up"]).status).toBe(0);
    const st = readDaemonState(dir)!;
    const cases: Array<[string[], RegExp]> = [
      [["insert", "0", "nope"], /Unknown profile "nope"/],
      [["insert", "9", "cps3"], /Unknown reader 9/],
      [["insert", "No Such Reader", "cps3"], /Unknown reader "No Such Reader"/],
      [["insert", "2", "cps3", "--tries", "7"], /--tries must be 0\.\.3/],
      [["insert", "2", "cps3", "--pin", "12ab"], /pin/i],
      [["insert", "2", "cps3", "--not-after", "someday"], /not a date/],
      [["insert", "2", "mute", "--mute-style", "loud"], /Allowed choices/],
      [["remove", "3"], /holds no card/],
      [["frobnicate"], /unknown command/],
      [["insert", "0"], /missing required argument/],
    ];
    for (const [args, message] of cases) {
      const r = cli(dir, args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stdout).toBe("");
    }
    expect(cli(dir, ["insert", "0", "vitale2"]).status).toBe(0);
    const occupied = cli(dir, ["insert", "0", "cps3"]);
    expect(occupied.status).toBe(2);
    expect(occupied.stderr).toMatch(/already holds a card \(vitale2\)/);

    // The control API: token and exact Host required.
    const noToken = await fetch(new URL("/v1/cards", st.controlUrl));
    expect(noToken.status).toBe(401);
    const wrongHost = await new Promise<string>((resolve) => {
      const s = net.connect(Number(new URL(st.controlUrl).port), "127.0.0.1", () =>
        s.write(
          `GET /v1/cards HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer ${st.token}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let text = "";
      s.on("data", (d) => {
        text += d;
      });
      s.on("end", () => resolve(text));
    });
    expect(wrongHost).toMatch(/^HTTP\/1\.1 421/);

    const help = cli(dir, ["--help"]);
    expect(help.status).toBe(0);
    for (const p of ["cps3", "cps4-t0", "vitale2", "mute", "unknown"])
      expect(help.stdout).toMatch(new RegExp(`^  ${p} +\\S`, "m"));
    expect(cli(dir, ["down"]).status).toBe(0);
    await waitPresence(tb.readers[0]!.name, "empty");
  });
});

describe("cps-testbed starting its own pcscd", () => {
  it("missing packages and a port in use fail with the fix; then up starts pcscd and down stops it", async () => {
    const dir = newStateDir();
    await tb.pcscd.kill("SIGTERM"); // the run's pcscd; restored in afterAll / at the end
    expect(await pcscdServing()).toBe(false);

    const noVpcd = cli(dir, ["up"], { CPS_TESTBED_VPCD_DRIVER: "/nonexistent/libifdvpcd.so" });
    expect(noVpcd.status).toBe(1);
    expect(noVpcd.stderr).toMatch(/apt-get install vsmartcard-vpcd/);
    const noPcscd = cli(dir, ["up"], { CPS_TESTBED_PCSCD: "/nonexistent/pcscd" });
    expect(noPcscd.status).toBe(1);
    expect(noPcscd.stderr).toMatch(/apt-get install pcscd/);

    const port = tb.readers[0]!.port;
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen({ host: "0.0.0.0", port }, r));
    try {
      const busy = cli(dir, ["up"]);
      expect(busy.status).toBe(1);
      expect(busy.stderr).toMatch(new RegExp(`port ${port}`));
      expect(busy.stderr).toMatch(/ERR_TESTBED_PORT_IN_USE/);
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
    expect(await pcscdServing()).toBe(false);

    const up = cli(dir, ["up"]);
    expect(up.status).toBe(0);
    const st = up.json as { pcscd: { pid: number; startedByUs: boolean }; daemonPid: number };
    expect(st.pcscd.startedByUs).toBe(true);
    expect(await pcscdServing()).toBe(true);
    expect(cli(dir, ["insert", "1", "cps4"]).status).toBe(0);
    await waitPresence(tb.readers[1]!.name, "present");

    const down = cli(dir, ["down"]);
    expect(down.status).toBe(0);
    expect(down.json).toEqual({ stopped: { daemonPid: st.daemonPid, pcscdPid: st.pcscd.pid } });
    expect(processAlive(st.pcscd.pid)).toBe(false);
    expect(await pcscdServing()).toBe(false);

    await tb.pcscd.start(); // give the run its pcscd back
    expect(await pcscdServing()).toBe(true);
  });
});
