/**
 * What a per-user service runs, whatever the OS's service manager: the absolute program and its arguments (ending
 * with `start`), the environment it needs, and where its output goes. The three writers (systemd.ts, launchd.ts,
 * windows-run.ts) turn one definition into their own file or registry value; service-manager.ts installs it.
 */
import { isAbsolute } from "node:path";
import { BridgeError } from "@cps-bridge/protocol/errors";

export interface ServiceDefinition {
  /** Absolute program path, then its arguments; the last one is `start`. */
  argv: string[];
  /** Extra environment of the agent: `CPS_BRIDGE_HOME` when the install was made with it (portable, tests). */
  env: Record<string, string>;
  /** The agent's log directory (launchd writes the agent's stdout/stderr there). */
  logDir: string;
  /** The agent release written into the file's header comment. */
  version: string;
}

/** The environment variables an installed service keeps from the installing shell. */
export const SERVICE_ENV_KEYS = ["CPS_BRIDGE_HOME"] as const;

export function serviceEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of SERVICE_ENV_KEYS) {
    const v = env[k];
    if (v) out[k] = v;
  }
  return out;
}

/**
 * Checks what every writer relies on: an absolute program, and no control character (a newline would end a unit
 * line or a plist string; none can occur in a path a user chose by hand, so it is refused rather than escaped).
 */
export function checkDefinition(def: ServiceDefinition, platform: NodeJS.Platform = process.platform): void {
  const [program] = def.argv;
  const absolute = platform === "win32" ? /^[A-Za-z]:\\|^\\\\/.test(program ?? "") : isAbsolute(program ?? "");
  if (!program || !absolute)
    throw new BridgeError("ERR_SERVICE_INSTALL_FAILED", `the service program is not an absolute path: ${program}`, {
      step: "definition",
    });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  const control = /[\u0000-\u001f\u007f]/;
  for (const s of [...def.argv, ...Object.entries(def.env).flat(), def.logDir])
    if (control.test(s))
      throw new BridgeError("ERR_SERVICE_INSTALL_FAILED", "a path of the service holds a control character", {
        step: "definition",
      });
}
