/**
 * The diagnostics page (issue 10 §4): every check in CHECK_IDS order as it finishes, the first blocking cause on top
 * with its remedy and its fix, the other problems below, the passed checks folded; then the support block (support
 * code, readable report, JSON). Pure view: DiagnosticsApp wires it to the background.
 */
import { renderDiag } from "@cps-bridge/protocol/diagnostics/codes";
import { CHECK_IDS, type CheckResult, type FixOffer, firstBlocking } from "@cps-bridge/protocol/diagnostics/model";
import type { UiLanguage } from "../../shared/state";
import { checkName, d } from "./strings";

export interface FixState {
  busy?: boolean;
  message?: string;
  steps?: string;
}

export interface DiagnosticsViewProps {
  lang: UiLanguage;
  results: readonly CheckResult[];
  running: boolean;
  totalMs?: number;
  meta?: { agentVersion?: string; extensionVersion: string; os: string };
  revocation: boolean;
  includeIdentity: boolean;
  supportCode?: string;
  fixes: Record<string, FixState>;
  copied: boolean;
  actions: {
    rerun(): void;
    setRevocation(v: boolean): void;
    setIncludeIdentity(v: boolean): void;
    fix(check: CheckResult, fix: FixOffer): void;
    copyText(): void;
    downloadJson(): void;
    openViewer(): void;
  };
}

const ICON = { ok: "✔", warning: "⚠", failed: "✘", skipped: "–" } as const;

function Fixes({ r, p }: { r: CheckResult; p: DiagnosticsViewProps }) {
  if (!r.fixes?.length) return null;
  return (
    <div class="diag-fixes">
      {r.fixes.map((f) => {
        const key = `${f.id}|${f.target ?? ""}`;
        const st = p.fixes[key] ?? {};
        const after = p.lang === "en" ? f.afterEn : f.afterFr;
        return (
          <div class="diag-fix" key={key} data-fix={f.id}>
            {f.needsAdmin ? (
              <>
                <p class="small">{d(p.lang, "fixAdmin")}</p>
                {f.steps ? <pre class="cmd">{f.steps}</pre> : null}
              </>
            ) : (
              <button
                type="button"
                class="primary"
                disabled={st.busy || p.running}
                data-action="fix"
                data-fix-id={f.id}
                onClick={() => p.actions.fix(r, f)}
              >
                {st.busy ? d(p.lang, "fixing") : `${d(p.lang, "fix")}${f.target ? ` — ${f.target}` : ""}`}
              </button>
            )}
            {st.message ? (
              <p class="small" data-fix-message>
                {st.message} {after ?? ""}
              </p>
            ) : null}
            {st.steps ? <pre class="cmd">{st.steps}</pre> : null}
          </div>
        );
      })}
    </div>
  );
}

function Row({ r, p, open }: { r: CheckResult; p: DiagnosticsViewProps; open: boolean }) {
  const t = renderDiag(r.code, r.params, p.lang);
  const dep = r.skippedBecause ? checkName(r.skippedBecause, p.lang) : "";
  return (
    <li class={`diag-row ${r.verdict}`} data-check={r.id} data-verdict={r.verdict} data-code={r.code}>
      <span class="diag-icon" aria-hidden="true">
        {ICON[r.verdict]}
      </span>
      <span class="diag-name">{checkName(r.id, p.lang)}</span>
      <span class="sr-only">{d(p.lang, `verdict_${r.verdict}`)}</span>
      <span class="diag-text">{r.verdict === "skipped" ? d(p.lang, "skipped", { dep }) : t.text}</span>
      {open && t.remedy && r.verdict !== "ok" && r.verdict !== "skipped" ? (
        <p class="diag-remedy">
          <strong>{d(p.lang, "toDo")} : </strong>
          {t.remedy}
        </p>
      ) : null}
      {open ? <Fixes r={r} p={p} /> : null}
    </li>
  );
}

