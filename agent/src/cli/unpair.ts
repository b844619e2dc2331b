/**
 * `cps-bridge unpair <id>`: revokes a pairing (full id or a unique prefix of at least 4 characters). Through the
 * running agent, which also closes that client's open connections (4004); without an agent, edits the per-user
 * pairings file directly (atomic, 0600).
 */
import type { Command } from "commander";
import { describeError, EXIT, err, out, paths, rootOptions, t } from "../bridge/cli-support";
import { AgentNotRunningError } from "../bridge/control-channel";
import { controlRequest } from "../bridge/control-client";
import { PairingStore } from "../bridge/pairing-store";

export function register(program: Command): void {
  program
    .command("unpair")
    .description("Révoque un appairage / revokes a pairing")
    .argument("<id>", "identifiant affiché par « cps-bridge pairings » / id shown by `cps-bridge pairings`")
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { lang } = rootOptions(command);
      const p = paths();
      let removed: string | undefined;
      try {
        removed = (await controlRequest<{ removed: string }>(p, "pairings.remove", { args: { id } })).removed;
      } catch (e) {
        if (e instanceof AgentNotRunningError) {
          try {
            removed = new PairingStore(p.pairingsFile).remove(id)?.id;
          } catch (e2) {
            err(describeError(e2, lang));
            process.exitCode = EXIT.failed;
            return;
          }
        } else if (!(e instanceof Error && "code" in e && e.code === "ERR_NOT_PAIRED")) {
          err(describeError(e, lang));
          process.exitCode = EXIT.failed;
          return;
        }
      }
      if (!removed) {
        err(t(lang, `Aucun appairage « ${id} ».`, `No pairing "${id}".`));
        process.exitCode = EXIT.failed;
        return;
      }
      out(t(lang, `Appairage ${removed} révoqué.`, `Pairing ${removed} revoked.`));
      process.exitCode = EXIT.ok;
    });
}
