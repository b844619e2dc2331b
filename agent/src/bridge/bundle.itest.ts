/**
 * The shipped agent: `agent/build.mjs` bundles the CLI into dist/cps-bridge.cjs plus the smartcard addon; the dist
 * folder is copied to an empty temp directory with no node_modules anywhere above it, and run from there with plain
 * `node` — status, start, a paired and authenticated client over the real PC/SC binding, SIGTERM. Integration test
 * because the bundled binding talks to the machine's pcscd.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, parse } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE, runCli, type SpawnedAgent, spawnAgent } from "./spawn-agent";
import { BridgeTestClient } from "./test-client";

const AGENT_DIR = dirname(dirname(BUNDLE));
let dir: string;
let home: string;
let entry: string;
let agent: SpawnedAgent | undefined;

function hasNodeModulesAbove(start: string): boolean {
  for (let d = start; ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) return true;
    if (d === parse(d).root) return false;
  }
}

beforeAll(() => {
  execFileSync(process.execPath, [join(AGENT_DIR, "build.mjs")], { cwd: AGENT_DIR, stdio: "pipe" });
  dir = mkdtempSync(join(tmpdir(), "cps-bridge-dist-"));
  cpSync(dirname(BUNDLE), dir, { recursive: true });
  entry = join(dir, "cps-bridge.cjs");
  home = mkdtempSync(join(tmpdir(), "cps-bridge-home-"));
}, 60_000);

afterAll(async () => {
  await agent?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe("esbuild bundle", () => {
  it("is one .cjs file plus the native addons (OS keyring, PC/SC, PKCS#11), in a directory with no node_modules above", () => {
    const files = readdirSync(dir).filter((f) => !f.endsWith(".LEGAL.txt"));
    expect(files.sort()).toEqual([
      "cps-bridge.cjs",
      expect.stringMatching(/^keyring\..*\.node$/),
      expect.stringMatching(/^pkcs11-.*\.node$/),
      expect.stringMatching(/^smartcard_napi-.*\.node$/),
    ]);
    expect(hasNodeModulesAbove(dir)).toBe(false);
  });

  it("answers `status` (not running: exit 3) and `--help` without node_modules", async () => {
    const env = { ...process.env, CPS_BRIDGE_HOME: home };
    const status = await runCli(["status"], { entry, env, cwd: dir });
    expect(status.code).toBe(3);
    expect(status.stdout).toContain("n'est pas démarré");
    const help = await runCli(["--help"], { entry, env, cwd: dir });
    expect(help.stdout).toMatch(/start[\s\S]*pair[\s\S]*unpair/);
  });

  it("starts, serves a paired and authenticated client, and stops cleanly on SIGTERM", async () => {
    agent = await spawnAgent({ entry, home, cwd: dir, args: ["--test-mode"] });
    const env = agent.env;
    const st = await runCli(["status", "--json"], { entry, env, cwd: dir });
    expect(JSON.parse(st.stdout)).toMatchObject({ running: true, port: agent.port, testMode: true });
    const c = await BridgeTestClient.connect(agent.port);
    await c.hello();
    const id = await c.pair(await agent.openPairing(), "bundle test");
    await c.authenticate(id, agent.port);
    const list = await c.request("readers.list", {});
    expect(["up", "down", "starting"]).toContain(list.pcsc);
    const pairings = await runCli(["pairings", "--json"], { entry, env, cwd: dir });
    expect(JSON.parse(pairings.stdout).map((p: { id: string }) => p.id)).toEqual([id.clientId]);
    const closed = c.closed;
    expect(await agent.stop()).toBe(0);
    expect(await closed).toBe(1001);
    const after = await runCli(["status"], { entry, env, cwd: dir });
    expect(after.code).toBe(3);
    expect(existsSync(agent.paths.lockFile)).toBe(false);
  });
});
