// pcsc_scan (pcsc-tools), an independent PC/SC client written by pcsc-lite's maintainer, watches the test bench:
// it lists our readers, sees insertion and removal, and names the CPS3 and the Vitale 2 card from its own ATR list
// (/usr/share/pcsc/smartcard_list.txt, never patched here). Debian's list predates CPS4: a CPS4 shows by its ATR.
// Every pcsc_scan line about a card must come from Debian's list, unchanged: see cacheDir below.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed } from "./index";
import { pcscScanBinary } from "./pcscd";

const SMARTCARD_LIST = "/usr/share/pcsc/smartcard_list.txt";
const spaced = (b: Uint8Array) =>
  Buffer.from(b)
    .toString("hex")
    .toUpperCase()
    .replace(/(..)(?!$)/g, "$1 ");

/** The descriptions pcsc_scan's list gives an ATR (its entries are regular expressions over "3B AC 00 …"). */
function listDescriptions(atr: string): string[] {
  const lines = readFileSync(SMARTCARD_LIST, "latin1").split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!/^[0-9A-F]{2}( |$)/.test(line)) continue;
    let re: RegExp;
    try {
      re = new RegExp(`^${line.trim()}$`);
    } catch {
      continue;
    }
    if (!re.test(atr)) continue;
    for (let j = i + 1; j < lines.length && lines[j]?.startsWith("\t"); j++) out.push((lines[j] ?? "").trim());
  }
  return out;
}

const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;]*[A-Za-z]`, "g");

/**
 * pcsc_scan's ATR_analysis reads `$XDG_CACHE_HOME/smartcard_list.txt` before Debian's list and, when an ATR is in no
 * list (CPS4, unknown), downloads pcsc-tools.apdu.fr/smartcard_list.txt into it with wget. Offline that leaves an
 * empty cache file that hides Debian's list for 10 hours (it happened here). So pcsc_scan runs with its own cache
 * directory holding a fresh, byte-identical copy of Debian's list: the same names, and no network access.
 */
const cacheDir = mkdtempSync(join(tmpdir(), "cps-testbed-pcsc-scan-"));
copyFileSync(SMARTCARD_LIST, join(cacheDir, "smartcard_list.txt"));

class PcscScan {
  private proc: ChildProcess;
  private text = "";
  constructor() {
    this.proc = spawn(pcscScanBinary(), [], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, XDG_CACHE_HOME: cacheDir },
    });
    const add = (d: Buffer) => {
      // Strip colours and the spinner.
      this.text += d.toString("latin1").replace(ANSI_ESCAPE, "");
    };
    this.proc.stdout?.on("data", add);
    this.proc.stderr?.on("data", add);
  }
  get length(): number {
    return this.text.length;
  }
  since(from: number): string {
    return this.text.slice(from);
  }
  async waitFor(from: number, pred: (s: string) => boolean, timeoutMs = 8_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (!pred(this.since(from))) {
      if (Date.now() > end)
        throw new Error(`pcsc_scan never printed what was expected; it printed:\n${this.since(from)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.since(from);
  }
  stop(): void {
    this.proc.kill("SIGTERM");
  }
}

let tb: Testbed;
let scan: PcscScan;

beforeAll(async () => {
  tb = await Testbed.start();
  scan = new PcscScan();
});

afterAll(async () => {
  scan?.stop();
  await tb?.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** The block pcsc_scan prints for one event of one reader: from "Reader N: name" to the next blank-line block. */
function readerBlock(
  text: string,
  index: number,
  name: string,
  state: "Card inserted" | "Card removed",
): string | undefined {
  const blocks = text.split(/\n\s*\n/);
  return blocks.find((b) => b.includes(`Reader ${index}: ${name}`) && b.includes(`Card state: ${state}`));
}

describe("pcsc_scan", () => {
  it("lists the test bench readers", async () => {
    const out = await scan.waitFor(0, (s) => tb.readers.every((r) => s.includes(`${r.index}: ${r.name}`)));
    for (const r of tb.readers) expect(out).toContain(`${r.index}: ${r.name}`);
  });

  it("sees a CPS3 inserted, names it from its own ATR list, then sees it removed", async () => {
    const reader = tb.readers[0]!;
    const from = scan.length;
    const cps3 = await tb.insert(0, "cps3");
    const atr = spaced(cps3.card.atr!);
    const names = listDescriptions(atr);
    expect(names.join(" | ")).toMatch(/CPS/); // the list knows this ATR as a CPS card
    const out = await scan.waitFor(from, (s) => names.every((n) => s.includes(n)) && s.includes(`ATR: ${atr}`));
    expect(readerBlock(out, reader.index, reader.name, "Card inserted")).toContain(`ATR: ${atr}`);
    for (const n of names) expect(out).toContain(n);
    const removedFrom = scan.length;
    await tb.remove(0);
    const removed = await scan.waitFor(
      removedFrom,
      (s) => readerBlock(s, reader.index, reader.name, "Card removed") !== undefined,
    );
    expect(readerBlock(removed, reader.index, reader.name, "Card removed")).toBeDefined();
  });

  it("names the Vitale 2 card from its own ATR list", async () => {
    const reader = tb.readers[1]!;
    const from = scan.length;
    const vitale = await tb.insert(1, "vitale2");
    const atr = spaced(vitale.card.atr!);
    const names = listDescriptions(atr);
    expect(names.join(" | ")).toMatch(/Vitale/i);
    const out = await scan.waitFor(from, (s) => names.every((n) => s.includes(n)));
    expect(readerBlock(out, reader.index, reader.name, "Card inserted")).toContain(`ATR: ${atr}`);
    await tb.remove(1);
  });

  it("shows a CPS4 by its ATR (Debian's list predates CPS4; the list is not patched)", async () => {
    const reader = tb.readers[1]!;
    const from = scan.length;
    const cps4 = await tb.insert(1, "cps4");
    const atr = spaced(cps4.card.atr!);
    const out = await scan.waitFor(
      from,
      (s) => readerBlock(s, reader.index, reader.name, "Card inserted")?.includes(atr) === true,
    );
    expect(readerBlock(out, reader.index, reader.name, "Card inserted")).toContain(`ATR: ${atr}`);
    await tb.remove(1);
  });
});
