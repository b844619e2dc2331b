/**
 * `cps-bridge diagnose [--json] [--test-mode] [--test-anchors FILE] [--revocation] [--crl-url URL…] [--portal ORIGIN]
 * [--include-identity] [--fix ID [--target T]] [--decode CODE]`: the same checks as the extension's diagnostics page
 * (docs/diagnostics.md), run here over PC/SC (no running agent needed), first blocking cause on top with its remedy,
 * then every check, then the support code. Never asks for, nor sends, a PIN.
 *
 * Exit codes (for scripts): 0 every check ok; 1 warnings only; 2 a blocking failure; 3 a failure that does not stop
 * the login; 64 bad usage (unknown fix, malformed support code); 70 the diagnostics itself failed.
 * Test hooks (documented in docs/diagnostics.md): `CPS_BRIDGE_DIAG_FS_ROOT` (prefix for OS paths: USB list,
 * middleware files) and `--usb-json FILE` (a USB device list instead of the OS's).
 */
import { readFileSync } from "node:fs";
import { renderDiag } from "@cps-bridge/protocol/diagnostics/codes";
import { CHECK_IDS, type CheckResult, firstBlocking } from "@cps-bridge/protocol/diagnostics/model";
import { buildReport, type DiagnosticsReport } from "@cps-bridge/protocol/diagnostics/report";
import { decodeSupportCode, SupportCodeError } from "@cps-bridge/protocol/diagnostics/support-code";
import type { Command } from "commander";
import pkg from "../../package.json";
import { readStateFile } from "../bridge/cli-support";
import { controlRequest } from "../bridge/control-client";
import { CardServiceImpl } from "../cards/card-service-impl";
import { testModeFromEnv } from "../cards/certificate-checks";
import { createDiagContext, type UsbDevice } from "../diagnostics/context";
import { findFix } from "../diagnostics/fixes";
import { allowedPortalOrigin } from "../diagnostics/portals";
import { applyFix, runDiagnostics } from "../diagnostics/run";
import { isProcessAlive, readLock } from "../instance-lock";
import { createLogger, type Logger, silentLogger } from "../log";
import { agentPaths } from "../paths";

export const DIAGNOSE_EXIT = { ok: 0, warnings: 1, blocking: 2, failed: 3, usage: 64, internal: 70 } as const;

interface DiagnoseOptions {
  json?: boolean;
  testMode?: boolean;
  testAnchors?: string;
  revocation?: boolean;
  crlUrl?: string[];
  portal?: string;
  includeIdentity?: boolean;
  fix?: string;
  target?: string;
  decode?: string;
  usbJson?: string;
}

export function register(program: Command): void {
  program
    .command("diagnose")
    .description("Diagnostic complet de la carte CPS et du poste / full CPS card and workstation diagnostics")
    .option("--json", "rapport JSON (identité masquée) / JSON report (identity masked)")
    .option("--test-mode", "accepte la PKI du banc de test / accept the test bench PKI")
    .option("--test-anchors <file>", "PEM des autorités de test / test anchors PEM")
    .option(
      "--revocation",
      "vérifie aussi la révocation (télécharge la CRL) / also check revocation (downloads the CRL)",
    )
    .option("--crl-url <url...>", "CRL à consulter à la place de celles de l'IGC-Santé / CRLs to use instead")
    .option("--portal <origin>", "portail à tester / portal to test (default https://trajectoire.sante-ra.fr)")
    .option("--include-identity", "inclut nom et identifiant national dans le rapport / include name and national id")
    .option("--fix <id>", "applique une correction proposée / apply an offered fix (e.g. middleware.register)")
    .option("--target <target>", "cible de la correction / the fix's target (e.g. an NSS database)")
    .option("--decode <code>", "décode un code support / decode a support code")
    .option("--usb-json <file>", "liste USB à utiliser (tests) / USB device list to use (tests)")
    .action(async (opts: DiagnoseOptions, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      const r = root.opts<{ lang?: string; logLevel?: string }>();
      process.exitCode = await runDiagnose(opts, r.lang === "en" ? "en" : "fr", logger(r.logLevel));
    });
}

