/**
 * `cps-bridge stop [--json]`: stops this user's running agent cleanly (control channel, then SIGTERM; service/
 * stop-agent.ts). Under a service manager, a clean stop is not restarted until the next logon. Exit 0 stopped,
 * 3 not running, 1 still running.
 */
import type { Command } from "commander";
import { describeError, EXIT, err, out, paths, rootOptions, t } from "../bridge/cli-support";
import { stopAgent } from "../service/stop-agent";

export function register(program: Command): void {
  program
    .command("stop")
    .description("Arrête l'agent de cet utilisateur / stops this user's agent")
    .option("--json", "sortie JSON / JSON output")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { lang } = rootOptions(command);
      try {
        const r = await stopAgent(paths());
        process.exitCode = r.wasRunning ? EXIT.ok : EXIT.notRunning;
        if (opts.json) out(JSON.stringify(r));
        else if (!r.wasRunning) out(t(lang, "cps-bridge n'est pas démarré.", "cps-bridge is not running."));
        else
          out(
            t(
              lang,
              `cps-bridge est arrêté${r.pid ? ` (pid ${r.pid})` : ""}.`,
              `cps-bridge is stopped${r.pid ? ` (pid ${r.pid})` : ""}.`,
            ),
          );
      } catch (e) {
        err(describeError(e, lang));
        process.exitCode = EXIT.failed;
      }
    });
}
