/**
 * `cps-bridge uninstall [--purge] [--json]`: stops the agent, removes its logon start, its program copy and every
 * per-user file; the logs stay unless `--purge` (service/uninstall-agent.ts). Exit 0 removed, 1 something was left.
 */
import { homedir } from "node:os";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import type { Command } from "commander";
import { describeError, EXIT, err, out, paths, rootOptions, t } from "../bridge/cli-support";
import { type ServiceManager, serviceManagerFor } from "../service/service-manager";
import { uninstallAgent } from "../service/uninstall-agent";

export function register(program: Command): void {
  program
    .command("uninstall")
    .description(
      "Retire l'agent : démarrage automatique, programme, appairages, réglages (garde les journaux) / removes the agent, keeps the logs",
    )
    .option("--purge", "retire aussi les journaux / removes the logs too")
    .option("--json", "sortie JSON / JSON output")
    .action(async (opts: { purge?: boolean; json?: boolean }, command: Command) => {
      const { lang } = rootOptions(command);
      try {
        let manager: ServiceManager | undefined;
        try {
          manager = serviceManagerFor({ home: homedir() });
          await manager.check();
        } catch (e) {
          if (!(isBridgeError(e) && e.code === "ERR_SERVICE_UNSUPPORTED")) throw e;
          manager = undefined; // no service manager here: nothing of it to remove, the files still are
        }
        const r = await uninstallAgent({
          paths: paths(),
          ...(manager ? { manager } : {}),
          purge: opts.purge === true,
        });
        process.exitCode = r.left.length === 0 ? EXIT.ok : EXIT.failed;
        if (opts.json) {
          out(JSON.stringify(r));
          return;
        }
        if (r.stopped) out(t(lang, "L'agent cps-bridge est arrêté.", "The cps-bridge agent is stopped."));
        for (const s of r.service) out(t(lang, `Démarrage automatique retiré : ${s}`, `Automatic start removed: ${s}`));
        if (r.mailboxPassword === "removed")
          out(
            t(
              lang,
              "Mot de passe de la boîte aux lettres retiré du trousseau du système.",
              "Mailbox password removed from the system keyring.",
            ),
          );
        for (const f of r.removed) out(t(lang, `Retiré : ${f}`, `Removed: ${f}`));
        for (const f of r.kept)
          out(
            t(
              lang,
              `Gardé : ${f} (journaux ; « cps-bridge uninstall --purge » les retire)`,
              `Kept: ${f} (logs; \`cps-bridge uninstall --purge\` removes them)`,
            ),
          );
        for (const l of r.left)
          err(t(lang, `Non retiré : ${l.path} (${l.reason})`, `Not removed: ${l.path} (${l.reason})`));
        if (r.left.length === 0)
          out(t(lang, "cps-bridge est désinstallé pour cet utilisateur.", "cps-bridge is uninstalled for this user."));
      } catch (e) {
        err(describeError(e, lang));
        process.exitCode = EXIT.failed;
      }
    });
}
