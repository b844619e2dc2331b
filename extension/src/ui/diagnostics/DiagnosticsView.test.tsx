// @vitest-environment happy-dom
import type { CheckResult } from "@cps-bridge/protocol/diagnostics/model";
import { encodeSupportCode } from "@cps-bridge/protocol/diagnostics/support-code";
import { cleanup, fireEvent, render } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DiagnosticsView, type DiagnosticsViewProps } from "./DiagnosticsView";
import { parseViewerInput } from "./ReportViewer";
import "../../diagnostics/codes";

afterEach(cleanup);

const r = (id: CheckResult["id"], verdict: CheckResult["verdict"], code: string, extra: Partial<CheckResult> = {}) =>
  ({
    id,
    side: "agent",
    verdict,
    code,
    blocking: verdict === "failed",
    facts: {},
    durationMs: 1,
    ...extra,
  }) as CheckResult;

function view(over: Partial<DiagnosticsViewProps> = {}) {
  const actions = {
    rerun: vi.fn(),
    setRevocation: vi.fn(),
    setIncludeIdentity: vi.fn(),
    fix: vi.fn(),
    copyText: vi.fn(),
    downloadJson: vi.fn(),
    openViewer: vi.fn(),
  };
  const props: DiagnosticsViewProps = {
    lang: "fr",
    results: [],
    running: false,
    revocation: false,
    includeIdentity: false,
    fixes: {},
    copied: false,
    actions,
    ...over,
  };
  return { ...render(<DiagnosticsView {...props} />), actions };
}

describe("DiagnosticsView", () => {
  it("puts the first blocking failure on top with its remedy and fix; the rest below; passed and skipped folded", () => {
    const results = [
      r("agent.reachable", "ok", "DIAG_AGENT_REACHABLE", { side: "browser", params: { port: 1 } }),
      r("agent.pairing", "failed", "DIAG_PAIRING_MISSING", {
        side: "browser",
        fixes: [{ id: "agent.repair", needsAdmin: false }],
      }),
      r("browser.site-access", "warning", "DIAG_SITE_ACCESS_MISSING", { side: "browser", params: { origin: "x" } }),
      r("card.type", "skipped", "DIAG_SKIPPED", { skippedBecause: "agent.pairing", blocking: false }),
    ];
    const { container, actions } = view({ results, supportCode: encodeSupportCode({ os: "linux", results }) });
    const first = container.querySelector<HTMLElement>(".diag-first")!;
    expect(first.dataset.firstBlocking).toBe("agent.pairing");
    expect(first.textContent).toContain("n'est pas appairé");
    expect(first.textContent).toContain("cps-bridge pair");
    fireEvent.click(first.querySelector('[data-fix-id="agent.repair"]')!);
    expect(actions.fix).toHaveBeenCalledWith(results[1], results[1]!.fixes![0]);
    expect(container.querySelector('#cpsb-diag-problems [data-check="browser.site-access"]')).not.toBeNull();
    expect(container.querySelector('.diag-passed [data-check="agent.reachable"]')).not.toBeNull();
    expect(container.querySelector('.diag-skipped [data-check="card.type"]')?.textContent).toContain("Appairage");
    expect(container.querySelector("#cpsb-support-code")?.textContent).toMatch(/^CPS-/);
  });

  it("no blocking failure: says the chain is ready", () => {
    const { container } = view({ results: [r("pcsc.service", "ok", "DIAG_PCSC_OK")] });
    expect(container.querySelector<HTMLElement>(".diag-first")?.dataset.firstBlocking).toBe("none");
  });

  it("while running shows progress and no verdict on top yet", () => {
    const { container } = view({ running: true, results: [r("agent.pairing", "failed", "DIAG_PAIRING_MISSING")] });
    expect(container.querySelector(".diag-first")).toBeNull();
    expect(container.querySelector("#cpsb-diag-progress")?.textContent).toContain("1 / 23");
  });

  it("a fix that needs the doctor or the administrator shows the steps, not a button", () => {
    const results = [
      r("agent.reachable", "failed", "DIAG_AGENT_UNREACHABLE", {
        side: "browser",
        params: { port: 1 },
        fixes: [{ id: "agent.restart", needsAdmin: true, steps: "cps-bridge start" }],
      }),
    ];
    const { container } = view({ results });
    expect(container.querySelector("[data-fix-id]")).toBeNull();
    expect(container.querySelector(".diag-first pre")?.textContent).toBe("cps-bridge start");
  });
});

describe("report viewer input", () => {
  it("decodes a support code, refuses a misheard one, reads a JSON report", () => {
    const code = encodeSupportCode({ os: "win32", results: [{ id: "pin.status", verdict: "failed" }] });
    const ok = parseViewerInput(code.toLowerCase(), "fr");
    expect(ok.kind === "code" && ok.code.failed).toEqual(["pin.status"]);
    const last = code.at(-1) === "0" ? "1" : "0";
    expect(parseViewerInput(code.slice(0, -1) + last, "fr").kind).toBe("error");
    expect(parseViewerInput("{not json", "fr").kind).toBe("error");
    const rep = parseViewerInput(
      JSON.stringify({ format: "cps-bridge.diagnostics/1", supportCode: code, results: [] }),
      "fr",
    );
    expect(rep.kind === "report" && rep.code?.os).toBe("win32");
  });
});
