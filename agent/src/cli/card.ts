/**
 * `cps-bridge card [--reader NAME] [--json] [--test-mode] [--test-anchors FILE]`: what is in every card reader —
 * card type (French label), ATR, holder, certificate (issuer, validity, chain verdict), PIN tries and a verdict —
 * read directly over PC/SC (it does not need a running agent). It never asks for, nor sends, a PIN.
 * `--json` prints one stable JSON document (docs/cli-card-json.md). Exit codes: 0 printed; 2 unknown `--reader`;
 * 3 PC/SC service unreachable (the document is still printed); 1 unexpected failure.
 */
import { CARD_TYPE_LABELS } from "@cps-bridge/protocol/card-labels";
import { BridgeError, ERRORS, isBridgeError } from "@cps-bridge/protocol/errors";
import type { PcscState, ReaderStatus } from "@cps-bridge/protocol/model";
import type { Command } from "commander";
import pkg from "../../package.json";
import { CardServiceImpl } from "../cards/card-service-impl";
import { testModeFromEnv } from "../cards/certificate-checks";
import { type Verdict, verdictOf } from "../cards/verdict";
import { createLogger, type Logger, silentLogger } from "../log";
import { agentPaths } from "../paths";

export const CARD_JSON_FORMAT = "cps-bridge.card/1";

export interface CardJsonReader extends ReaderStatus {
  cardLabel?: { fr: string; en: string };
  verdict: Verdict;
}

export interface CardJson {
  format: typeof CARD_JSON_FORMAT;
  agentVersion: string;
  generatedAt: string;
  testMode: boolean;
  pcsc: PcscState;
  readers: CardJsonReader[];
}

interface CardOptions {
  reader?: string;
  json?: boolean;
  testMode?: boolean;
  testAnchors?: string;
}

const EXIT = { ok: 0, failed: 1, noSuchReader: 2, pcscDown: 3 } as const;

export function register(program: Command): void {
  program
    .command("card")
    .description("Affiche les lecteurs et les cartes (sans code porteur) / shows readers and cards (no PIN asked)")
    .option("--reader <name>", "un seul lecteur (nom exact) / one reader only (exact name)")
    .option("--json", "sortie JSON stable (docs/cli-card-json.md) / stable JSON output")
    .option("--test-mode", "accepte la PKI du banc de test / accept the test bench PKI")
    .option(
      "--test-anchors <file>",
      "PEM des autorités de test (avec --test-mode) / test anchors PEM (with --test-mode)",
    )
    .action(async (opts: CardOptions, command: Command) => {
      const root = rootOf(command).opts<{ lang?: string; logLevel?: string }>();
      const lang = root.lang === "en" ? "en" : "fr";
      process.exitCode = await runCard(opts, lang, logger(root.logLevel));
    });
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}

/** The per-user rotated log file; silent if it cannot be opened (a read-only home must not break the command). */
function logger(level: string | undefined): Logger {
  try {
    return createLogger({
      file: { dir: agentPaths().logDir },
      level: level ?? "info",
      base: { component: "cli-card" },
    });
  } catch {
    return silentLogger();
  }
}

export async function runCard(opts: CardOptions, lang: "fr" | "en", log: Logger): Promise<number> {
  const testMode = opts.testMode === true || testModeFromEnv();
  if (opts.testAnchors && !testMode) {
    process.stderr.write(
      lang === "fr"
        ? "Attention : --test-anchors est ignoré sans --test-mode.\n"
        : "Warning: --test-anchors is ignored without --test-mode.\n",
    );
  }
  const service = new CardServiceImpl({
    logger: log,
    testMode,
    ...(opts.testAnchors ? { testAnchorsPath: opts.testAnchors } : {}),
  });
  try {
    await service.start();
    const doc: CardJson = {
      format: CARD_JSON_FORMAT,
      agentVersion: pkg.version,
      generatedAt: new Date().toISOString(),
      testMode,
      pcsc: service.pcscState(),
      readers: [],
    };
    let names = service.readers().map((r) => r.name);
    if (opts.reader !== undefined) {
      if (doc.pcsc === "up" && !names.includes(opts.reader)) {
        const e = new BridgeError("ERR_READER_NOT_FOUND", undefined, { reader: opts.reader });
        process.stderr.write(`${message(e, lang)}\n`);
        if (names.length) process.stderr.write(`${lang === "fr" ? "Lecteurs :" : "Readers:"} ${names.join(", ")}\n`);
        return EXIT.noSuchReader;
      }
      names = names.filter((n) => n === opts.reader);
    }
    for (const name of names) {
      let status: ReaderStatus;
      try {
        status = await service.cardStatus({ reader: name });
      } catch (e) {
        status = { name, state: "present", errorCode: isBridgeError(e) ? e.code : "ERR_INTERNAL" };
      }
      doc.readers.push({
        ...status,
        ...(status.cardType ? { cardLabel: CARD_TYPE_LABELS[status.cardType].label } : {}),
        verdict: verdictOf(status),
      });
    }
    process.stdout.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : human(doc, lang));
    return doc.pcsc === "up" ? EXIT.ok : EXIT.pcscDown;
  } catch (e) {
    log.error({ err: e }, "cps-bridge card failed");
    process.stderr.write(`${message(e, lang)}\n`);
    return EXIT.failed;
  } finally {
    await service.stop();
    log.flush?.();
  }
}

