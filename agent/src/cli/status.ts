/**
 * `cps-bridge status [--json]`: is the agent running, on which port, in test mode or not, how many pairings and
 * connections. Asks the running agent over the control channel; when it does not answer, tells "stopped" from
 * "running but not answering" with the lock file. Exit code 0 running, 3 not running, 1 not answering.
 */
import type { Command } from "commander";
import type { AgentStatus } from "../bridge/agent-runtime";
import { EXIT, notRunningMessage, out, paths, readStateFile, rootOptions, t } from "../bridge/cli-support";
import { controlRequest } from "../bridge/control-client";
import { PairingStore } from "../bridge/pairing-store";
import { isProcessAlive, readLock } from "../instance-lock";

export function register(program: Command): void {
  program
    .command("status")
    .description("État de l'agent : démarré ?, port, appairages / agent status: running?, port, pairings")
    .option("--json", "sortie JSON / JSON output")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { lang } = rootOptions(command);
      const p = paths();
      try {
        const s = await controlRequest<AgentStatus>(p, "status");
        if (opts.json) out(JSON.stringify(s));
        else {
          out(
            t(
              lang,
              `cps-bridge est démarré (pid ${s.pid}) : ws://127.0.0.1:${s.port}`,
              `cps-bridge is running (pid ${s.pid}): ws://127.0.0.1:${s.port}`,
            ),
          );
          out(t(lang, `Version : ${s.agentVersion}`, `Version: ${s.agentVersion}`));
          out(t(lang, `Mode test : ${s.testMode ? "oui" : "non"}`, `Test mode: ${s.testMode ? "yes" : "no"}`));
          out(
            t(
              lang,
              `Appairages : ${s.pairings} — connexions : ${s.connections} (${s.authenticatedConnections} authentifiées)`,
              `Pairings: ${s.pairings} — connections: ${s.connections} (${s.authenticatedConnections} authenticated)`,
            ),
          );
          out(t(lang, `Service carte à puce (PC/SC) : ${s.pcsc}`, `Smart card service (PC/SC): ${s.pcsc}`));
          if (s.pairingWindowOpen) out(t(lang, "Une fenêtre d'appairage est ouverte.", "A pairing window is open."));
        }
        process.exitCode = EXIT.ok;
        return;
      } catch {
        // Not answering (not running, or hung): the lock file tells which below.
      }
      const lock = readLock(p.lockFile);
      const state = readStateFile(p);
      let pairings: number | undefined;
      try {
        pairings = new PairingStore(p.pairingsFile).size;
      } catch {
        pairings = undefined;
      }
      if (lock && isProcessAlive(lock.pid)) {
        if (opts.json)
          out(JSON.stringify({ running: true, answering: false, pid: lock.pid, port: state?.port, pairings }));
        else
          out(
            t(
              lang,
              `cps-bridge semble démarré (pid ${lock.pid}) mais ne répond pas. Redémarrez-le.`,
              `cps-bridge seems to run (pid ${lock.pid}) but does not answer. Restart it.`,
            ),
          );
        process.exitCode = EXIT.failed;
        return;
      }
      if (opts.json) out(JSON.stringify({ running: false, pairings }));
      else {
        out(notRunningMessage(lang));
        if (pairings !== undefined)
          out(t(lang, `Appairages enregistrés : ${pairings}`, `Stored pairings: ${pairings}`));
      }
      process.exitCode = EXIT.notRunning;
    });
}
