/**
 * `cps-bridge start [--port N] [--test-mode] [--test-anchors FILE]`: runs the agent in the foreground (a service
 * manager — systemd user unit, launchd, Windows task — keeps it running; docs/agent.md). One agent per user (lock
 * file); listens on 127.0.0.1 only; logs JSON lines to the per-user rotated log file (PIN, OTP and national ids
 * redacted). SIGTERM / SIGINT (and `stop` on the control channel) stop it cleanly: sockets closed with 1001, card
 * service stopped, lock released.
 * Without --port (or `port` in config.json) it takes the first free port of 17777–17786 (agent-runtime.ts) and prints
 * it; `status` and `pair` print it too (they ask this user's own agent over the control channel, never a port).
 * Exit codes: 0 stopped cleanly, 1 could not start (port in use, no free port, bad config, already running).
 */
import { readFileSync } from "node:fs";
import { ERRORS, isBridgeError } from "@cps-bridge/protocol/errors";
import type { Command } from "commander";
import { startAgent } from "../bridge/agent-runtime";
import { AGENT_VERSION } from "../bridge/agent-version";
import { EXIT, err, out, parsePort, paths, rootOptions, t } from "../bridge/cli-support";
import { CardServiceImpl } from "../cards/card-service-impl";
import { ConfigError, loadConfig } from "../config";
import { AlreadyRunningError } from "../instance-lock";
import { createLogger } from "../log";
import { ensureAgentDirs } from "../paths";

interface StartOptions {
  port?: number;
  testMode?: boolean;
  testAnchors?: string;
  mailCa?: string;
}

export function register(program: Command): void {
  program
    .command("start")
    .description("Démarre l'agent (127.0.0.1 uniquement) / starts the agent (127.0.0.1 only)")
    .option(
      "--port <n>",
      "port d'écoute (défaut : le premier libre de 17777 à 17786) / listening port (default: first free of 17777-17786)",
      parsePort,
    )
    .option("--test-mode", "accepte le banc de test (cartes et PKI de test) / accept the test bench PKI and cards")
    .option(
      "--test-anchors <file>",
      "PEM des autorités de test (avec --test-mode) / test anchors PEM (with --test-mode)",
    )
    .option(
      "--mail-ca <file>",
      "PEM d'une autorité de confiance pour l'IMAPS (avec --test-mode) / IMAPS trust anchor PEM (with --test-mode)",
    )
    .action(async (opts: StartOptions, command: Command) => {
      const { lang, logLevel } = rootOptions(command);
      const p = paths();
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(p.configFile, {
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.testMode ? { testMode: true } : {}),
          ...(opts.testAnchors !== undefined ? { testAnchorsFile: opts.testAnchors } : {}),
        });
      } catch (e) {
        err(e instanceof ConfigError ? e.message : String(e));
        process.exitCode = EXIT.failed;
        return;
      }
      if (opts.mailCa !== undefined && !config.testMode) {
        err(t(lang, "--mail-ca n'est accepté qu'avec --test-mode.", "--mail-ca is accepted only with --test-mode."));
        process.exitCode = EXIT.failed;
        return;
      }
      let mailCa: string[] | undefined;
      if (opts.mailCa !== undefined) {
        try {
          mailCa = [readFileSync(opts.mailCa, "utf8")];
        } catch {
          err(t(lang, `Fichier illisible : ${opts.mailCa}`, `Cannot read ${opts.mailCa}`));
          process.exitCode = EXIT.failed;
          return;
        }
      }
      ensureAgentDirs(p);
      const log = createLogger({ file: { dir: p.logDir }, level: logLevel ?? config.logLevel });
      let agent: Awaited<ReturnType<typeof startAgent>>;
      try {
        agent = await startAgent({
          paths: p,
          config,
          log,
          agentVersion: AGENT_VERSION,
          ...(mailCa ? { mailCa } : {}),
          createCardService: () =>
            new CardServiceImpl({
              logger: log,
              testMode: config.testMode,
              ...(config.testAnchorsFile ? { testAnchorsPath: config.testAnchorsFile } : {}),
            }),
        });
      } catch (e) {
        if (e instanceof AlreadyRunningError) {
          err(
            t(
              lang,
              `cps-bridge est déjà démarré pour cet utilisateur (pid ${e.pid}). « cps-bridge status » pour le voir.`,
              `cps-bridge is already running for this user (pid ${e.pid}). See \`cps-bridge status\`.`,
            ),
          );
        } else if (isBridgeError(e) && (e.code === "ERR_PORT_IN_USE" || e.code === "ERR_NO_FREE_PORT")) {
          // The port sentence (with its number), then the code's remedy (protocol/src/errors.ts).
          log.error({ err: e, code: e.code }, "agent failed to start");
          const d = ERRORS[e.code];
          err(
            t(
              lang,
              `Démarrage impossible : ${e.message} ${d.remedyFr} (${e.code})`,
              `Could not start: ${d.en} ${d.remedyEn} (${e.code})`,
            ),
          );
        } else {
          log.error({ err: e }, "agent failed to start");
          err(t(lang, `Démarrage impossible : ${(e as Error).message}`, `Could not start: ${(e as Error).message}`));
        }
        process.exitCode = EXIT.failed;
        return;
      }
      out(
        t(
          lang,
          `cps-bridge ${AGENT_VERSION} écoute sur ws://127.0.0.1:${agent.port}${config.testMode ? " (mode test)" : ""} — journal : ${p.logFile}`,
          `cps-bridge ${AGENT_VERSION} listening on ws://127.0.0.1:${agent.port}${config.testMode ? " (test mode)" : ""} — log: ${p.logFile}`,
        ),
      );
      const onSignal = (signal: NodeJS.Signals) => void agent.stop(signal);
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      await agent.stopped;
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      log.flush?.();
      process.exitCode = EXIT.ok;
      // A native PC/SC handle or the log stream may keep the loop alive a little; never hang after a clean stop.
      setTimeout(() => process.exit(EXIT.ok), 3000).unref();
    });
}
