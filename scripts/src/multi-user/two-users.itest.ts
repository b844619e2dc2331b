/**
 * Two real Linux users of one machine (a terminal server), each running `cps-bridge start` as themselves with no
 * port configured (docs/agent.md §12): two agents on two ports of 17777–17786, each user's `status` and `pair`
 * reporting their own, a client holding user A's pairing keys authenticated by A's agent and refused by B's, and —
 * after A's agent restarts while B's holds A's old port — the extension's own client (agent-client.ts, over `ws`)
 * finding A's agent again by its pinned key. The users are created here with `useradd` and removed afterwards;
 * without root the test is skipped (CI runs as root). It needs no card: the card service runs, whatever pcscd says.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEV_LAUNCHER } from "@cps-bridge/agent/bridge/spawn-agent";
import { BridgeTestClient } from "@cps-bridge/agent/bridge/test-client";
import { AGENT_PORT_RANGE } from "@cps-bridge/protocol/extension-ids";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeExtension } from "./extension-client";
import { isRoot, type LinuxUser, LinuxUsers, runAs, spawnAs } from "./linux-users";

const AGENT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "agent");
const CLI = [process.execPath, DEV_LAUNCHER];

if (!isRoot()) {
  console.warn(
    "two-users.itest.ts skipped: creating Linux users (useradd) and running agents as them (setpriv) needs root.",
  );
}

interface UserAgent {
  proc: ChildProcess;
  port: number;
  out(): string;
}

const started = new Set<ChildProcess>();

/** `cps-bridge start` as `user`, no port given: resolves the port it prints. */
function startAs(user: LinuxUser, extra: string[] = []): Promise<UserAgent> {
  const proc = spawnAs(user, [...CLI, "start", ...extra], AGENT_DIR);
  started.add(proc);
  let out = "";
  proc.stdout?.on("data", (d) => (out += d));
  proc.stderr?.on("data", (d) => (out += d));
  proc.on("exit", () => started.delete(proc));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`agent of ${user.name} did not start:\n${out}`)), 45_000);
    proc.stdout?.on("data", () => {
      const m = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ proc, port: Number(m[1]), out: () => out });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`agent of ${user.name} exited (${code}):\n${out}`));
    });
  });
}

async function stop(a: UserAgent): Promise<void> {
  if (a.proc.exitCode !== null || a.proc.signalCode !== null) return;
  const exited = new Promise((r) => a.proc.once("exit", r));
  a.proc.kill("SIGTERM");
  await exited;
}

async function cliJson<T>(user: LinuxUser, args: string[]): Promise<T> {
  const r = await runAs(user, [...CLI, ...args], AGENT_DIR);
  const line = r.stdout.trim().split("\n")[0] ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`cps-bridge ${args.join(" ")} as ${user.name} (exit ${r.code}): ${r.stdout}${r.stderr}`);
  }
}

