import { renderDiag } from "@cps-bridge/protocol/diagnostics/codes";
import { CHECK_IDS, type CheckResult, firstBlocking } from "@cps-bridge/protocol/diagnostics/model";
import { decodeSupportCode, encodeSupportCode } from "@cps-bridge/protocol/diagnostics/support-code";
import { describe, expect, it, vi } from "vitest";
import type { BrowserDiagContext } from "./check";
import { AGENT_CHECK_IDS, browserOfUserAgent, osOfUserAgent, runDiagnostics } from "./run";

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

function ctx(agent: BrowserDiagContext["agent"], over: Partial<BrowserDiagContext> = {}): BrowserDiagContext {
  return {
    userAgent: UA,
    extensionVersion: "0.3.0",
    extensionProtocol: "1.1",
    agentHello: { ok: true, protocolVersion: "1.1", agentVersion: "0.3.0" },
    ...(agent ? { agent } : {}),
    hasOrigins: async () => true,
    portalOrigins: ["https://viatrajectoire.fr/*"],
    now: () => 1_000,
    ...over,
  };
}
const agentResult = (id: CheckResult["id"], verdict: CheckResult["verdict"], code: string): CheckResult => ({
  id,
  side: "agent",
  verdict,
  code,
  blocking: verdict === "failed",
  facts: {},
  durationMs: 1,
});

describe("runDiagnostics", () => {
  it("agent unreachable: the first cause is agent.reachable, every agent check is skipped because of it", async () => {
    const agentRun = vi.fn();
    const seen: string[] = [];
    const run = await runDiagnostics({
      ctx: ctx({ status: "unavailable", port: 17777, paired: true }),
      agentRun,
      onResult: (r) => seen.push(r.id),
    });
    expect(agentRun).not.toHaveBeenCalled();
    const first = firstBlocking(run.results)!;
    expect(first.id).toBe("agent.reachable");
    expect(renderDiag(first.code, first.params, "fr").remedy).toContain("cps-bridge");
    for (const id of AGENT_CHECK_IDS)
      expect(run.results.find((r) => r.id === id)).toMatchObject({
        verdict: "skipped",
        skippedBecause: "agent.reachable",
      });
    expect(run.results.find((r) => r.id === "agent.pairing")?.verdict).toBe("skipped");
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(CHECK_IDS.length - 1);
    expect(run.os).toBe("linux");
  });

  it("unpaired: agent.pairing fails with the re-pair fix, the agent is not asked", async () => {
    const agentRun = vi.fn();
    const run = await runDiagnostics({ ctx: ctx({ status: "unpaired", port: 17777, paired: false }), agentRun });
    const first = firstBlocking(run.results)!;
    expect(first).toMatchObject({ id: "agent.pairing", code: "DIAG_PAIRING_MISSING" });
    expect(first.fixes?.[0]).toMatchObject({ id: "agent.repair", needsAdmin: false });
    expect(agentRun).not.toHaveBeenCalled();
  });

  it("connected: agent checks stream through onProgress once each, the final answer replaces them, order is CHECK_IDS", async () => {
    const seen: string[] = [];
    const run = await runDiagnostics({
      ctx: ctx({ status: "connected", port: 17777, paired: true }),
      onResult: (r) => seen.push(r.id),
      agentRun: async (onProgress) => {
        const card = agentResult("card.type", "failed", "DIAG_CARD_VITALE");
        onProgress(agentResult("pcsc.service", "ok", "DIAG_PCSC_OK"));
        onProgress(card);
        return {
          results: [agentResult("pcsc.service", "ok", "DIAG_PCSC_OK"), card],
          agentVersion: "0.3.0",
          os: "linux",
          startedAt: "2026-12-06T00:00:00Z",
          totalMs: 5,
        };
      },
    });
    expect(seen.filter((id) => id === "card.type")).toHaveLength(1);
    expect(firstBlocking(run.results)?.id).toBe("card.type");
    const ids = run.results.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => CHECK_IDS.indexOf(a) - CHECK_IDS.indexOf(b)));
    expect(run.agentVersion).toBe("0.3.0");
    // The support code of the merged run round-trips the failing check.
    const code = encodeSupportCode({
      os: run.os,
      browser: run.browser,
      extensionVersion: "0.3.0",
      results: run.results,
    });
    expect(decodeSupportCode(code).failed).toEqual(["card.type"]);
    expect(decodeSupportCode(code).browser).toBe("chrome");
  });

  it("a pairing not yet confirmed is a warning with its own code, not the first cause", async () => {
    const run = await runDiagnostics({
      ctx: ctx({ status: "authenticating", port: 17777, paired: true }),
      agentRun: async () => {
        throw new Error("not connected");
      },
    });
    expect(run.results.find((r) => r.id === "agent.pairing")).toMatchObject({
      verdict: "warning",
      code: "DIAG_PAIRING_UNCONFIRMED",
      blocking: false,
    });
    expect(run.results.find((r) => r.id === "card.present")?.verdict).toBe("skipped");
  });

  it("site access withdrawn is a warning, not the first cause", async () => {
    const run = await runDiagnostics({
      ctx: ctx({ status: "unavailable", port: 1, paired: true }, { hasOrigins: async () => false }),
      agentRun: vi.fn(),
    });
    expect(run.results.find((r) => r.id === "browser.site-access")).toMatchObject({
      verdict: "warning",
      blocking: false,
    });
    expect(firstBlocking(run.results)?.id).toBe("agent.reachable");
  });

  it("the agent dropping mid-run leaves the rest skipped", async () => {
    const run = await runDiagnostics({
      ctx: ctx({ status: "connected", port: 17777, paired: true }),
      agentRun: async (onProgress) => {
        onProgress(agentResult("pcsc.service", "ok", "DIAG_PCSC_OK"));
        throw new Error("closed");
      },
    });
    expect(run.results.find((r) => r.id === "pcsc.service")?.verdict).toBe("ok");
    expect(run.results.find((r) => r.id === "card.type")?.verdict).toBe("skipped");
  });

  it("reads OS and browser from user agents", () => {
    expect(osOfUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64)")).toBe("win32");
    expect(osOfUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)")).toBe("darwin");
    expect(browserOfUserAgent(`${UA} Edg/120.0.0.0`)).toEqual({ browser: "edge", version: "120" });
    expect(browserOfUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0").browser).toBe(
      "firefox",
    );
  });
});
