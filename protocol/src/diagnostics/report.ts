/**
 * The support report: the run's results with their sentences, redacted for a support desk. Never a PIN or an OTP
 * (no check ever records one; any fact whose name looks like a secret is dropped all the same); the holder's
 * national identifier and names are masked unless the doctor ticks « inclure mon identité ».
 */
import { renderDiag } from "./codes";
import { type CheckResult, type Fact, firstBlocking, sortResults } from "./model";
import { encodeSupportCode } from "./support-code";

export const REPORT_FORMAT = "cps-bridge.diagnostics/1";

export interface ReportMeta {
  os: string;
  agentVersion?: string;
  extensionVersion?: string;
  browser?: string;
  browserVersion?: string;
  startedAt: string;
  totalMs?: number;
  testMode?: boolean;
  holder?: { givenName: string; surname: string; nationalId: string };
}

export interface DiagnosticsReport extends Omit<ReportMeta, "holder"> {
  format: typeof REPORT_FORMAT;
  supportCode: string;
  identityIncluded: boolean;
  holder?: { givenName: string; surname: string; nationalId: string };
  firstBlocking?: string;
  results: (CheckResult & { fr: string; remedyFr: string; en: string; remedyEn: string })[];
}

const SECRET_KEY = /pin|otp|puk|password|secret|code_?porteur/i;
/** RPPS (11 digits), PS_IdNat (8+RPPS / 0+ADELI), NIR-like 13–15 digit runs. */
const NATIONAL_ID = /\b[08]?\d{9,14}\b/g;

export function maskId(id: string): string {
  return id.length <= 4 ? "•".repeat(id.length) : `${id.slice(0, 2)}${"•".repeat(id.length - 4)}${id.slice(-2)}`;
}
const maskName = (n: string) => (n ? `${n[0]}.` : n);

function redactFact(f: Fact, includeIdentity: boolean): Fact {
  if (includeIdentity) return f;
  if (typeof f === "string") return f.replace(NATIONAL_ID, (m) => maskId(m));
  if (Array.isArray(f)) return f.map((x) => (x as string).replace(NATIONAL_ID, (m) => maskId(m)));
  return f;
}

export function buildReport(
  results: readonly CheckResult[],
  meta: ReportMeta,
  options: { includeIdentity: boolean },
): DiagnosticsReport {
  const inc = options.includeIdentity;
  const sorted = sortResults(results).map((r) => {
    const facts: Record<string, Fact> = {};
    for (const [k, v] of Object.entries(r.facts))
      if (!SECRET_KEY.test(k) || k === "pinStatus") facts[k] = redactFact(v, inc);
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(r.params ?? {}))
      if (!SECRET_KEY.test(k)) params[k] = typeof v === "string" ? (redactFact(v, inc) as string) : v;
    const fr = renderDiag(r.code, params, "fr");
    const en = renderDiag(r.code, params, "en");
    return {
      ...r,
      ...(r.params ? { params } : {}),
      facts,
      fr: fr.text,
      remedyFr: fr.remedy,
      en: en.text,
      remedyEn: en.remedy,
    };
  });
  const { holder, ...rest } = meta;
  const blocking = firstBlocking(results);
  return {
    format: REPORT_FORMAT,
    ...rest,
    supportCode: encodeSupportCode({
      os: meta.os,
      ...(meta.browser ? { browser: meta.browser } : {}),
      ...(meta.agentVersion ? { agentVersion: meta.agentVersion } : {}),
      ...(meta.extensionVersion ? { extensionVersion: meta.extensionVersion } : {}),
      results,
    }),
    identityIncluded: inc,
    ...(holder
      ? {
          holder: inc
            ? holder
            : {
                givenName: maskName(holder.givenName),
                surname: maskName(holder.surname),
                nationalId: maskId(holder.nationalId),
              },
        }
      : {}),
    ...(blocking ? { firstBlocking: blocking.id } : {}),
    results: sorted,
  };
}

const MARK = { ok: "✔", warning: "⚠", failed: "✘", skipped: "–" } as const;

/** Plain text for an e-mail or a ticket, French or English. */
export function reportToText(report: DiagnosticsReport, lang: "fr" | "en"): string {
  const fr = lang === "fr";
  const c = fr ? " :" : ":";
  const lines = [
    fr ? "Diagnostic cps-bridge" : "cps-bridge diagnostics",
    `${fr ? "Code support" : "Support code"}${c} ${report.supportCode}`,
    `${fr ? "Date" : "Date"}${c} ${report.startedAt}`,
    `${fr ? "Système" : "OS"}${c} ${report.os}${report.browser ? ` — ${report.browser} ${report.browserVersion ?? ""}`.trimEnd() : ""}`,
    `${fr ? "Versions" : "Versions"}${c} agent ${report.agentVersion ?? "?"}${report.extensionVersion ? `, extension ${report.extensionVersion}` : ""}`,
  ];
  if (report.holder)
    lines.push(
      `${fr ? "Titulaire" : "Holder"}${c} ${report.holder.givenName} ${report.holder.surname} (${report.holder.nationalId})`,
    );
  const first = report.results.find((r) => r.id === report.firstBlocking);
  lines.push("");
  if (first) {
    lines.push(`${fr ? "Cause principale" : "Main cause"}${c} ${fr ? first.fr : first.en} [${first.code}]`);
    const remedy = fr ? first.remedyFr : first.remedyEn;
    if (remedy) lines.push(`${fr ? "À faire" : "To do"}${c} ${remedy}`);
  } else lines.push(fr ? "Aucun problème bloquant." : "No blocking problem.");
  lines.push("");
  for (const r of report.results) {
    lines.push(
      `${MARK[r.verdict]} ${r.id}${c} ${fr ? r.fr : r.en} [${r.code}]${r.durationMs ? ` (${r.durationMs} ms)` : ""}`,
    );
    const remedy = fr ? r.remedyFr : r.remedyEn;
    if (r.verdict !== "ok" && r.verdict !== "skipped" && remedy) lines.push(`    → ${remedy}`);
  }
  return `${lines.join("\n")}\n`;
}
