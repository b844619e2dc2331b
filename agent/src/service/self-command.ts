/**
 * How to run this same program again: the single executable (agent/scripts/package.mjs) is its own entry
 * (`process.execPath`; its argv[1] is the executable again, not a script), while the bundle or the development
 * launcher is `node <script>`. Used by the PKCS#11 probe's child process and by `cps-bridge install` (the service
 * starts what is running now).
 */

import { resolve } from "node:path";
import { isSea } from "node:sea";

export interface SelfCommand {
  /** Program to execute (the executable, or node). */
  file: string;
  /** Arguments before the command's own (empty, or the script path). */
  prefix: string[];
  /** True in the single executable. */
  standalone: boolean;
}

export function selfCommand(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
  standalone: boolean = isSea(),
): SelfCommand {
  if (standalone) return { file: process.execPath, prefix: [], standalone };
  const entry = env.CPS_BRIDGE_CLI_ENTRY ?? argv[1] ?? "";
  return { file: process.execPath, prefix: entry ? [resolve(entry)] : [], standalone };
}