function message(e: unknown, lang: "fr" | "en"): string {
  if (isBridgeError(e)) {
    const d = ERRORS[e.code];
    return `${lang === "fr" ? `${d.fr} ${d.remedyFr}` : `${d.en} ${d.remedyEn}`} (${e.code})`;
  }
  return e instanceof Error ? e.message : String(e);
}

// ─────────────────────────────── human output ───────────────────────────────

const T = {
  fr: {
    pcsc: { up: "disponible", down: "arrêté ou injoignable", starting: "démarrage" },
    service: "Service carte à puce (PC/SC)",
    noReader: "Aucun lecteur de carte détecté.",
    reader: "Lecteur",
    empty: "vide",
    atr: "ATR",
    serial: "N° de carte",
    holder: "Titulaire",
    cert: "Certificat",
    issuer: "émis par",
    from: "valide du",
    to: "au",
    days: "jours restants",
    chain: "chaîne",
    chains: { production: "IGC-Santé (production)", test: "PKI de test", untrusted: "non reconnue" },
    validity: { valid: "valide", expiring: "expire bientôt", expired: "expiré", "not-yet-valid": "pas encore valide" },
    pin: "Code porteur",
    tries: (l: number, m: number) => `${l} essai${l > 1 ? "s" : ""} sur ${m}`,
    blocked: "bloqué",
    verified: "vérifié",
    verdict: "Verdict",
    testMode: "mode test",
  },
  en: {
    pcsc: { up: "available", down: "stopped or unreachable", starting: "starting" },
    service: "Smart card service (PC/SC)",
    noReader: "No card reader detected.",
    reader: "Reader",
    empty: "empty",
    atr: "ATR",
    serial: "Card no.",
    holder: "Holder",
    cert: "Certificate",
    issuer: "issued by",
    from: "valid from",
    to: "to",
    days: "days left",
    chain: "chain",
    chains: { production: "IGC-Santé (production)", test: "test PKI", untrusted: "not recognised" },
    validity: { valid: "valid", expiring: "expiring soon", expired: "expired", "not-yet-valid": "not yet valid" },
    pin: "PIN",
    tries: (l: number, m: number) => `${l} of ${m} tries left`,
    blocked: "blocked",
    verified: "verified",
    verdict: "Verdict",
    testMode: "test mode",
  },
} as const;

const MARK: Record<Verdict["level"], string> = { ok: "✔", warning: "⚠", error: "✘", info: "•" };

function human(doc: CardJson, lang: "fr" | "en"): string {
  const t = T[lang];
  // French typography: a space before the colon and « » quotes; English: neither.
  const c = lang === "fr" ? " :" : ":";
  const q = (x: string) => (lang === "fr" ? `« ${x} »` : `"${x}"`);
  const lines: string[] = [];
  lines.push(`${t.service}${c} ${t.pcsc[doc.pcsc]}${doc.testMode ? ` (${t.testMode})` : ""}`);
  if (doc.pcsc === "down") {
    const d = ERRORS.ERR_PCSC_SERVICE_DOWN;
    lines.push(`  ${lang === "fr" ? d.remedyFr : d.remedyEn}`);
  } else if (doc.readers.length === 0) {
    lines.push(t.noReader, `  ${lang === "fr" ? ERRORS.ERR_NO_READERS.remedyFr : ERRORS.ERR_NO_READERS.remedyEn}`);
  }
  for (const r of doc.readers) {
    lines.push("");
    const what = r.state === "empty" ? t.empty : ((r.cardLabel && CARD_TYPE_LABELS[r.cardType!].name[lang]) ?? "?");
    lines.push(`${t.reader} ${q(r.name)}${c} ${what}`);
    if (r.atr) lines.push(`  ${t.atr}${c} ${r.atr.replace(/(..)(?!$)/g, "$1 ")}`);
    if (r.serial) lines.push(`  ${t.serial}${c} ${r.serial}`);
    if (r.holder) {
      const h = r.holder;
      lines.push(
        `  ${t.holder}${c} ${h.givenName} ${h.surname} — ${h.profession} (${h.kind}, ${h.idType} ${h.nationalId})`,
      );
    }
    if (r.certificate) {
      const cert = r.certificate;
      const days = cert.validity === "valid" || cert.validity === "expiring" ? ` (${cert.daysLeft} ${t.days})` : "";
      lines.push(
        `  ${t.cert}${c} ${t.issuer} ${cn(cert.issuer)}, ${t.from} ${cert.notBefore.slice(0, 10)} ${t.to} ${cert.notAfter.slice(0, 10)} — ${t.validity[cert.validity]}${days}, ${t.chain}${c} ${t.chains[cert.chain]}`,
      );
    }
    if (r.pin) {
      const p = r.pin;
      lines.push(
        `  ${t.pin}${c} ${p.blocked ? t.blocked : t.tries(p.triesLeft, p.maxTries)}${p.verified ? `, ${t.verified}` : ""}`,
      );
    }
    const v = r.verdict;
    const text = lang === "fr" ? v.fr : v.en;
    const remedy = lang === "fr" ? v.remedyFr : v.remedyEn;
    lines.push(
      `  ${t.verdict}${c} ${MARK[v.level]} ${text}${v.level !== "ok" && remedy ? ` — ${remedy}` : ""}${v.code ? ` (${v.code})` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The CN of a DN string, else the DN. */
function cn(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;
}
