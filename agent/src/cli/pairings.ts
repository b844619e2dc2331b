/**
 * `cps-bridge pairings [--json]`: the paired browser profiles (id, label, origin, created, last seen). Asks the
 * running agent, or reads the per-user pairings file when no agent runs.
 */
import type { Command } from "commander";
import { describeError, EXIT, err, out, paths, rootOptions, t } from "../bridge/cli-support";
import { AgentNotRunningError } from "../bridge/control-channel";
import { controlRequest } from "../bridge/control-client";
import { type Pairing, PairingStore } from "../bridge/pairing-store";

export function register(program: Command): void {
  program
    .command("pairings")
    .description("Liste les extensions appairées / lists paired extensions")
    .option("--json", "sortie JSON / JSON output")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { lang } = rootOptions(command);
      const p = paths();
      let list: Pairing[];
      try {
        list = await controlRequest<Pairing[]>(p, "pairings.list");
      } catch (e) {
        if (!(e instanceof AgentNotRunningError)) {
          err(describeError(e, lang));
          process.exitCode = EXIT.failed;
          return;
        }
        try {
          list = new PairingStore(p.pairingsFile).list();
        } catch (e2) {
          err(describeError(e2, lang));
          process.exitCode = EXIT.failed;
          return;
        }
      }
      if (opts.json) {
        out(JSON.stringify(list));
      } else if (list.length === 0) {
        out(
          t(
            lang,
            "Aucune extension appairée. Lancez « cps-bridge pair ».",
            "No paired extension. Run `cps-bridge pair`.",
          ),
        );
      } else {
        out(
          t(
            lang,
            "Identifiant       Nom — origine — créé le — vu le",
            "Id                Label — origin — created — last seen",
          ),
        );
        for (const x of list) out(`${x.id}  ${x.label} — ${x.origin} — ${x.createdAt} — ${x.lastSeen}`);
      }
      process.exitCode = EXIT.ok;
    });
}
