/**
 * The `cps-bridge` program (commander). One file per command in this folder, each exporting
 * `register(program)`; add a command by importing its file and listing it in COMMANDS below. agent/bin/cps-bridge.mjs
 * (development) and the esbuild bundle (shipped) both just import this file.
 *
 * Global options every command reads from the root program (`command.parent…opts()`; bridge/cli-support.ts
 * `rootOptions`): `--lang fr|en` (French by default, for doctors and support staff) and `--log-level`.
 */
import { Command, Option } from "commander";
import { AGENT_VERSION } from "../bridge/agent-version";
import { register as registerCard } from "./card";
import { register as registerDiagnose } from "./diagnose";
import { register as registerInstall } from "./install";
import { register as registerPair } from "./pair";
import { register as registerPairings } from "./pairings";
import { register as registerStart } from "./start";
import { register as registerStatus } from "./status";
import { register as registerStop } from "./stop";
import { register as registerUninstall } from "./uninstall";
import { register as registerUnpair } from "./unpair";

type Registration = (program: Command) => void;

/** Every command of the CLI, in `--help` order. */
const COMMANDS: Registration[] = [
  registerStart,
  registerStop,
  registerStatus,
  registerPair,
  registerPairings,
  registerUnpair,
  registerCard,
  registerDiagnose,
  registerInstall,
  registerUninstall,
];

export function buildProgram(): Command {
  const program = new Command("cps-bridge")
    .description("Agent local cps-bridge : lecteur de carte CPS pour l'extension / local CPS card agent")
    .version(AGENT_VERSION, "-V, --version", "affiche la version / print the version")
    .addOption(new Option("--lang <lang>", "langue des messages / output language").choices(["fr", "en"]).default("fr"))
    .addOption(
      new Option("--log-level <level>", "niveau de journalisation / log level").choices([
        "trace",
        "debug",
        "info",
        "warn",
        "error",
        "silent",
      ]),
    )
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  // Internal: the diagnostics' PKCS#11 probe runs here, in a child process (agent/src/middleware/pkcs11-probe.ts).
  program.command("__pkcs11-probe <module>", { hidden: true }).action(async (module: string) => {
    const { probeMain } = await import("../middleware/pkcs11-probe");
    process.exitCode = await probeMain(module);
  });
  return program;
}

/** Runs the CLI; exit codes are set by the commands (process.exitCode), never by throwing. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`cps-bridge: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

// Imported by the launcher to run (not awaited: main() never throws, and the bundle is CommonJS, which has no
// top-level await); imported by tests (vitest sets VITEST) only for buildProgram().
if (!process.env.VITEST) void main();
