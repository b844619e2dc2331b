/**
 * The generated service definitions as text (install.itest.ts checks them with the real systemd-analyze and Python's
 * plistlib), and the install/uninstall flow against a fake service manager and a temp directory.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agentPaths } from "../paths";
import { installAgent } from "./install-agent";
import { launchAgentPlist } from "./launchd";
import { checkDefinition, type ServiceDefinition } from "./service-definition";
import { type RunResult, serviceManagerFor } from "./service-manager";
import { systemdExecWord, systemdUnitFile, systemdUnitText } from "./systemd";
import { regAddArgs, windowsQuote, windowsRunValue } from "./windows-run";

const def = (argv: string[], env: Record<string, string> = {}): ServiceDefinition => ({
  argv,
  env,
  logDir: "/home/dr/.local/state/cps-bridge/logs",
  version: "0.1.0",
});

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), "cps-bridge-svc-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("systemd user unit", () => {
  it("quotes every ExecStart word: spaces, quotes, backslashes, % specifiers and $ expansion", () => {
    expect(systemdExecWord("/opt/cps bridge/cps-bridge")).toBe('"/opt/cps bridge/cps-bridge"');
    expect(systemdExecWord('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(systemdExecWord("/x/100%/$HOME")).toBe('"/x/100%%/$$HOME"');
  });

  it("runs `start`, restarts on failure only, carries CPS_BRIDGE_HOME, and is wanted by default.target", () => {
    const text = systemdUnitText(
      def(["/home/dr/.local/share/cps-bridge/cps-bridge", "start"], { CPS_BRIDGE_HOME: "/p/100% $x" }),
    );
    expect(text).toContain('ExecStart="/home/dr/.local/share/cps-bridge/cps-bridge" "start"\n');
    // Environment= does not expand $: only % is doubled there.
    expect(text).toContain('Environment="CPS_BRIDGE_HOME=/p/100%% $x"\n');
    expect(text).toMatch(/^Restart=on-failure$/m);
    expect(text).toMatch(/^\[Install\]\nWantedBy=default\.target$/m);
    expect(text.startsWith("# Écrit par « cps-bridge install » (cps-bridge 0.1.0)")).toBe(true);
  });

  it("lives in $XDG_CONFIG_HOME/systemd/user, else ~/.config/systemd/user", () => {
    expect(systemdUnitFile({}, "/home/dr")).toBe("/home/dr/.config/systemd/user/cps-bridge.service");
    expect(systemdUnitFile({ XDG_CONFIG_HOME: "/c" }, "/home/dr")).toBe("/c/systemd/user/cps-bridge.service");
  });
});

describe("LaunchAgent plist and Windows Run value", () => {
  it("escapes XML in the plist and keeps a clean stop from restarting", () => {
    const plist = launchAgentPlist(def(["/Users/dr/A&B <x>/cps-bridge", "start"], { CPS_BRIDGE_HOME: "/p" }));
    expect(plist).toContain("<string>/Users/dr/A&amp;B &lt;x&gt;/cps-bridge</string>");
    expect(plist).toContain("<key>CPS_BRIDGE_HOME</key>");
    expect(plist).toMatch(/<key>SuccessfulExit<\/key>\s*<false\/>/);
    expect(plist).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
  });

  it("quotes Windows words as CommandLineToArgvW reads them, behind a headless console host", () => {
    expect(windowsQuote("C:\\Progs\\cps-bridge.exe")).toBe("C:\\Progs\\cps-bridge.exe");
    expect(windowsQuote("C:\\Program Files\\x.exe")).toBe('"C:\\Program Files\\x.exe"');
    expect(windowsQuote('a"b')).toBe('"a\\"b"');
    expect(windowsQuote("C:\\dir with space\\")).toBe('"C:\\dir with space\\\\"');
    const value = windowsRunValue(
      def(["C:\\Users\\Dr Martin\\AppData\\Local\\Programs\\cps-bridge\\cps-bridge.exe", "start"]),
    );
    expect(value).toBe(
      'C:\\Windows\\System32\\conhost.exe --headless "C:\\Users\\Dr Martin\\AppData\\Local\\Programs\\cps-bridge\\cps-bridge.exe" start',
    );
    expect(regAddArgs(value)).toEqual([
      "add",
      "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
      "/v",
      "cps-bridge",
      "/t",
      "REG_SZ",
      "/d",
      value,
      "/f",
    ]);
  });

  it("refuses a relative program and control characters rather than writing a broken file", () => {
    expect(() => checkDefinition(def(["cps-bridge", "start"]), "linux")).toThrow(/absolute/);
    expect(() => checkDefinition(def(["/a\nExecStartPre=/bin/evil", "start"]), "linux")).toThrow(/control/);
    expect(() => checkDefinition(def(["C:\\x\\cps-bridge.exe", "start"]), "win32")).not.toThrow();
  });
});

describe("install flow (fake systemctl)", () => {
  function fakeSystemctl(reachable: boolean) {
    const calls: string[] = [];
    const run = async (file: string, args: string[]): Promise<RunResult> => {
      calls.push(`${file} ${args.join(" ")}`);
      if (args[1] === "daemon-reload" && !reachable)
        return { code: 1, stdout: "", stderr: "Failed to connect to bus: No such file or directory\n" };
      return { code: 0, stdout: "", stderr: "" };
    };
    return { calls, run };
  }

  it("copies the executable and its addons into the program directory, dropping a previous version's addons", async () => {
    const root = temp();
    const download = join(root, "Téléchargements");
    mkdirSync(download);
    for (const f of ["cps-bridge", "smartcard_napi-NEW.node", "NODE-LICENSE.txt", "unrelated.pdf"])
      writeFileSync(join(download, f), f);
    const env = { CPS_BRIDGE_HOME: join(root, "agent") };
    const paths = agentPaths({ env, platform: "linux" });
    mkdirSync(paths.programDir, { recursive: true });
    writeFileSync(join(paths.programDir, "smartcard_napi-OLD.node"), "old");
    const { calls, run } = fakeSystemctl(false);
    const manager = serviceManagerFor({
      platform: "linux",
      env: { XDG_CONFIG_HOME: join(root, "cfg") },
      home: root,
      run,
    });
    const r = await installAgent({
      paths,
      manager,
      self: { file: join(download, "cps-bridge"), prefix: [], standalone: true },
      env,
      version: "0.1.0",
    });
    expect(readdirSync(paths.programDir).sort()).toEqual(["NODE-LICENSE.txt", "cps-bridge", "smartcard_napi-NEW.node"]);
    expect(r).toMatchObject({
      argv: [join(paths.programDir, "cps-bridge"), "start"],
      started: false,
      notStartedReason: "no-manager",
    });
    expect(r.managerMessage).toMatch(/Failed to connect to bus/);
    const unit = readFileSync(r.location, "utf8");
    expect(unit).toContain(`ExecStart="${join(paths.programDir, "cps-bridge")}" "start"`);
    expect(unit).toContain(`Environment="CPS_BRIDGE_HOME=${env.CPS_BRIDGE_HOME}"`);
    // The unit is written before it is enabled; nothing is restarted without a manager.
    expect(calls).toEqual([
      "systemctl --user --version",
      "systemctl --user enable cps-bridge.service",
      "systemctl --user daemon-reload",
    ]);
  });

  it("runs the script in place with node when not self-contained, and refuses a missing script", async () => {
    const root = temp();
    const script = join(root, "cps-bridge.cjs");
    writeFileSync(script, "");
    const paths = agentPaths({ env: { CPS_BRIDGE_HOME: root }, platform: "linux" });
    const { run } = fakeSystemctl(true);
    const manager = serviceManagerFor({ platform: "linux", env: {}, home: root, run });
    const r = await installAgent({
      paths,
      manager,
      self: { file: "/usr/bin/node", prefix: [script], standalone: false },
      env: {},
      version: "0.1.0",
      start: false,
    });
    expect(r).toMatchObject({ argv: ["/usr/bin/node", script, "start"], copied: [], notStartedReason: "no-start" });
    expect(existsSync(paths.programDir)).toBe(false);
    await expect(
      installAgent({
        paths,
        manager,
        self: { file: "/usr/bin/node", prefix: [join(root, "gone.cjs")], standalone: false },
        env: {},
        version: "0.1.0",
      }),
    ).rejects.toMatchObject({ code: "ERR_SERVICE_INSTALL_FAILED", details: { step: "definition" } });
  });

  it("says ERR_SERVICE_UNSUPPORTED where systemctl does not exist, and ERR_SERVICE_INSTALL_FAILED when enable fails", async () => {
    const root = temp();
    const paths = agentPaths({ env: { CPS_BRIDGE_HOME: root }, platform: "linux" });
    const self = { file: "/usr/bin/node", prefix: [__filename], standalone: false };
    const missing = serviceManagerFor({
      platform: "linux",
      env: {},
      home: root,
      run: async () => ({ code: null, stdout: "", stderr: "", missing: true }),
    });
    await expect(installAgent({ paths, manager: missing, self, env: {}, version: "0" })).rejects.toMatchObject({
      code: "ERR_SERVICE_UNSUPPORTED",
    });
    const refusing = serviceManagerFor({
      platform: "linux",
      env: {},
      home: root,
      run: async (_f, args) =>
        args[1] === "enable"
          ? { code: 1, stdout: "", stderr: "Failed to enable unit: Access denied\n" }
          : { code: 0, stdout: "", stderr: "" },
    });
    await expect(installAgent({ paths, manager: refusing, self, env: {}, version: "0" })).rejects.toMatchObject({
      code: "ERR_SERVICE_INSTALL_FAILED",
      details: { step: "systemctl enable", output: "Failed to enable unit: Access denied" },
    });
  });
});
