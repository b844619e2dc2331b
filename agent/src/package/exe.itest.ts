/**
 * The self-contained agent (issue 13 §2): `npm run package -w agent` (agent/scripts/package.mjs) builds the single
 * executable once here; it and its addons are copied to an empty temp directory and run with a PATH in which no
 * `node` can be found and no node_modules above — `--version`, `status`, `card` reading a virtual CPS3 over the real
 * pcscd, `start` serving a paired and authenticated client, the PKCS#11 probe's child process, SIGTERM. Integration
 * test: the executable's PC/SC binding talks to the machine's pcscd (the test bench's, vitest globalSetup).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, parse } from "node:path";
import { fileURLToPath } from "node:url";
import { Testbed } from "@cps-bridge/scripts/testbed/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type SpawnedAgent, spawnAgent } from "../bridge/spawn-agent";
import { BridgeTestClient } from "../bridge/test-client";

const AGENT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const VERSION = (JSON.parse(readFileSync(join(AGENT_DIR, "package.json"), "utf8")) as { version: string }).version;
const OPENSC = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

let tb: Testbed;
let dir: string;
let home: string;
let exe: string;
let env: NodeJS.ProcessEnv;
let agent: SpawnedAgent | undefined;

function hasNodeModulesAbove(start: string): boolean {
  for (let d = start; ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) return true;
    if (d === parse(d).root) return false;
  }
}

beforeAll(async () => {
  tb = await Testbed.start();
  execFileSync(process.execPath, [join(AGENT_DIR, "scripts", "package.mjs")], { cwd: AGENT_DIR, stdio: "pipe" });
  dir = mkdtempSync(join(tmpdir(), "cps-bridge-exe-"));
  const built = join(AGENT_DIR, "dist-exe");
  for (const f of readdirSync(built)) copyFileSync(join(built, f), join(dir, f));
  exe = join(dir, "cps-bridge");
  home = mkdtempSync(join(tmpdir(), "cps-bridge-exe-home-"));
  const emptyBin = join(home, "bin");
  mkdirSync(emptyBin);
  // Only the system's sbin directories (Debian's merged /bin is /usr/bin, where node is) and an empty one.
  env = {
    PATH: [emptyBin, "/usr/sbin", "/sbin"].join(":"),
    HOME: home,
    LANG: "C.UTF-8",
    CPS_BRIDGE_HOME: join(home, "agent"),
  };
}, 180_000);

afterAll(async () => {
  await agent?.close();
  await tb?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("single executable", () => {
  it("is one executable plus the native addons, with no node on PATH and no node_modules above", () => {
    const files = readdirSync(dir).filter((f) => !f.endsWith(".txt"));
    expect(files.sort()).toEqual([
      "cps-bridge",
      expect.stringMatching(/^keyring\..*\.node$/),
      expect.stringMatching(/^pkcs11-.*\.node$/),
      expect.stringMatching(/^smartcard_napi-.*\.node$/),
    ]);
    expect(hasNodeModulesAbove(dir)).toBe(false);
    const which = spawnSync("/usr/bin/sh", ["-c", "command -v node"], { env, encoding: "utf8" });
    expect(which.status).not.toBe(0);
    expect(which.stdout).toBe("");
  });

  it("answers --version, --help and `status` (not running: exit 3)", async () => {
    const v = await runCli(["--version"], { exe, env, cwd: dir });
    expect(v).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = await runCli(["--help"], { exe, env, cwd: dir });
    expect(help.stdout).toMatch(/start[\s\S]*pair[\s\S]*unpair/);
    const status = await runCli(["status"], { exe, env, cwd: dir });
    expect(status.code).toBe(3);
    expect(status.stdout).toContain("n'est pas démarré");
  });

  it("reads a virtual CPS3 with `card --json` through its own smartcard addon", async () => {
    for (let i = 0; i < tb.readers.length; i++) if (tb.card(i)) await tb.remove(i);
    await tb.insert(0, "cps3");
    const r = await runCli(["card", "--json", "--test-mode", "--test-anchors", tb.trustAnchorsPath], {
      exe,
      env,
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { agentVersion: string; readers: { cardType?: string; holder?: object }[] };
    expect(doc.agentVersion).toBe(VERSION);
    expect(doc.readers.find((x) => x.cardType === "cps3")?.holder).toMatchObject({ surname: "TESTCPS" });
    await tb.remove(0);
  });

  it.runIf(existsSync(OPENSC))("runs the PKCS#11 probe in a child process of itself (pkcs11js addon)", async () => {
    const r = await runCli(["__pkcs11-probe", OPENSC], { exe, env, cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ library: expect.stringContaining("OpenSC") });
  });

  it("starts, serves a paired and authenticated client, and stops cleanly on SIGTERM", async () => {
    agent = await spawnAgent({ exe, home: join(home, "agent"), env, cwd: dir, args: ["--test-mode"] });
    const st = await runCli(["status", "--json"], { exe, env: agent.env, cwd: dir });
    expect(JSON.parse(st.stdout)).toMatchObject({ running: true, port: agent.port, agentVersion: VERSION });
    const c = await BridgeTestClient.connect(agent.port);
    await c.hello();
    const id = await c.pair(await agent.openPairing(), "exe test");
    await c.authenticate(id, agent.port);
    const list = await c.request("readers.list", {});
    expect(list.pcsc).toBe("up");
    const closed = c.closed;
    expect(await agent.stop()).toBe(0);
    expect(await closed).toBe(1001);
    expect((await runCli(["status"], { exe, env: agent.env, cwd: dir })).code).toBe(3);
    expect(existsSync(agent.paths.lockFile)).toBe(false);
  });

  it("installs itself as a user service: copies itself and its addons, writes a unit systemd-analyze accepts, uninstalls to the logs", async () => {
    // systemctl, and nothing else, on PATH (still no node); an empty XDG_RUNTIME_DIR: no user manager answers.
    const svc = join(home, "svc");
    const bin = join(svc, "bin");
    const run = join(svc, "run");
    mkdirSync(bin, { recursive: true });
    mkdirSync(run, { mode: 0o700 });
    symlinkSync("/usr/bin/systemctl", join(bin, "systemctl"));
    const agentHome = join(svc, "Mes programmes 100%", "agent");
    const e = {
      PATH: [bin, "/usr/sbin", "/sbin"].join(":"),
      HOME: svc,
      XDG_CONFIG_HOME: join(svc, ".config"),
      XDG_RUNTIME_DIR: run,
      CPS_BRIDGE_HOME: agentHome,
      LANG: "C.UTF-8",
    };
    const programDir = join(agentHome, "program");
    const installed = join(programDir, "cps-bridge");
    const unit = join(svc, ".config", "systemd", "user", "cps-bridge.service");

    const r = await runCli(["install", "--json"], { exe, env: e, cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: "systemd",
      location: unit,
      argv: [installed, "start"],
      started: false,
      notStartedReason: "no-manager",
    });
    expect(readdirSync(programDir).sort()).toEqual(readdirSync(dir).sort());
    expect(readFileSync(unit, "utf8")).toContain(`ExecStart="${installed.replace(/%/g, "%%")}" "start"`);
    const verify = spawnSync("systemd-analyze", ["--user", "verify", unit], {
      env: { ...e, PATH: "/usr/bin:/bin" },
      encoding: "utf8",
    });
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);
    // The copy runs by itself, and uninstalls itself (Linux lets a running program delete its own file).
    expect(await runCli(["--version"], { exe: installed, env: e, cwd: svc })).toMatchObject({
      code: 0,
      stdout: `${VERSION}\n`,
    });
    const u = await runCli(["uninstall"], { exe: installed, env: e, cwd: svc });
    expect(u.stderr).toBe("");
    expect(u.code).toBe(0);
    expect(existsSync(programDir)).toBe(false);
    expect(existsSync(unit)).toBe(false);
    expect(readdirSync(agentHome)).toEqual(["logs"]);
  });
});