function logger(level: string | undefined): Logger {
  try {
    return createLogger({
      file: { dir: agentPaths().logDir },
      level: level ?? "info",
      base: { component: "cli-diagnose" },
    });
  } catch {
    return silentLogger();
  }
}

async function agentRunning(): Promise<{ running: boolean; port?: number; pid?: number }> {
  const p = agentPaths();
  try {
    const s = await controlRequest<{ pid: number; port: number }>(p, "status", { timeoutMs: 1500 });
    return { running: true, port: s.port, pid: s.pid };
  } catch {
    const lock = readLock(p.lockFile);
    if (lock && isProcessAlive(lock.pid)) {
      const port = readStateFile(p)?.port;
      return { running: true, pid: lock.pid, ...(port ? { port } : {}) };
    }
    return { running: false };
  }
}

export async function runDiagnose(opts: DiagnoseOptions, lang: "fr" | "en", log: Logger): Promise<number> {
  const w = (s: string) => process.stdout.write(s);
  if (opts.decode !== undefined) return decode(opts.decode, lang);
  if (opts.fix !== undefined && !findFixOrLoad(opts.fix)) {
    process.stderr.write(`${lang === "fr" ? "Correction inconnue" : "Unknown fix"}: ${opts.fix}\n`);
    return DIAGNOSE_EXIT.usage;
  }
  const testMode = opts.testMode === true || testModeFromEnv();
  const portalOrigin = allowedPortalOrigin(opts.portal, testMode);
  if (!portalOrigin) {
    process.stderr.write(
      lang === "fr"
        ? `Portail refusé : ${opts.portal} (trajectoire.sante-ra.fr, viatrajectoire.fr ; 127.0.0.1 en mode test)\n`
        : `Portal refused: ${opts.portal} (trajectoire.sante-ra.fr, viatrajectoire.fr; 127.0.0.1 in test mode)\n`,
    );
    return DIAGNOSE_EXIT.usage;
  }
  let usb: UsbDevice[] | undefined;
  if (opts.usbJson) {
    try {
      usb = JSON.parse(readFileSync(opts.usbJson, "utf8")) as UsbDevice[];
    } catch (e) {
      process.stderr.write(`--usb-json: ${(e as Error).message}\n`);
      return DIAGNOSE_EXIT.usage;
    }
  }
  const cards = new CardServiceImpl({
    logger: log,
    testMode,
    ...(opts.testAnchors ? { testAnchorsPath: opts.testAnchors } : {}),
  });
  try {
    await cards.start();
    const fsRoot = process.env.CPS_BRIDGE_DIAG_FS_ROOT;
    const ctx = createDiagContext({
      cards,
      log,
      agentVersion: pkg.version,
      agentRunning,
      portalOrigin,
      testMode,
      revocation: { enabled: opts.revocation === true, ...(opts.crlUrl ? { crlUrls: opts.crlUrl } : {}) },
      ...(fsRoot ? { fsRoot } : {}),
      ...(usb ? { usbDevices: async () => usb } : {}),
    });
    if (opts.fix !== undefined) {
      const r = await applyFix(ctx, opts.fix, opts.target);
      if (opts.json) w(`${JSON.stringify(r, null, 2)}\n`);
      else {
        w(
          `${r.applied ? (lang === "fr" ? "Correction appliquée." : "Fix applied.") : lang === "fr" ? "Correction non appliquée." : "Fix not applied."}\n`,
        );
        if (r.steps) w(`${r.steps}\n`);
        if (r.result) w(line(r.result, lang));
      }
      return r.result ? exitOf([r.result]) : DIAGNOSE_EXIT.failed;
    }
    const run = await runDiagnostics(ctx, { revocation: opts.revocation === true });
    const holder = (await ctx.readerStatuses()).find((s) => s.holder)?.holder;
    const report = buildReport(
      run.results,
      {
        os: run.os,
        agentVersion: run.agentVersion,
        startedAt: run.startedAt,
        totalMs: run.totalMs,
        testMode,
        ...(holder ? { holder } : {}),
      },
      { includeIdentity: opts.includeIdentity === true },
    );
    w(opts.json ? `${JSON.stringify(report, null, 2)}\n` : human(report, run.results, lang));
    return exitOf(run.results);
  } catch (e) {
    log.error({ err: e }, "cps-bridge diagnose failed");
    process.stderr.write(`cps-bridge diagnose: ${(e as Error)?.message ?? String(e)}\n`);
    return DIAGNOSE_EXIT.internal;
  } finally {
    await cards.stop();
    log.flush?.();
  }
}

