/**
 * macOS: a per-user LaunchAgent, `~/Library/LaunchAgents/fr.cps-bridge.agent.plist`, loaded into the user's GUI
 * domain (`launchctl bootstrap gui/<uid> <plist>`), so launchd starts the agent at login (RunAtLoad) and restarts it
 * after a crash but not after a clean stop (KeepAlive.SuccessfulExit = false). The agent's stdout/stderr go to a file
 * in its log directory (the agent writes its own log beside it).
 *
 * Not run here (no macOS): the plist is tested as text and parsed by Python's plistlib (install.itest.ts); the
 * manual check is in docs/agent.md §1.
 */
import { join } from "node:path";
import type { ServiceDefinition } from "./service-definition";

export const LAUNCHD_LABEL = "fr.cps-bridge.agent";

export function launchAgentFile(home: string): string {
  return join(home, "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
}

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function launchAgentPlist(def: ServiceDefinition): string {
  const str = (s: string) => `<string>${xml(s)}</string>`;
  const env = Object.entries(def.env);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- Écrit par « cps-bridge install » (cps-bridge ${xml(def.version)}) ; retiré par « cps-bridge uninstall ». -->`,
    '<plist version="1.0">',
    "<dict>",
    "  <key>Label</key>",
    `  ${str(LAUNCHD_LABEL)}`,
    "  <key>ProgramArguments</key>",
    "  <array>",
    ...def.argv.map((a) => `    ${str(a)}`),
    "  </array>",
    ...(env.length > 0
      ? [
          "  <key>EnvironmentVariables</key>",
          "  <dict>",
          ...env.flatMap(([k, v]) => [`    <key>${xml(k)}</key>`, `    ${str(v)}`]),
          "  </dict>",
        ]
      : []),
    "  <key>RunAtLoad</key>",
    "  <true/>",
    "  <key>KeepAlive</key>",
    "  <dict>",
    "    <key>SuccessfulExit</key>",
    "    <false/>",
    "  </dict>",
    "  <key>ThrottleInterval</key>",
    "  <integer>10</integer>",
    "  <key>ProcessType</key>",
    "  <string>Interactive</string>",
    "  <key>StandardOutPath</key>",
    `  ${str(join(def.logDir, "launchd.log"))}`,
    "  <key>StandardErrorPath</key>",
    `  ${str(join(def.logDir, "launchd.log"))}`,
    "</dict>",
    "</plist>",
    "",
  ].join("\n");
}
