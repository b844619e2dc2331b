/**
 * `cps-bridge install` / `stop` / `uninstall` against the machine's real systemd tools: the unit is checked by
 * `systemd-analyze --user verify` (the real unit parser; a broken copy shows it can fail), enabled by the real
 * `systemctl --user enable` — which works without a running user manager, as here and in CI (no systemd as PID 1) —
 * and the user manager's absence is what the install reports ("starts at the next logon"). What cannot run here: a
 * user manager starting the unit at login (docs/agent.md §1 gives the manual check). The LaunchAgent plist is parsed by
 * Python's plistlib (no macOS here). The agent is the real one (development launcher, as the other itests).
 *
 * Each test gets its own HOME, XDG_CONFIG_HOME, an empty XDG_RUNTIME_DIR (so `systemctl --user` can never reach a
 * developer's real user manager) and a CPS_BRIDGE_HOME whose path holds a space and a `%`.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, type SpawnedAgent, spawnAgent } from "../bridge/spawn-agent";
import { BridgeTestClient } from "../bridge/test-client";
import { launchAgentPlist } from "./launchd";

interface Sandbox {
  root: string;
  home: string;
  agentHome: string;
  unit: string;
  env: NodeJS.ProcessEnv;
}

const sandboxes: Sandbox[] = [];
/** Agents a test started: stopped even when the test failed half-way (a leaked agent would read the bench's cards). */
const agents: SpawnedAgent[] = [];

function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "cps-bridge-install-"));
  const home = join(root, "home");
  const run = join(root, "run");
  mkdirSync(home);
  mkdirSync(run);
  chmodSync(run, 0o700);
  const agentHome = join(root, "Mes documents 100%", "agent");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_RUNTIME_DIR: run,
    CPS_BRIDGE_HOME: agentHome,
    LANG: "C.UTF-8",
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const s = { root, home, agentHome, unit: join(home, ".config", "systemd", "user", "cps-bridge.service"), env };
  sandboxes.push(s);
  return s;
}

afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
  for (const s of sandboxes.splice(0)) rmSync(s.root, { recursive: true, force: true });
});

function tool(file: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(file, args, { env, encoding: "utf8", timeout: 30_000 });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

describe("cps-bridge install (systemd user unit)", () => {
  it("writes a unit systemd-analyze accepts, enables it, and says the agent starts at the next logon", async () => {
    const s = sandbox();
    const r = await runCli(["install"], { env: s.env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`il démarrera à chaque ouverture de session (service utilisateur systemd : ${s.unit})`);
    expect(r.stdout).toMatch(/le gestionnaire de services de la session ne répond pas : Failed to connect to bus/);
    const unit = readFileSync(s.unit, "utf8");
    expect(unit).toMatch(/^ExecStart="\/.+" ".+cps-bridge\.mjs" "start"$/m);
    expect(unit).toContain('Environment="CPS_BRIDGE_HOME=');
    expect(unit).toContain("Mes documents 100%%/agent");

    const verify = tool("systemd-analyze", ["--user", "verify", s.unit], s.env);
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);
    expect(tool("systemctl", ["--user", "is-enabled", "cps-bridge.service"], s.env).stdout.trim()).toBe("enabled");

    // The same check refuses a unit whose program does not exist: it can fail.
    const broken = join(s.home, ".config", "systemd", "user", "cps-bridge-broken.service");
    writeFileSync(broken, unit.replace(/^ExecStart="[^"]+"/m, 'ExecStart="/nonexistent/cps bridge"'));
    const refused = tool("systemd-analyze", ["--user", "verify", broken], s.env);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("/nonexistent/cps bridge");

    // `--json` gives the same facts to scripts; a second install replaces the first.
    const again = await runCli(["install", "--no-start", "--json"], { env: s.env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      kind: "systemd",
      location: s.unit,
      started: false,
      notStartedReason: "no-start",
    });
  });

  it("stop ends a running agent cleanly; a second stop says it is not running (exit 3)", async () => {
    const s = sandbox();
    const agent = await spawnAgent({ home: s.agentHome, env: s.env });
    agents.push(agent);
    const pid = agent.proc.pid;
    const r = await runCli(["stop"], { env: s.env });
    expect(r).toMatchObject({ code: 0, stdout: `cps-bridge est arrêté (pid ${pid}).\n` });
    expect(await agent.stop()).toBe(0);
    expect(existsSync(agent.paths.lockFile)).toBe(false);
    const second = await runCli(["--lang", "en", "stop"], { env: s.env });
    expect(second).toMatchObject({ code: 3, stdout: "cps-bridge is not running.\n" });
  });

  it("uninstall stops the agent and removes the unit and every file but the logs; --purge removes the logs", async () => {
    const s = sandbox();
    expect((await runCli(["install", "--no-start"], { env: s.env })).code).toBe(0);
    const agent = await spawnAgent({ home: s.agentHome, env: s.env });
    agents.push(agent);
    // A real pairing, so that the pairings file exists too.
    const client = await BridgeTestClient.connect(agent.port);
    await client.hello();
    await client.pair(await agent.openPairing(), "uninstall test");
    const closed = client.closed;
    const before = filesUnder(s.agentHome);
    expect(before).toEqual(
      expect.arrayContaining(["config/agent-key.json", "config/pairings.json", "state/agent.lock", "logs/agent.log"]),
    );

    const r = await runCli(["uninstall"], { env: s.env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("L'agent cps-bridge est arrêté.");
    expect(r.stdout).toContain(`Démarrage automatique retiré : ${s.unit}`);
    expect(r.stdout).toContain("cps-bridge est désinstallé pour cet utilisateur.");
    expect(await agent.stop()).toBe(0);
    expect(await closed).toBe(1001);
    expect(existsSync(s.unit)).toBe(false);
    expect(existsSync(join(s.home, ".config", "systemd"))).toBe(false);
    expect(tool("systemctl", ["--user", "is-enabled", "cps-bridge.service"], s.env).status).not.toBe(0);
    expect(readdirSync(s.agentHome)).toEqual(["logs"]);
    expect(filesUnder(s.agentHome).every((f) => f.startsWith("logs/"))).toBe(true);

    const purge = await runCli(["uninstall", "--purge", "--json"], { env: s.env });
    expect(purge.code).toBe(0);
    expect(JSON.parse(purge.stdout)).toMatchObject({ stopped: false, service: [], kept: [], left: [] });
    expect(existsSync(s.agentHome)).toBe(false);
    expect(filesUnder(s.home)).toEqual([]);
  });
});

describe("LaunchAgent plist (macOS, not run here)", () => {
  it("is a property list Python's plistlib reads back, with the program and a clean stop that is not restarted", () => {
    const s = sandbox();
    const file = join(s.root, "fr.cps-bridge.agent.plist");
    const program = "/Users/Dr Martin/Library/Application Support/cps-bridge/program/A&B <1>/cps-bridge";
    writeFileSync(
      file,
      launchAgentPlist({ argv: [program, "start"], env: { CPS_BRIDGE_HOME: "/p" }, logDir: "/l", version: "0.1.0" }),
    );
    const py = tool(
      "python3",
      ["-c", "import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],'rb'))))", file],
      s.env,
    );
    expect(py.stderr).toBe("");
    expect(JSON.parse(py.stdout)).toEqual({
      Label: "fr.cps-bridge.agent",
      ProgramArguments: [program, "start"],
      EnvironmentVariables: { CPS_BRIDGE_HOME: "/p" },
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 10,
      ProcessType: "Interactive",
      StandardOutPath: "/l/launchd.log",
      StandardErrorPath: "/l/launchd.log",
    });
  });
});
