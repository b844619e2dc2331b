/**
 * Release compatibility at the handshake (docs/protocol.md §10.6), against the real agent process (`cps-bridge
 * start`, development launcher): an extension older than MIN_EXTENSION_RELEASE is refused with ERR_VERSION_MISMATCH
 * naming the extension, and the connection closes 4001; the current extension is accepted, and what the agent
 * answers passes the extension's own check (same major, agent release ≥ MIN_AGENT_RELEASE) and carries the release
 * of this commit. No version is faked on the agent: the refusal is of the client's declared release.
 */
import { ERRORS } from "@cps-bridge/protocol/errors";
import {
  checkCompatibility,
  EXTENSION_CLIENT_NAME,
  MIN_EXTENSION_RELEASE,
  PROTOCOL_VERSION,
  RELEASE_VERSION,
  updateErrorCode,
} from "@cps-bridge/protocol/version";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedAgent, spawnAgent } from "./spawn-agent";
import { BridgeTestClient } from "./test-client";

let agent: SpawnedAgent;

beforeAll(async () => {
  agent = await spawnAgent({ args: ["--test-mode"] });
}, 60_000);

afterAll(async () => {
  await agent?.close();
});

describe("release compatibility with the real agent", () => {
  it("refuses an extension older than MIN_EXTENSION_RELEASE, naming the extension and its update path", async () => {
    const c = await BridgeTestClient.connect(agent.port);
    const f = await c.call("hello", {
      protocolVersion: PROTOCOL_VERSION,
      client: { name: EXTENSION_CLIENT_NAME, version: "0.0.1" },
    });
    expect(f.ok).toBe(false);
    if (f.ok) return;
    expect(f.error.code).toBe("ERR_VERSION_MISMATCH");
    expect(f.error.details).toMatchObject({
      requiresUpdate: "extension",
      clientRelease: "0.0.1",
      minExtensionRelease: MIN_EXTENSION_RELEASE,
      agentRelease: RELEASE_VERSION,
    });
    // What the popup shows for it.
    const shown = updateErrorCode("ERR_VERSION_MISMATCH", f.error.details);
    expect(shown).toBe("ERR_EXTENSION_UPDATE_REQUIRED");
    expect(ERRORS[shown].remedyFr).toContain("Mettez à jour l'extension cps-bridge");
    expect(await c.closed).toBe(4001);
  });

  it("accepts the current extension; its answer passes the extension's check", async () => {
    const c = await BridgeTestClient.connect(agent.port);
    const f = await c.call("hello", {
      protocolVersion: PROTOCOL_VERSION,
      client: { name: EXTENSION_CLIENT_NAME, version: RELEASE_VERSION },
    });
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    const res = f.result as { agentVersion: string; protocolVersion: string };
    expect(res.agentVersion).toBe(RELEASE_VERSION);
    expect(checkCompatibility(res.protocolVersion, PROTOCOL_VERSION, { agent: res.agentVersion }).compatible).toBe(
      true,
    );
    await c.close();
  });
});
