import { diagnosticsRun } from "@cps-bridge/protocol/methods/diagnostics-run";
import { PROTOCOL_VERSION } from "@cps-bridge/protocol/version";
import { browser } from "wxt/browser";
import type { BrowserDiagContext } from "../../diagnostics/check";
import { runDiagnostics } from "../../diagnostics/run";
import { PORTAL_MATCHES } from "../../portal/matches";
import { DIAGNOSTICS_PROGRESS } from "../../shared/messages";
import { defineHandler, fail } from "../router";

/** One run at a time: the agent's progress events carry no run id (protocol 1.1), so two runs must not overlap. */
let running: Promise<unknown> = Promise.resolve();

/**
 * Diagnostics page: the browser checks here, then the agent's `diagnostics.run` over the authenticated bridge;
 * each finished check is broadcast to the extension's own pages (runtime.sendMessage reaches pages, never content
 * scripts nor web pages). The portal origin tested by the agent is the first configured one.
 */
export default defineHandler({
  type: "diagnostics.run",
  from: ["extension-page"],
  async handle({ runId, revocation }, { services }) {
    if (typeof runId !== "string" || runId.length > 64) return fail("ERR_INVALID_PARAMS");
    const prev = running;
    let release!: () => void;
    running = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    try {
      const state = services.store.get();
      // The last `hello` answer, compatible or not (agent.version says which side to update).
      const last = services.client.lastAgentProtocol;
      const agentHello: BrowserDiagContext["agentHello"] = last
        ? { ok: true, ...last }
        : { ok: false, code: state.agent.errorCode ?? "ERR_AGENT_UNAVAILABLE" };
      const ctx: BrowserDiagContext = {
        userAgent: globalThis.navigator?.userAgent ?? "",
        extensionVersion: browser.runtime.getManifest().version,
        extensionProtocol: PROTOCOL_VERSION,
        agentHello,
        agent: {
          status: state.agent.status,
          port: state.agent.port,
          paired: state.paired,
          ...(state.agent.errorCode ? { errorCode: state.agent.errorCode } : {}),
        },
        // permissions.contains() answers false for path patterns granted through content_scripts (measured in
        // Chromium 156, diagnostics e2e); getAll() lists them, and drops them when the doctor narrows site access ("on click").
        hasOrigins: async (origins) => {
          const all = (await browser.permissions.getAll()).origins ?? [];
          return origins.every(
            (o) => all.includes(o) || all.includes("<all_urls>") || all.includes(`${new URL(o).origin}/*`),
          );
        },
        portalOrigins: PORTAL_MATCHES.filter((m) => m.startsWith("https:")),
        now: () => Date.now(),
      };
      // A test-mode agent (developers, the e2e) checks the developer portal — the mock — when one is set; a doctor's
      // agent (never in test mode: it would refuse a loopback portal) checks the first real portal.
      const settings = services.settings();
      const testAgent = services.client.hello?.testMode === true;
      const portalOrigin = (testAgent ? settings.developerOrigins[0] : undefined) ?? settings.portalOrigins[0];
      const run = await runDiagnostics({
        ctx,
        onResult: (result) => {
          void browser.runtime.sendMessage({ type: DIAGNOSTICS_PROGRESS, runId, result }).catch(() => {});
        },
        agentRun: async (onProgress) => {
          const off = services.client.onEvent((e) => {
            if (e.event === "diagnostics.progress") onProgress(e.data.result);
          });
          try {
            return await services.client.call(diagnosticsRun, {
              ...(revocation === true ? { revocation: true } : {}),
              ...(portalOrigin ? { portalOrigin: new URL(portalOrigin).origin } : {}),
            });
          } finally {
            off();
          }
        },
      });
      return { ok: true, run };
    } finally {
      release();
    }
  },
});
