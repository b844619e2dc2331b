import { describe, expect, it } from "vitest";
import { agentPaths } from "./paths";

describe("agentPaths", () => {
  it("follows XDG on Linux, with the control socket in XDG_RUNTIME_DIR", () => {
    const p = agentPaths({
      platform: "linux",
      home: "/home/dr",
      env: { XDG_CONFIG_HOME: "/home/dr/.cfg", XDG_RUNTIME_DIR: "/run/user/1000" },
    });
    expect(p.configDir).toBe("/home/dr/.cfg/cps-bridge");
    expect(p.pairingsFile).toBe("/home/dr/.cfg/cps-bridge/pairings.json");
    expect(p.stateDir).toBe("/home/dr/.local/state/cps-bridge");
    expect(p.logDir).toBe("/home/dr/.local/state/cps-bridge/logs");
    expect(p.controlEndpoint).toBe("/run/user/1000/cps-bridge/control.sock");
    expect(p.programDir).toBe("/home/dr/.local/share/cps-bridge");
    expect(agentPaths({ platform: "linux", home: "/home/dr", env: { XDG_DATA_HOME: "/d" } }).programDir).toBe(
      "/d/cps-bridge",
    );
  });

  it("falls back to ~/.config and the state dir without XDG variables", () => {
    const p = agentPaths({ platform: "linux", home: "/home/dr", env: {} });
    expect(p.configDir).toBe("/home/dr/.config/cps-bridge");
    expect(p.controlEndpoint).toBe("/home/dr/.local/state/cps-bridge/control.sock");
  });

  it("uses ~/Library on macOS", () => {
    const p = agentPaths({ platform: "darwin", home: "/Users/dr", env: {} });
    expect(p.configDir).toBe("/Users/dr/Library/Application Support/cps-bridge");
    expect(p.logDir).toBe("/Users/dr/Library/Logs/cps-bridge");
    expect(p.programDir).toBe("/Users/dr/Library/Application Support/cps-bridge/program");
  });

  it("uses %APPDATA% and %LOCALAPPDATA% on Windows, and a per-profile named pipe", () => {
    const env = { APPDATA: "C:\\Users\\dr\\AppData\\Roaming", LOCALAPPDATA: "C:\\Users\\dr\\AppData\\Local" };
    const p = agentPaths({ platform: "win32", home: "C:\\Users\\dr", env });
    expect(p.configDir).toBe("C:\\Users\\dr\\AppData\\Roaming\\cps-bridge");
    expect(p.logDir).toBe("C:\\Users\\dr\\AppData\\Local\\cps-bridge\\logs");
    expect(p.programDir).toBe("C:\\Users\\dr\\AppData\\Local\\Programs\\cps-bridge");
    expect(p.controlEndpoint).toMatch(/^\\\\\.\\pipe\\cps-bridge-[0-9a-f]{24}$/);
    const other = agentPaths({ platform: "win32", home: "C:\\Users\\other", env: {} });
    expect(other.controlEndpoint).not.toBe(p.controlEndpoint);
  });

  it("puts everything under CPS_BRIDGE_HOME when set", () => {
    const p = agentPaths({ platform: "linux", home: "/home/dr", env: { CPS_BRIDGE_HOME: "/tmp/x" } });
    expect(p.configDir).toBe("/tmp/x/config");
    expect(p.lockFile).toBe("/tmp/x/state/agent.lock");
    expect(p.controlEndpoint).toBe("/tmp/x/run/control.sock");
    expect(p.programDir).toBe("/tmp/x/program");
  });
});
