/**
 * One diagnostics run as the page shows it: the browser checks first (they are instant and decide whether the agent
 * can be asked at all), then the agent's `diagnostics.run`, whose checks arrive one by one (`diagnostics.progress`).
 * When the agent cannot be asked (unreachable, unpaired, incompatible), each agent check is reported `skipped` with
 * the browser check that stopped it, so the page and the support code still list the whole chain.
 */
import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  passes,
  skippedResult,
  sortResults,
} from "@cps-bridge/protocol/diagnostics/model";
import { type BrowserCheck, type BrowserDiagContext, runBrowserCheck } from "./check";
import { agentPairing } from "./checks/agent-pairing";
import { agentReachable } from "./checks/agent-reachable";
import { agentVersion } from "./checks/agent-version";
import { browserExtension } from "./checks/browser-extension";
import { browserSiteAccess } from "./checks/browser-site-access";
import { browserVersion } from "./checks/browser-version";

/** In the order they run (dependencies first). */
export const BROWSER_CHECKS: readonly BrowserCheck[] = [
  browserExtension,
  browserVersion,
  browserSiteAccess,
  agentReachable,
  agentPairing,
  agentVersion,
];

/** The agent's own checks: CHECK_IDS before the browser block. */
export const AGENT_CHECK_IDS: readonly CheckId[] = CHECK_IDS.slice(0, CHECK_IDS.indexOf("agent.reachable"));

export interface AgentRun {
  results: CheckResult[];
  agentVersion: string;
  os: string;
  startedAt: string;
  totalMs: number;
}

export interface MergedRun {
  results: CheckResult[];
  agentVersion?: string;
  extensionVersion: string;
  os: string;
  browser: string;
  browserVersion: string;
  startedAt: string;
  totalMs: number;
}

export interface RunDeps {
  ctx: BrowserDiagContext;
  /** Asks the agent; `onProgress` gets each of its checks as soon as it is known. */
  agentRun(onProgress: (r: CheckResult) => void): Promise<AgentRun>;
  /** Every result, browser or agent side, as soon as it is known. */
  onResult?(r: CheckResult): void;
}

/** linux / win32 / darwin / other from a user agent (the OS when the agent cannot tell). */
export function osOfUserAgent(ua: string): string {
  if (/Windows/.test(ua)) return "win32";
  if (/Mac OS X|Macintosh/.test(ua)) return "darwin";
  if (/Linux|X11/.test(ua)) return "linux";
  return "other";
}

/** chrome / edge / firefox / chromium / other (support-code.ts BROWSER_CODES) and the major version. */
export function browserOfUserAgent(ua: string): { browser: string; version: string } {
  const m = (re: RegExp) => re.exec(ua)?.[1] ?? "";
  if (/Firefox\//.test(ua)) return { browser: "firefox", version: m(/Firefox\/(\d+)/) };
  if (/Edg\//.test(ua)) return { browser: "edge", version: m(/Edg\/(\d+)/) };
  if (/Chromium\//.test(ua)) return { browser: "chromium", version: m(/Chromium\/(\d+)/) };
  if (/Chrome\//.test(ua)) return { browser: "chrome", version: m(/Chrome\/(\d+)/) };
  return { browser: "other", version: "" };
}

export async function runDiagnostics(deps: RunDeps): Promise<MergedRun> {
  const { ctx } = deps;
  const t0 = ctx.now();
  const startedAt = new Date(t0).toISOString();
  const done = new Map<CheckId, CheckResult>();
  const emit = (r: CheckResult) => {
    done.set(r.id, r);
    deps.onResult?.(r);
  };
  for (const check of BROWSER_CHECKS) emit(await runBrowserCheck(check, ctx, done));

  const gate = (["agent.reachable", "agent.pairing", "agent.version"] as const).find((id) => !passes(done.get(id)));
  const ua = browserOfUserAgent(ctx.userAgent);
  let agent: AgentRun | undefined;
  if (gate === undefined) {
    try {
      agent = await deps.agentRun((r) => {
        if (!done.has(r.id)) emit(r);
      });
      for (const r of agent.results) {
        if (done.has(r.id)) done.set(r.id, r);
        else emit(r);
      }
    } catch {
      // The agent went away mid-run: what it did not report stays "skipped because agent.reachable".
    }
  }
  for (const id of AGENT_CHECK_IDS) if (!done.has(id)) emit(skippedResult(id, "agent", gate ?? "agent.reachable"));
  return {
    results: sortResults([...done.values()]),
    ...(agent ? { agentVersion: agent.agentVersion } : {}),
    extensionVersion: ctx.extensionVersion,
    os: agent?.os ?? osOfUserAgent(ctx.userAgent),
    browser: ua.browser,
    browserVersion: ua.version,
    startedAt,
    totalMs: Math.max(0, ctx.now() - t0),
  };
}