describe.skipIf(!isRoot())("per-user port: two Linux users, two agents", () => {
  const users = isRoot() ? new LinuxUsers() : undefined;
  let a: LinuxUser;
  let b: LinuxUser;
  let agentA: UserAgent;
  let agentB: UserAgent;

  beforeAll(async () => {
    a = users!.create("a");
    b = users!.create("b");
    agentA = await startAs(a);
    agentB = await startAs(b);
  });

  afterAll(async () => {
    for (const p of [...started]) {
      const exited = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    }
    users?.cleanup();
  });

  it("each user's agent takes its own port of the range, and each user's CLI reports its own", async () => {
    expect(AGENT_PORT_RANGE).toContain(agentA.port);
    expect(AGENT_PORT_RANGE).toContain(agentB.port);
    expect(agentA.port).not.toBe(agentB.port);
    // The files are the users' own: the agents run as them, in their HOME.
    const owner = (port: number) =>
      execFileSync("ss", ["-Hltnpe", `sport = :${port}`], { encoding: "utf8" }).match(/uid:(\d+)/)?.[1];
    expect(owner(agentA.port)).toBe(String(a.uid));
    expect(owner(agentB.port)).toBe(String(b.uid));

    const statusA = await cliJson<{ port: number; running: boolean; pid: number }>(a, ["status", "--json"]);
    const statusB = await cliJson<{ port: number; running: boolean; pid: number }>(b, ["status", "--json"]);
    expect(statusA).toMatchObject({ running: true, port: agentA.port, pid: agentA.proc.pid });
    expect(statusB).toMatchObject({ running: true, port: agentB.port, pid: agentB.proc.pid });
    // Not asserted (the port test needs no card): whether a non-root user's agent reaches pcscd here.
    const card = await runAs(a, [...CLI, "card", "--json"], AGENT_DIR);
    console.info(
      `pcscd as a non-root user: agent pcsc=${(statusA as { pcsc?: string }).pcsc}, \`cps-bridge card\` exit ${card.code}, ` +
        `test readers listed: ${/CPS Test Reader/.test(card.stdout)}`,
    );
    const text = await runAs(b, [...CLI, "status"], AGENT_DIR);
    expect(text.stdout).toContain(`ws://127.0.0.1:${agentB.port}`);
    expect(text.stdout).not.toContain(`ws://127.0.0.1:${agentA.port}`);
  });

  it("A's pairing keys are accepted by A's agent and refused by B's; after A's agent moves, the scan finds it", async () => {
    // User A pairs their "extension" (the extension's own client): the code carries A's port index.
    const opened = await cliJson<{ code: string; port: number; entry: string }>(a, ["pair", "--json", "--no-wait"]);
    expect(opened.port).toBe(agentA.port);
    expect(opened.entry).toBe(`${AGENT_PORT_RANGE.indexOf(agentA.port)}${opened.code}`);
    const ext = nodeExtension();
    ext.client.start();
    await ext.waitFor((s) => s.agent.status === "unpaired" || s.agent.status === "unavailable");
    await ext.client.pair(opened.entry, "Chromium — A");
    let s = await ext.waitFor((x) => x.agent.status === "connected");
    expect(s.agent.port).toBe(agentA.port);
    const pairing = ext.pairings.pairing!;

    // A client holding A's keys: A's agent proves the pinned key and accepts ours; B's agent does not know us.
    const identity = {
      clientId: pairing.clientId,
      keyPair: { privateKey: pairing.privateKey, publicKey: pairing.privateKey } as CryptoKeyPair,
      agentPublicKey: pairing.agentPublicKey,
    };
    const toA = await BridgeTestClient.connect(agentA.port);
    const helloA = await toA.hello();
    await expect(toA.authenticate(identity, agentA.port)).resolves.toMatchObject({ result: { authenticated: true } });
    await toA.close();
    const toB = await BridgeTestClient.connect(agentB.port);
    const helloB = await toB.hello();
    expect(helloB.agentKeyId).not.toBe(helloA.agentKeyId);
    await expect(toB.authenticate(identity, agentB.port)).rejects.toMatchObject({ code: "ERR_NOT_PAIRED" });
    await toB.close();

    // A's agent stops; B's restarts on A's old port; A's agent then takes another port of the range.
    const oldPortA = agentA.port;
    await stop(agentA);
    await ext.waitFor((x) => x.agent.status !== "connected");
    await stop(agentB);
    agentB = await startAs(b, ["--port", String(oldPortA)]);
    agentA = await startAs(a);
    expect(agentA.port).not.toBe(oldPortA);
    expect(AGENT_PORT_RANGE).toContain(agentA.port);

    ext.client.reconnectNow({ force: true });
    s = await ext.waitFor((x) => x.agent.status === "connected", 20_000);
    expect(s.agent.port).toBe(agentA.port);
    expect(ext.pairings.pairing?.port).toBe(agentA.port);
    const statusA = await cliJson<{ authenticatedConnections: number }>(a, ["status", "--json"]);
    const statusB = await cliJson<{ authenticatedConnections: number; port: number }>(b, ["status", "--json"]);
    expect(statusA.authenticatedConnections).toBe(1);
    expect(statusB).toMatchObject({ port: oldPortA, authenticatedConnections: 0 });
    ext.client.stop();
  });

  it("an explicit port taken by the other user's agent is refused with ERR_PORT_IN_USE", async () => {
    const r = await runAs(a, [...CLI, "start", "--port", String(agentB.port)], AGENT_DIR);
    // A already runs an agent: the single-instance lock answers first. Stop it, then try B's port.
    expect(r.code).toBe(1);
    await stop(agentA);
    const r2 = await runAs(a, [...CLI, "start", "--port", String(agentB.port)], AGENT_DIR);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain("ERR_PORT_IN_USE");
    expect(r2.stderr).toContain(`Le port ${agentB.port} est déjà utilisé`);
  });
});
