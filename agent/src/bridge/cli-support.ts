/**
 * Shared by the bridge's CLI commands (cli/start, pair, pairings, unpair, status): the language switch, printing,
 * and reading pairings/state when no agent runs. French first (doctors and support staff), English with --lang en.
 */
import { ERRORS, isBridgeError } from "@cps-bridge/protocol/errors";
import { type AgentPaths, agentPaths } from "../paths";
import type { AgentStateFile } from "./agent-runtime";
import { AgentNotRunningError } from "./control-channel";
import { readFileIfExists } from "./secure-file";

export type Lang = "fr" | "en";

export function t(lang: Lang, fr: string, en: string): string {
  return lang === "en" ? en : fr;
}

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function paths(): AgentPaths {
  return agentPaths();
}

/** Exit codes of the bridge commands (docs/agent.md). */
export const EXIT = { ok: 0, failed: 1, notRunning: 3 } as const;

export function notRunningMessage(lang: Lang): string {
  return t(
    lang,
    "cps-bridge n'est pas démarré : lancez d'abord « cps-bridge start ».",
    "cps-bridge is not running: run `cps-bridge start` first.",
  );
}

/** One line for an error from the agent: the French (or English) sentence and remedy of its code. */
export function describeError(e: unknown, lang: Lang): string {
  if (e instanceof AgentNotRunningError) return notRunningMessage(lang);
  if (isBridgeError(e)) {
    const d = ERRORS[e.code];
    const text = lang === "en" ? `${d.en} ${d.remedyEn}` : `${d.fr} ${d.remedyFr}`;
    return `${text} (${e.code})`;
  }
  return e instanceof Error ? e.message : String(e);
}

export function readStateFile(p: AgentPaths): AgentStateFile | undefined {
  const text = readFileIfExists(p.stateFile);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as AgentStateFile;
  } catch {
    return undefined;
  }
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65_535) throw new Error(`port invalide / invalid port: ${value}`);
  return n;
}

/** `--lang` / `--log-level` of the root program (cli/main.ts defines them), read from any subcommand. */
export function rootOptions(command: { parent: unknown; opts(): Record<string, unknown> }): {
  lang: Lang;
  logLevel?: string;
} {
  let root = command;
  while (root.parent) root = root.parent as typeof command;
  const o = root.opts();
  return { lang: o.lang === "en" ? "en" : "fr", ...(typeof o.logLevel === "string" ? { logLevel: o.logLevel } : {}) };
}
