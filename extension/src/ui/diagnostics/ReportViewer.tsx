/**
 * The support desk's report viewer (issue 10 §5): paste a support code read out on the phone, or a JSON report the
 * doctor sent; shows the failing checks, the versions, the OS and, for a report, each check's sentence and remedy.
 * Reads nothing but what is pasted; sends nothing.
 */
import { renderDiag } from "@cps-bridge/protocol/diagnostics/codes";
import { CHECK_IDS, type CheckResult } from "@cps-bridge/protocol/diagnostics/model";
import { type DiagnosticsReport, REPORT_FORMAT } from "@cps-bridge/protocol/diagnostics/report";
import { type DecodedSupportCode, decodeSupportCode } from "@cps-bridge/protocol/diagnostics/support-code";
import { useState } from "preact/hooks";
import type { UiLanguage } from "../../shared/state";
import { checkName, d } from "./strings";
import "../../diagnostics/codes";

type Parsed =
  | { kind: "code"; code: DecodedSupportCode; text: string }
  | { kind: "report"; report: DiagnosticsReport; code?: DecodedSupportCode }
  | { kind: "error"; message: string };

export function parseViewerInput(input: string, lang: UiLanguage): Parsed {
  const text = input.trim();
  if (text.startsWith("{")) {
    try {
      const report = JSON.parse(text) as DiagnosticsReport;
      if (report?.format !== REPORT_FORMAT || !Array.isArray(report.results)) throw new Error("format");
      let code: DecodedSupportCode | undefined;
      try {
        code = decodeSupportCode(report.supportCode);
      } catch {}
      return { kind: "report", report, ...(code ? { code } : {}) };
    } catch {
      return { kind: "error", message: d(lang, "viewerBadJson") };
    }
  }
  try {
    return { kind: "code", code: decodeSupportCode(text), text };
  } catch (e) {
    return { kind: "error", message: d(lang, "viewerBadCode", { reason: (e as Error).message }) };
  }
}

function CodeSummary({ c, lang }: { c: DecodedSupportCode; lang: UiLanguage }) {
  const names = (ids: readonly string[]) =>
    ids.length
      ? ids.map((id) => `${checkName(id as CheckResult["id"], lang)} (${id})`).join(", ")
      : d(lang, "viewerNone");
  return (
    <section class="diag-support" data-decoded>
      <p>
        {d(lang, "viewerVersions", {
          os: c.os,
          browser: c.browser,
          agent: c.agentVersion ?? "?",
          extension: c.extensionVersion ?? "?",
        })}
      </p>
      <p data-failed={c.failed.join(" ")}>
        <strong>{d(lang, "viewerFailed")} : </strong>
        {names(c.failed)}
      </p>
      <p data-warnings={c.warnings.join(" ")}>
        <strong>{d(lang, "viewerWarnings")} : </strong>
        {names(c.warnings)}
      </p>
      <ul class="diag-list">
        {CHECK_IDS.filter((id) => c.verdicts[id]).map((id) => (
          <li key={id} class={`diag-row ${c.verdicts[id]}`} data-check={id} data-verdict={c.verdicts[id]}>
            <span class="diag-name">{checkName(id, lang)}</span>
            <span class="diag-text">{d(lang, `verdict_${c.verdicts[id]!}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ReportViewer({ initial }: { initial?: string } = {}) {
  const lang: UiLanguage = navigator.language.startsWith("en") ? "en" : "fr";
  const fromHash = initial ?? decodeURIComponent(globalThis.location?.hash.slice(1) ?? "");
  const [input, setInput] = useState(fromHash);
  const [parsed, setParsed] = useState<Parsed | undefined>(fromHash ? parseViewerInput(fromHash, lang) : undefined);
  return (
    <main class="diag" lang={lang}>
      <h1>{d(lang, "viewerTitle")}</h1>
      <p class="muted">{d(lang, "viewerLead")}</p>
      <textarea
        id="cpsb-viewer-input"
        rows={6}
        value={input}
        onInput={(e) => setInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <div class="actions">
        <button
          type="button"
          class="primary"
          data-action="read"
          onClick={() => setParsed(parseViewerInput(input, lang))}
        >
          {d(lang, "viewerRead")}
        </button>
      </div>
      {parsed?.kind === "error" ? (
        <p class="banner error" data-viewer-error>
          {parsed.message}
        </p>
      ) : null}
      {parsed?.kind === "code" ? <CodeSummary c={parsed.code} lang={lang} /> : null}
      {parsed?.kind === "report" ? (
        <>
          {parsed.code ? <CodeSummary c={parsed.code} lang={lang} /> : null}
          <ul class="diag-list" data-report>
            {parsed.report.results.map((r) => {
              const t = renderDiag(r.code, r.params, lang);
              return (
                <li key={r.id} class={`diag-row ${r.verdict}`} data-check={r.id} data-verdict={r.verdict}>
                  <span class="diag-name">{checkName(r.id, lang)}</span>
                  <span class="diag-text">
                    {lang === "en" ? (r.en ?? t.text) : (r.fr ?? t.text)} [{r.code}]
                  </span>
                  {r.verdict === "failed" || r.verdict === "warning" ? (
                    <p class="diag-remedy">{lang === "en" ? (r.remedyEn ?? t.remedy) : (r.remedyFr ?? t.remedy)}</p>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </main>
  );
}
