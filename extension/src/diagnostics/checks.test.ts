import { renderDiag } from "@cps-bridge/protocol/diagnostics/codes";
import type { CheckId, CheckResult } from "@cps-bridge/protocol/diagnostics/model";
import { MIN_AGENT_RELEASE } from "@cps-bridge/protocol/version";
import { describe, expect, it } from "vitest";
import { type BrowserCheck, type BrowserDiagContext, runBrowserCheck } from "./check";
import { agentVersion } from "./checks/agent-version";
import { browserExtension } from "./checks/browser-extension";
import { browserVersion, parseUserAgent } from "./checks/browser-version";

const CHROME_120 =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const FIREFOX_102 = "Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Firefox/102.0";

function ctx(over: Partial<BrowserDiagContext> = {}): BrowserDiagContext {
  return { userAgent: CHROME_120, extensionVersion: "0.3.0", extensionProtocol: "1.1", now: () => 0, ...over };
}
const none = new Map<CheckId, CheckResult>();

describe("browser.version", () => {
  it("parses Chrome, Chromium, Edge and Firefox user agents", () => {
    expect(parseUserAgent(CHROME_120)).toEqual({ browser: "Chrome", major: 120 });
    expect(parseUserAgent(`${CHROME_120} Edg/120.0.0.0`)).toEqual({ browser: "Chrome", major: 120 });
    expect(parseUserAgent(FIREFOX_102)).toEqual({ browser: "Firefox", major: 102 });
    expect(parseUserAgent("curl/8.0")).toBeUndefined();
  });
  it("ok for Chrome 120, failed and blocking for Firefox 102 with the French remedy", async () => {
    expect((await runBrowserCheck(browserVersion, ctx(), none)).verdict).toBe("ok");
    const r = await runBrowserCheck(browserVersion, ctx({ userAgent: FIREFOX_102 }), none);
    expect(r).toMatchObject({ side: "browser", verdict: "failed", code: "DIAG_BROWSER_TOO_OLD", blocking: true });
    expect(renderDiag(r.code, r.params, "fr").text).toContain("au moins la version 115");
  });
  it("boundaries: Chrome 116 ok, 115 failed; Firefox 115 ok", async () => {
    const ua = (n: number) => CHROME_120.replace("Chrome/120", `Chrome/${n}`);
    expect((await runBrowserCheck(browserVersion, ctx({ userAgent: ua(116) }), none)).verdict).toBe("ok");
    expect((await runBrowserCheck(browserVersion, ctx({ userAgent: ua(115) }), none)).verdict).toBe("failed");
    const ff = FIREFOX_102.replace(/102/g, "115");
    expect((await runBrowserCheck(browserVersion, ctx({ userAgent: ff }), none)).verdict).toBe("ok");
  });
  it("an unknown browser is a warning, not blocking", async () => {
    const r = await runBrowserCheck(browserVersion, ctx({ userAgent: "curl/8.0" }), none);
    expect(r).toMatchObject({ verdict: "warning", blocking: false });
  });
});

describe("browser.extension", () => {
  it("reports the extension and protocol versions", async () => {
    const r = await runBrowserCheck(browserExtension, ctx(), none);
    expect(r).toMatchObject({ verdict: "ok", facts: { extensionVersion: "0.3.0", extensionProtocol: "1.1" } });
    expect(renderDiag(r.code, r.params, "en").text).toBe("cps-bridge extension version 0.3.0 (protocol 1.1).");
  });
});

describe("agent.version", () => {
  const reachable: CheckResult = {
    id: "agent.reachable",
    side: "browser",
    verdict: "ok",
    code: "X",
    blocking: false,
    facts: {},
    durationMs: 1,
  };
  const deps = new Map<CheckId, CheckResult>([["agent.reachable", reachable]]);
  const hello = (protocolVersion: string) => ({ ok: true as const, protocolVersion, agentVersion: "0.3.0" });
  it("ok within one major", async () => {
    const r = await runBrowserCheck(agentVersion, ctx({ agentHello: hello("1.0") }), deps);
    expect(r).toMatchObject({ verdict: "ok", code: "DIAG_AGENT_VERSION_OK" });
  });
  it("names the side to update", async () => {
    const old = await runBrowserCheck(agentVersion, ctx({ agentHello: hello("0.9") }), deps);
    expect(old).toMatchObject({ verdict: "failed", code: "DIAG_AGENT_VERSION_UPDATE_AGENT", blocking: true });
    expect(renderDiag(old.code, old.params, "fr").remedy).toContain("Mettez à jour l'agent cps-bridge");
    const newer = await runBrowserCheck(agentVersion, ctx({ agentHello: hello("2.0") }), deps);
    expect(newer.code).toBe("DIAG_AGENT_VERSION_UPDATE_EXTENSION");
  });
  it("refuses an agent release older than MIN_AGENT_RELEASE, naming both releases", async () => {
    const older = { ok: true as const, protocolVersion: "1.0", agentVersion: "0.0.9" };
    const r = await runBrowserCheck(agentVersion, ctx({ agentHello: older }), deps);
    expect(r).toMatchObject({ verdict: "failed", code: "DIAG_AGENT_VERSION_UPDATE_AGENT", blocking: true });
    const text = renderDiag(r.code, r.params, "fr");
    expect(text.text).toContain("0.0.9");
    expect(text.text).toContain(`au moins la version ${MIN_AGENT_RELEASE}`);
    const same = await runBrowserCheck(
      agentVersion,
      ctx({ agentHello: { ...older, agentVersion: MIN_AGENT_RELEASE } }),
      deps,
    );
    expect(same.code).toBe("DIAG_AGENT_VERSION_OK");
  });
  it("skipped when the agent is unreachable", async () => {
    const down = new Map<CheckId, CheckResult>([["agent.reachable", { ...reachable, verdict: "failed" }]]);
    const r = await runBrowserCheck(agentVersion, ctx(), down);
    expect(r).toMatchObject({ verdict: "skipped", skippedBecause: "agent.reachable", code: "DIAG_SKIPPED" });
  });
  it("a check that throws becomes a non-blocking DIAG_CHECK_CRASHED", async () => {
    const boom: BrowserCheck = { ...agentVersion, dependsOn: [] };
    const r = await runBrowserCheck(boom, ctx(), none);
    expect(r).toMatchObject({ verdict: "failed", code: "DIAG_CHECK_CRASHED", blocking: false });
  });
});
