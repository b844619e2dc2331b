// How the test bench deals with a pcscd it did not start: one serving other readers is a conflict with a clear
// message; one serving Debian's default vpcd readers ("Virtual PCD 00 00/00 01" on 35963/35964) is used as it is,
// and is never killed, restarted or stopped by the test bench.
// These tests stop the run's shared pcscd for a while and start it again at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed } from "./index";
import { DEBIAN_VPCD_READERS, PcscProbe, pcscdBinary, pcscdServing, processAlive, vpcdDriverPath } from "./pcscd";

const probe = new PcscProbe();
let run: Testbed; // the run's shared pcscd (owned)
const tmp = mkdtempSync(join(tmpdir(), "cps-testbed-foreign-"));

/** A pcscd this test starts itself, with the given reader.conf text (stopped by this test, by its pid). */
async function startForeignPcscd(name: string, conf: string): Promise<ChildProcess> {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "reader"), conf);
  const child = spawn(pcscdBinary(), ["-f", "-c", dir], { stdio: "ignore" });
  const end = Date.now() + 10_000;
  while (!((await pcscdServing()) && (probe.readerNames()?.length ?? 0) > 0)) {
    if (Date.now() > end) throw new Error("the foreign pcscd did not start");
    await new Promise((r) => setTimeout(r, 25));
  }
  return child;
}

async function stopForeign(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  const end = Date.now() + 5_000;
  while (child.pid && processAlive(child.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

beforeAll(async () => {
  run = await Testbed.start();
  await run.pcscd.kill("SIGTERM");
});

afterAll(async () => {
  if (!(await pcscdServing())) await run.pcscd.start();
  probe.close();
  await run.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a pcscd the test bench did not start", () => {
  it("serving other readers: ERR_TESTBED_PCSCD_CONFLICT naming them, with how to stop it", async () => {
    // A vpcd reader named differently, on a port of its own.
    const conf = `FRIENDLYNAME "Foreign Reader"\nDEVICENAME /dev/null:0x8CA0\nLIBPATH ${vpcdDriverPath()}\nCHANNELID 0x8CA0\n`;
    const foreign = await startForeignPcscd("other", conf);
    try {
      const err = await Testbed.start({ stateDir: join(tmp, "state-a") }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: "ERR_TESTBED_PCSCD_CONFLICT" });
      const e = err as { message: string; fix: string };
      expect(e.message).toContain(`pid ${foreign.pid}`);
      expect(e.message).toContain('"Foreign Reader 00 00"');
      expect(e.fix).toContain("systemctl stop pcscd.socket pcscd");
      expect(processAlive(foreign.pid!)).toBe(true);
    } finally {
      await stopForeign(foreign);
    }
  });

  it("serving Debian's default vpcd readers: used as they are, never killed or stopped", async () => {
    const foreign = await startForeignPcscd("debian", readFileSync("/etc/reader.conf.d/vpcd", "utf8"));
    try {
      const tb = await Testbed.start({ stateDir: join(tmp, "state-b") });
      try {
        expect(tb.pcscd.readerSet).toBe("debian-vpcd");
        expect(tb.readers).toEqual(DEBIAN_VPCD_READERS);
        expect(tb.readers.map((r) => [r.name, r.port])).toEqual([
          ["Virtual PCD 00 00", 35963],
          ["Virtual PCD 00 01", 35964],
        ]);
        expect(tb.pcscd.startedByUs).toBe(false);
        expect(tb.pcscd.owned).toBe(false);
        expect(tb.pcscd.pid).toBe(foreign.pid);
        await expect(tb.pcscd.kill()).rejects.toMatchObject({ code: "ERR_TESTBED_NOT_OWNER" });
        await expect(tb.pcscd.restart()).rejects.toMatchObject({ code: "ERR_TESTBED_NOT_OWNER" });
        const cps = await tb.insert("Virtual PCD 00 00", "cps3");
        const p = probe.presence("Virtual PCD 00 00");
        expect(p?.presence).toBe("present");
        expect(Buffer.from(p?.atr ?? []).toString("hex")).toBe(Buffer.from(cps.card.atr!).toString("hex"));
        await tb.remove(0);
      } finally {
        await tb.stop();
      }
      expect(processAlive(foreign.pid!)).toBe(true);
      expect(await pcscdServing()).toBe(true);
    } finally {
      await stopForeign(foreign);
    }
  });

  it("refuses to start pcscd from a state directory others can write to (pcscd loads a driver copy from it)", async () => {
    const dir = join(tmp, "state-open");
    mkdirSync(join(dir, "pcscd"), { recursive: true, mode: 0o777 });
    chmodSync(join(dir, "pcscd"), 0o777);
    await expect(Testbed.start({ stateDir: dir })).rejects.toMatchObject({ code: "ERR_TESTBED_BAD_OPTION" });
    expect(await pcscdServing()).toBe(false);
  });
});
