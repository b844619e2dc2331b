/**
 * `cps-bridge install [--no-start] [--json]`: the agent starts at every logon of this user (systemd user unit,
 * LaunchAgent, HKCU Run value; service/install-agent.ts), and now. Exit 0 installed (started, or to start at the next
 * logon), 1 failed, 2 not supported here.
 */
import { homedir } from "node:os";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import type { Command } from "commander";
import { AGENT_VERSION } from "../bridge/agent-version";
import { describeError, EXIT, err, out, paths, rootOptions, t } from "../bridge/cli-support";
import { installAgent } from "../service/install-agent";
import { selfCommand } from "../service/self-command";
import { type ServiceKind, serviceManagerFor } from "../service/service-manager";

const EXIT_UNSUPPORTED = 2;

function serviceLabel(kind: ServiceKind, lang: "fr" | "en"): string {
  if (kind === "systemd") return t(lang, "service utilisateur systemd", "systemd user service");
  if (kind === "launchd") return t(lang, "LaunchAgent de la session", "session LaunchAgent");
  return t(lang, "démarrage à l'ouverture de session (Run)", "logon start (Run value)");
}

export function register(program: Command): void {
  program
    .command("install")
    .description(
      "Démarre l'agent à chaque ouverture de session, et maintenant / starts the agent at every logon, and now",
    )
    .option("--no-start", "n'attend que la prochaine ouverture de session / only arm it for the next logon")
    .option("--json", "sortie JSON / JSON output")
    .action(async (opts: { start: boolean; json?: boolean }, command: Command) => {
      const { lang } = rootOptions(command);
      const p = paths();
      try {
        const manager = serviceManagerFor({ home: homedir() });
        const r = await installAgent({
          paths: p,
          manager,
          self: selfCommand(),
          env: process.env,
          version: AGENT_VERSION,
          start: opts.start,
        });
        process.exitCode = EXIT.ok;
        if (opts.json) {
          out(JSON.stringify(r));
          return;
        }
        const program = r.argv.slice(0, -1).join(" ");
        out(
          t(
            lang,
            `cps-bridge ${AGENT_VERSION} est installé : il démarrera à chaque ouverture de session (${serviceLabel(r.kind, lang)} : ${r.location}).`,
            `cps-bridge ${AGENT_VERSION} is installed: it will start at every logon (${serviceLabel(r.kind, lang)}: ${r.location}).`,
          ),
        );
        out(t(lang, `Programme : ${program}`, `Program: ${program}`));
        if (r.started)
          out(
            t(
              lang,
              `Il est démarré : ws://127.0.0.1:${r.port}. Appairez maintenant l'extension : « ${program} pair ».`,
              `It is running: ws://127.0.0.1:${r.port}. Now pair the extension: \`${program} pair\`.`,
            ),
          );
        else if (r.notStartedReason === "no-manager")
          out(
            t(
              lang,
              `Il n'a pas été démarré maintenant (le gestionnaire de services de la session ne répond pas : ${r.managerMessage ?? "?"}). Il démarrera à la prochaine ouverture de session ; pour l'utiliser tout de suite : « ${program} start ».`,
              `It was not started now (the session's service manager does not answer: ${r.managerMessage ?? "?"}). It will start at the next logon; to use it right away: \`${program} start\`.`,
            ),
          );
        else out(t(lang, "Il démarrera à la prochaine ouverture de session.", "It will start at the next logon."));
      } catch (e) {
        err(describeError(e, lang));
        if (isBridgeError(e) && e.details?.step)
          err(
            t(
              lang,
              `Étape : ${String(e.details.step)} — ${e.message}`,
              `Step: ${String(e.details.step)} — ${e.message}`,
            ),
          );
        process.exitCode = isBridgeError(e) && e.code === "ERR_SERVICE_UNSUPPORTED" ? EXIT_UNSUPPORTED : EXIT.failed;
      }
    });
}
