/**
 * Two browser profiles on one machine, each paired with its own agent on a port of the per-user range
 * (docs/agent.md §12), in real Chromium with the built extension: neither is told a port (both keep the default
 * 17777 in their options); each pairs by typing the 7-digit code its own `cps-bridge pair` printed, ends up on its
 * own agent's port, and after one agent restarts on another port of the range, its browser finds it again when the
 * popup opens. The two agents run as this user with separate homes (the real two-Linux-user run is
 * scripts/src/multi-user/two-users.itest.ts). Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e
 * extension/e2e/multi-user.e2e.ts
 */
import { createServer } from "node:net";
import { pairingEntry } from "@cps-bridge/protocol/agent-ports";
import { AGENT_PORT_RANGE } from "@cps-bridge/protocol/extension-ids";
import { type AgentProcess, type ExtensionBrowser, launchBrowser, startAgent } from "@cps-bridge/scripts/browser/index";
import type {} from "@cps-bridge/scripts/browser/vitest-global-setup";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** Free ports of the range now (whatever else runs on this machine may hold some). */
async function freeRangePorts(): Promise<number[]> {
  const out: number[] = [];
  for (const p of AGENT_PORT_RANGE) if (await isFree(p)) out.push(p);
  return out;
}

async function pairByTyping(kit: ExtensionBrowser, agent: AgentProcess): Promise<string> {
  const entry = pairingEntry(await agent.openPairing(), agent.port);
  const page = await kit.openExtensionPage("pair.html");
  try {
    await page.waitForSelector("#pairing-code");
    await page.type("#pairing-code", entry);
    await page.click('[data-action="pair-submit"]');
    await page.waitForSelector('[data-pairing="done"]', { timeout: 15_000 });
  } finally {
    await page.close().catch(() => {});
  }
  return entry;
}

describe("two profiles, two agents of the port range", () => {
  const agents: AgentProcess[] = [];
  const kits: ExtensionBrowser[] = [];
  let moved: AgentProcess | undefined;

  beforeAll(async () => {
    const free = await freeRangePorts();
    if (free.length < 3) throw new Error(`need 3 free ports of ${AGENT_PORT_RANGE.join(",")}; free: ${free}`);
    // Agent 1 on a later port than agent 2, so neither is simply the default.
    agents.push(await startAgent({ port: free[1]!, testMode: false }));
    agents.push(await startAgent({ port: free[0]!, testMode: false }));
    for (let i = 0; i < 2; i++) {
      kits.push(await launchBrowser({ extensionPath: inject("extensionPath"), settings: { language: "fr" } }));
    }
  }, 180_000);

  afterAll(async () => {
    for (const k of kits) await k.close().catch(() => {});
    await moved?.close().catch(() => {});
    for (const a of agents) await a.close().catch(() => {});
  });

  it("each profile pairs with the agent whose code it typed and talks to it only", async () => {
    const [a1, a2] = agents as [AgentProcess, AgentProcess];
    const [k1, k2] = kits as [ExtensionBrowser, ExtensionBrowser];
    const e1 = await pairByTyping(k1, a1);
    const e2 = await pairByTyping(k2, a2);
    expect(e1).toHaveLength(7);
    expect(e2).toHaveLength(7);
    const s1 = await k1.waitForState((s) => s.agent.status === "connected");
    const s2 = await k2.waitForState((s) => s.agent.status === "connected");
    expect(s1.agent.port).toBe(a1.port);
    expect(s2.agent.port).toBe(a2.port);
    // Both options still say 17777: the port came from the code, not from the doctor.
    for (const k of kits) {
      const sw = await k.serviceWorker();
      const settings = await sw.evaluate(async () => {
        const g = globalThis as unknown as {
          chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } };
        };
        return (await g.chrome.storage.local.get("settings")).settings as { agentPort?: number } | undefined;
      });
      expect(settings?.agentPort ?? AGENT_PORT_RANGE[0]).toBe(AGENT_PORT_RANGE[0]);
    }
  });

  it("after agent 1 restarts on another port of the range, profile 1 finds it when the popup opens", async () => {
    const [a1, a2] = agents as [AgentProcess, AgentProcess];
    const [k1, k2] = kits as [ExtensionBrowser, ExtensionBrowser];
    await a1.stop();
    await k1.waitForState((s) => s.agent.status !== "connected");
    const free = (await freeRangePorts()).filter((p) => p !== a1.port && p !== a2.port);
    moved = await startAgent({ home: a1.home, port: free[0]!, testMode: false });
    const popup = await k1.openPopup();
    const s1 = await k1.waitForState((s) => s.agent.status === "connected" && s.agent.port === moved!.port, 15_000);
    expect(s1.paired).toBe(true);
    await popup.close();
    // Profile 2 never left its own agent.
    expect((await k2.state()).agent).toMatchObject({ status: "connected", port: a2.port });
  });
});
