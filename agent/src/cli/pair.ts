/**
 * `cps-bridge pair [--json] [--no-wait]`: asks the running agent (control channel only — never reachable from a
 * browser) to open a 2-minute pairing window, prints the 6-digit code, and waits until the extension used it, the
 * window expired, or it was locked by wrong codes. The code printed carries the agent's port index (7 digits, protocol/src/agent-ports.ts),
 * so the extension sends it to this user's agent only; the port is printed too. Ctrl-C closes the window. `--json` prints one JSON object per
 * line (`{code, formatted, expiresAt}` then the outcome) for scripts and the Puppeteer kit; `--no-wait` leaves the
 * window open and returns at once.
 * Exit codes: 0 paired (or window opened with --no-wait), 1 expired / locked / refused, 3 agent not running.
 */
import { agentPortIndex } from "@cps-bridge/protocol/agent-ports";
import type { Command } from "commander";
import { describeError, EXIT, err, out, paths, rootOptions, t } from "../bridge/cli-support";
import { AgentNotRunningError } from "../bridge/control-channel";
import { controlRequest } from "../bridge/control-client";

interface Opened {
  code: string;
  formatted: string;
  expiresAt: string;
  /** The agent's WebSocket port; `entry` is what the doctor types (the port index, then the code). */
  port?: number;
  entry?: string;
  entryFormatted?: string;
}

export function register(program: Command): void {
  program
    .command("pair")
    .description("Ouvre une fenêtre d'appairage de 2 minutes et affiche le code / opens a 2-minute pairing window")
    .option("--json", "sortie JSON ligne par ligne / JSON lines output")
    .option("--no-wait", "ne pas attendre l'appairage / do not wait for the extension")
    .action(async (opts: { json?: boolean; wait: boolean }, command: Command) => {
      const { lang } = rootOptions(command);
      let closeChannel: (() => void) | undefined;
      let outcome: Promise<number> | undefined;
      let settle: ((code: number) => void) | undefined;
      if (opts.wait) outcome = new Promise((r) => (settle = r));
      let opened: Opened;
      try {
        opened = await controlRequest<Opened>(paths(), "pair.open", {
          args: { wait: opts.wait },
          onOpen: (close) => (closeChannel = close),
          onClose: () => settle?.(EXIT.failed),
          ...(opts.wait
            ? {
                onEvent: (e) => {
                  if (opts.json) out(JSON.stringify(e));
                  if (e.type === "paired") {
                    if (!opts.json) {
                      out(
                        t(
                          lang,
                          `Appairage réussi : « ${String(e.label)} » (identifiant ${String(e.pairingId)}).`,
                          `Paired: "${String(e.label)}" (id ${String(e.pairingId)}).`,
                        ),
                      );
                    }
                    settle?.(EXIT.ok);
                  } else {
                    if (!opts.json) out(closedMessage(String(e.reason), lang));
                    settle?.(EXIT.failed);
                  }
                  return true;
                },
              }
            : {}),
          timeoutMs: 5000,
        });
      } catch (e) {
        err(describeError(e, lang));
        process.exitCode = e instanceof AgentNotRunningError ? EXIT.notRunning : EXIT.failed;
        return;
      }
      if (opts.json) out(JSON.stringify(opened));
      else {
        const shown = opened.entryFormatted ?? opened.formatted;
        out(
          t(
            lang,
            `Code d'appairage : ${shown} — valable 2 minutes. Saisissez-le dans l'extension cps-bridge.`,
            `Pairing code: ${shown} — valid for 2 minutes. Type it in the cps-bridge extension.`,
          ),
        );
        if (opened.port !== undefined) {
          out(
            agentPortIndex(opened.port) === undefined
              ? t(
                  lang,
                  `Programme sur le port ${opened.port} (hors de la plage habituelle) : indiquez ce port dans les options de l'extension.`,
                  `Agent on port ${opened.port} (outside the usual range): set this port in the extension options.`,
                )
              : t(lang, `Programme sur le port ${opened.port}.`, `Agent on port ${opened.port}.`),
          );
        }
      }
      if (!outcome) {
        process.exitCode = EXIT.ok;
        return;
      }
      const onSigint = () => {
        closeChannel?.();
        if (!opts.json) out(t(lang, "Appairage annulé.", "Pairing cancelled."));
        settle?.(130);
      };
      process.once("SIGINT", onSigint);
      process.exitCode = await outcome;
      process.off("SIGINT", onSigint);
    });
}

function closedMessage(reason: string, lang: "fr" | "en"): string {
  switch (reason) {
    case "expired":
      return t(
        lang,
        "Le délai de 2 minutes est dépassé : relancez « cps-bridge pair ».",
        "The 2 minutes ran out: run `cps-bridge pair` again.",
      );
    case "locked":
      return t(
        lang,
        "Trop de codes erronés : l'appairage est bloqué. Attendez une minute puis relancez « cps-bridge pair ».",
        "Too many wrong codes: pairing is locked. Wait a minute, then run `cps-bridge pair` again.",
      );
    case "replaced":
      return t(lang, "Une autre fenêtre d'appairage a été ouverte.", "Another pairing window was opened.");
    default:
      return t(lang, "La fenêtre d'appairage a été fermée.", "The pairing window was closed.");
  }
}