/** Fixes register themselves when their check module loads (the registry imports every check). */
function findFixOrLoad(id: string): boolean {
  return findFix(id) !== undefined;
}

export function exitOf(results: readonly CheckResult[]): number {
  if (firstBlocking(results)) return DIAGNOSE_EXIT.blocking;
  if (results.some((r) => r.verdict === "failed")) return DIAGNOSE_EXIT.failed;
  if (results.some((r) => r.verdict === "warning")) return DIAGNOSE_EXIT.warnings;
  return DIAGNOSE_EXIT.ok;
}

const MARK = { ok: "✔", warning: "⚠", failed: "✘", skipped: "–" } as const;

function line(r: CheckResult, lang: "fr" | "en"): string {
  const { text, remedy } = renderDiag(r.code, r.params, lang);
  const out = [`${MARK[r.verdict]} ${text} [${r.id}]`];
  if ((r.verdict === "failed" || r.verdict === "warning") && remedy) out.push(`    → ${remedy}`);
  return `${out.join("\n")}\n`;
}

function human(report: DiagnosticsReport, results: readonly CheckResult[], lang: "fr" | "en"): string {
  const fr = lang === "fr";
  const first = firstBlocking(results);
  let s = fr ? "Diagnostic cps-bridge\n\n" : "cps-bridge diagnostics\n\n";
  if (first) {
    const { text, remedy } = renderDiag(first.code, first.params, lang);
    s += `${fr ? "PROBLÈME" : "PROBLEM"} : ${text}\n${fr ? "À FAIRE" : "TO DO"} : ${remedy}\n(${first.code})\n\n`;
  } else {
    s += fr
      ? "Aucun problème bloquant : la carte peut servir à la connexion.\n\n"
      : "No blocking problem: the card can log in.\n\n";
  }
  for (const r of results) s += line(r, lang);
  for (const r of results)
    for (const f of r.fixes ?? [])
      s += `\n${fr ? "Correction possible" : "Possible fix"} (${r.id}) : ${
        f.needsAdmin ? (f.steps ?? "") : `cps-bridge diagnose --fix ${f.id}${f.target ? ` --target "${f.target}"` : ""}`
      }\n`;
  s += `\n${fr ? "Code support" : "Support code"} : ${report.supportCode}\n`;
  s += fr
    ? "Dictez ce code à votre support ; « cps-bridge diagnose --json » donne le rapport complet.\n"
    : "Read this code to your support desk; `cps-bridge diagnose --json` gives the full report.\n";
  s += `(${report.totalMs ?? "?"} ms)\n`;
  return s;
}

function decode(code: string, lang: "fr" | "en"): number {
  try {
    const d = decodeSupportCode(code);
    const fr = lang === "fr";
    const w = (s: string) => process.stdout.write(`${s}\n`);
    w(`${fr ? "Système" : "OS"} : ${d.os} — ${fr ? "navigateur" : "browser"} : ${d.browser}`);
    w(`Agent : ${d.agentVersion ?? "?"} — extension : ${d.extensionVersion ?? "?"}`);
    w(`${fr ? "En échec" : "Failed"} : ${d.failed.join(", ") || "—"}`);
    w(`${fr ? "Avertissements" : "Warnings"} : ${d.warnings.join(", ") || "—"}`);
    for (const id of CHECK_IDS) {
      const v = d.verdicts[id];
      if (v) w(`  ${MARK[v]} ${id}`);
    }
    return DIAGNOSE_EXIT.ok;
  } catch (e) {
    if (e instanceof SupportCodeError) {
      process.stderr.write(`${lang === "fr" ? "Code support invalide" : "Invalid support code"} : ${e.message}\n`);
      return DIAGNOSE_EXIT.usage;
    }
    throw e;
  }
}