export function DiagnosticsView(p: DiagnosticsViewProps) {
  const first = p.running ? undefined : firstBlocking(p.results as CheckResult[]);
  const byId = new Map(p.results.map((r) => [r.id, r]));
  const ordered = CHECK_IDS.map((id) => byId.get(id)).filter((r): r is CheckResult => r !== undefined);
  const problems = ordered.filter((r) => r !== first && (r.verdict === "failed" || r.verdict === "warning"));
  const rest = ordered.filter((r) => r !== first && r.verdict !== "failed" && r.verdict !== "warning");
  const passed = rest.filter((r) => r.verdict === "ok");
  const notRun = rest.filter((r) => r.verdict === "skipped");
  const ft = first ? renderDiag(first.code, first.params, p.lang) : undefined;
  return (
    <main class="diag" data-running={p.running ? "true" : "false"} lang={p.lang}>
      <h1>{d(p.lang, "title")}</h1>
      <p class="muted">{d(p.lang, "lead")}</p>
      <div class="diag-controls">
        <button type="button" data-action="rerun" disabled={p.running} onClick={p.actions.rerun}>
          {d(p.lang, "rerun")}
        </button>
        <label class="small">
          <input
            type="checkbox"
            id="cpsb-diag-revocation"
            checked={p.revocation}
            onChange={(e) => p.actions.setRevocation((e.currentTarget as HTMLInputElement).checked)}
          />{" "}
          {d(p.lang, "revocation")}
        </label>
      </div>
      <p class="small" id="cpsb-diag-progress" aria-live="polite">
        {p.running
          ? d(p.lang, "running", { done: p.results.length, total: CHECK_IDS.length - 1 })
          : p.totalMs !== undefined
            ? d(p.lang, "finished", { ms: p.totalMs })
            : ""}
      </p>
      <progress max={CHECK_IDS.length - 1} value={p.results.length} />
      {!p.running && p.results.length > 0 ? (
        first && ft ? (
          <section class="banner error diag-first" data-first-blocking={first.id} data-code={first.code}>
            <p class="title">
              {d(p.lang, "firstCause")} — {checkName(first.id, p.lang)}
            </p>
            <p>{ft.text}</p>
            {ft.remedy ? (
              <p class="next">
                <strong>{d(p.lang, "toDo")} : </strong>
                {ft.remedy}
              </p>
            ) : null}
            <Fixes r={first} p={p} />
          </section>
        ) : (
          <section class="banner ok diag-first" data-first-blocking="none">
            <p class="title">{d(p.lang, "allGood")}</p>
          </section>
        )
      ) : null}
      {problems.length > 0 ? (
        <section>
          <h2>{d(p.lang, "problems")}</h2>
          <ul class="diag-list" id="cpsb-diag-problems">
            {problems.map((r) => (
              <Row key={r.id} r={r} p={p} open />
            ))}
          </ul>
        </section>
      ) : null}
      {p.running ? (
        <ul class="diag-list" id="cpsb-diag-live">
          {rest.map((r) => (
            <Row key={r.id} r={r} p={p} open={false} />
          ))}
        </ul>
      ) : (
        <>
          {notRun.length > 0 ? (
            <details class="diag-skipped">
              <summary>{d(p.lang, "notRun", { n: notRun.length })}</summary>
              <ul class="diag-list">
                {notRun.map((r) => (
                  <Row key={r.id} r={r} p={p} open={false} />
                ))}
              </ul>
            </details>
          ) : null}
          {passed.length > 0 ? (
            <details class="diag-passed">
              <summary>{d(p.lang, "passed", { n: passed.length })}</summary>
              <ul class="diag-list">
                {passed.map((r) => (
                  <Row key={r.id} r={r} p={p} open={false} />
                ))}
              </ul>
            </details>
          ) : null}
        </>
      )}
      {!p.running && p.supportCode ? (
        <section class="diag-support">
          <h2>{d(p.lang, "support")}</h2>
          <p class="small">{d(p.lang, "supportCode")}</p>
          <p class="diag-code" id="cpsb-support-code">
            {p.supportCode}
          </p>
          {p.meta ? (
            <p class="small muted">
              {d(p.lang, "agentVersion", {
                agent: p.meta.agentVersion ?? "?",
                extension: p.meta.extensionVersion,
                os: p.meta.os,
              })}
            </p>
          ) : null}
          <label class="small">
            <input
              type="checkbox"
              id="cpsb-diag-identity"
              checked={p.includeIdentity}
              onChange={(e) => p.actions.setIncludeIdentity((e.currentTarget as HTMLInputElement).checked)}
            />{" "}
            {d(p.lang, "includeIdentity")}
          </label>
          <div class="actions">
            <button type="button" data-action="copy-report" onClick={p.actions.copyText}>
              {d(p.lang, "copyText")}
            </button>
            <button type="button" data-action="download-report" onClick={p.actions.downloadJson}>
              {d(p.lang, "downloadJson")}
            </button>
            <button type="button" class="link" data-action="open-viewer" onClick={p.actions.openViewer}>
              {d(p.lang, "openViewer")}
            </button>
          </div>
          {p.copied ? <p class="small">{d(p.lang, "copied")}</p> : null}
        </section>
      ) : null}
    </main>
  );
}
