/**
 * Wires the diagnostics page to the background: starts a run when the page opens (and on « Relancer »), shows each
 * check as its `diagnostics.progress` broadcast arrives, applies a fix on the doctor's click only, and builds the
 * redacted report in the page (protocol/src/diagnostics/report.ts) — nothing is sent anywhere.
 */

import type { CheckResult, FixOffer } from "@cps-bridge/protocol/diagnostics/model";
import { buildReport, reportToText } from "@cps-bridge/protocol/diagnostics/report";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import type { MergedRun } from "../../diagnostics/run";
import { DIAGNOSTICS_PROGRESS } from "../../shared/messages";
import { send } from "../send";
import { useExtensionState } from "../use-extension-state";
import { DiagnosticsView, type FixState } from "./DiagnosticsView";
import { d } from "./strings";
import "../../diagnostics/codes";

export function DiagnosticsApp() {
  const state = useExtensionState();
  const lang = state?.language ?? (navigator.language.startsWith("en") ? "en" : "fr");
  const [results, setResults] = useState<CheckResult[]>([]);
  const [run, setRun] = useState<MergedRun>();
  const [running, setRunning] = useState(false);
  const [revocation, setRevocation] = useState(false);
  const [includeIdentity, setIncludeIdentity] = useState(false);
  const [fixes, setFixes] = useState<Record<string, FixState>>({});
  const [copied, setCopied] = useState(false);
  const runId = useRef("");

  const start = useCallback(async (withRevocation: boolean) => {
    const id = crypto.randomUUID();
    runId.current = id;
    setResults([]);
    setRun(undefined);
    setFixes({});
    setCopied(false);
    setRunning(true);
    const a = await send("diagnostics.run", { runId: id, ...(withRevocation ? { revocation: true } : {}) });
    if (runId.current !== id) return;
    if (a.ok) {
      setRun(a.run);
      setResults(a.run.results);
    }
    setRunning(false);
  }, []);

  useEffect(() => {
    const listener = (m: unknown) => {
      const msg = m as { type?: string; runId?: string; result?: CheckResult };
      if (msg?.type !== DIAGNOSTICS_PROGRESS || msg.runId !== runId.current || !msg.result) return;
      const r = msg.result;
      setResults((prev) => [...prev.filter((x) => x.id !== r.id), r]);
    };
    browser.runtime.onMessage.addListener(listener);
    void start(false);
    return () => browser.runtime.onMessage.removeListener(listener);
  }, [start]);

  const report = useMemo(
    () =>
      run
        ? buildReport(
            results,
            {
              os: run.os,
              ...(run.agentVersion ? { agentVersion: run.agentVersion } : {}),
              extensionVersion: run.extensionVersion,
              browser: run.browser,
              browserVersion: run.browserVersion,
              startedAt: run.startedAt,
              totalMs: run.totalMs,
            },
            { includeIdentity },
          )
        : undefined,
    [run, results, includeIdentity],
  );

  const fix = async (check: CheckResult, f: FixOffer) => {
    const key = `${f.id}|${f.target ?? ""}`;
    setFixes((s) => ({ ...s, [key]: { busy: true } }));
    const a = await send("diagnostics.fix", { fixId: f.id, ...(f.target ? { target: f.target } : {}) });
    if (!a.ok) {
      setFixes((s) => ({ ...s, [key]: { message: `${d(lang, "fixNotApplied")} (${a.code})` } }));
      return;
    }
    const again = a.result;
    if (again) setResults((prev) => prev.map((x) => (x.id === check.id ? again : x)));
    setFixes((s) => ({
      ...s,
      [key]: {
        message: a.applied ? d(lang, "fixApplied") : d(lang, "fixNotApplied"),
        ...(a.steps ? { steps: a.steps } : {}),
      },
    }));
  };

  return (
    <DiagnosticsView
      lang={lang}
      results={results}
      running={running}
      {...(run ? { totalMs: run.totalMs, meta: run } : {})}
      revocation={revocation}
      includeIdentity={includeIdentity}
      {...(report ? { supportCode: report.supportCode } : {})}
      fixes={fixes}
      copied={copied}
      actions={{
        rerun: () => void start(revocation),
        setRevocation,
        setIncludeIdentity,
        fix: (c, f) => void fix(c, f),
        copyText: () => {
          if (!report) return;
          navigator.clipboard.writeText(reportToText(report, lang)).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        },
        downloadJson: () => {
          if (!report) return;
          const blob = new Blob([JSON.stringify(report, null, 2)], { type: "application/json" });
          const a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = `cps-bridge-diagnostic-${report.startedAt.slice(0, 10)}.json`;
          a.click();
          setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
        },
        openViewer: () => {
          void browser.tabs.create({
            url: browser.runtime.getURL(`/report.html#${encodeURIComponent(report?.supportCode ?? "")}`),
          });
        },
      }}
    />
  );
}
