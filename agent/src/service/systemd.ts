/**
 * Linux: a systemd **user** unit, `$XDG_CONFIG_HOME/systemd/user/cps-bridge.service` (~/.config/systemd/user), enabled
 * into `default.target` so the user's service manager starts the agent when the user logs in, and stops it (SIGTERM,
 * a clean stop) at logout. Checked in tests with the real `systemd-analyze --user verify` (install.itest.ts).
 *
 * Quoting (systemd.service(5) « Command lines », systemd.exec(5) « Environment »): every ExecStart word is written in
 * double quotes, with `\` and `"` escaped C-style, `%` doubled (specifiers) and `$` doubled (variable expansion);
 * Environment= assignments are quoted the same way, except `$`, which Environment= does not expand.
 *
 * [U] pcscd built with polkit (Fedora, Arch, recent Ubuntu) authorises "active session" clients; a user service sits
 * outside the login session, and polkit then judges it by the user's display session (polkit ≥ 0.114, read in its
 * session monitor). A doctor's desktop always has one; a headless login may not — `cps-bridge diagnose` then shows the
 * PC/SC refusal (pcsc.service check) and `cps-bridge start` in the desktop session works.
 */
import { join } from "node:path";
import type { ServiceDefinition } from "./service-definition";

export const SYSTEMD_UNIT = "cps-bridge.service";

export function systemdUnitDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "systemd", "user");
}

export function systemdUnitFile(env: NodeJS.ProcessEnv, home: string): string {
  return join(systemdUnitDir(env, home), SYSTEMD_UNIT);
}

function escapeQuoted(s: string, dollar: boolean): string {
  let out = s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%");
  if (dollar) out = out.replace(/\$/g, "$$$$");
  return `"${out}"`;
}

/** One ExecStart word. */
export function systemdExecWord(arg: string): string {
  return escapeQuoted(arg, true);
}

/** One Environment= assignment. */
export function systemdEnvAssignment(name: string, value: string): string {
  return escapeQuoted(`${name}=${value}`, false);
}

export function systemdUnitText(def: ServiceDefinition): string {
  const lines = [
    `# Écrit par « cps-bridge install » (cps-bridge ${def.version}) ; retiré par « cps-bridge uninstall ».`,
    "# Written by `cps-bridge install`; removed by `cps-bridge uninstall`. Edits are lost at the next install.",
    "[Unit]",
    "Description=cps-bridge : agent local de la carte CPS / local CPS card agent",
    // At most 5 failed starts in 5 minutes, then the manager gives up until the next login (or a manual start):
    // a port taken by another program or a broken install must not loop forever.
    "StartLimitIntervalSec=300",
    "StartLimitBurst=5",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${def.argv.map(systemdExecWord).join(" ")}`,
    ...Object.entries(def.env).map(([k, v]) => `Environment=${systemdEnvAssignment(k, v)}`),
    // The agent stops cleanly on SIGTERM (exit 0) and is not restarted then; a crash is.
    "Restart=on-failure",
    "RestartSec=5",
    "TimeoutStopSec=15",
    // Its files are private to the user (it also sets 0600/0700 itself).
    "UMask=0077",
    "NoNewPrivileges=yes",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ];
  return lines.join("\n");
}
