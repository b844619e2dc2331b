import { mkdtempSync, statSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBridgeError } from "@cps-bridge/protocol/errors";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { AgentNotRunningError, startControlServer } from "./control-channel";
import { controlRequest } from "./control-client";

const log = pino({ level: "silent" });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "cps-ctl-"));
  return { controlEndpoint: join(dir, "control.sock"), controlTokenFile: join(dir, "control.token") };
}

describe("control channel", () => {
  it("answers commands to a client holding the token; socket and token are 0600", async () => {
    const p = setup();
    const server = await startControlServer({
      endpoint: p.controlEndpoint,
      tokenFile: p.controlTokenFile,
      log,
      handlers: { status: async (args) => ({ result: { echo: args.x } }) },
    });
    try {
      expect(await controlRequest(p, "status", { args: { x: 42 } })).toEqual({ echo: 42 });
      expect(statSync(p.controlEndpoint).mode & 0o777).toBe(0o600);
      expect(statSync(p.controlTokenFile).mode & 0o777).toBe(0o600);
      try {
        await controlRequest(p, "stop");
        expect.unreachable();
      } catch (e) {
        expect(isBridgeError(e, "ERR_UNKNOWN_METHOD")).toBe(true);
      }
    } finally {
      await server.close();
    }
  });

  it("refuses a wrong token without running anything", async () => {
    const p = setup();
    let ran = false;
    const server = await startControlServer({
      endpoint: p.controlEndpoint,
      tokenFile: p.controlTokenFile,
      log,
      handlers: {
        "pair.open": async () => {
          ran = true;
          return { result: {} };
        },
      },
    });
    try {
      const answer = await new Promise<string>((resolve) => {
        const s = connect(p.controlEndpoint, () =>
          s.write(`${JSON.stringify({ token: "0".repeat(64), command: "pair.open" })}\n`),
        );
        let text = "";
        s.on("data", (d) => (text += d));
        s.on("close", () => resolve(text));
      });
      expect(JSON.parse(answer).error.code).toBe("ERR_AUTH_FAILED");
      expect(ran).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("says 'not running' when no agent listens, and removes its files when closed", async () => {
    const p = setup();
    await expect(controlRequest(p, "status")).rejects.toBeInstanceOf(AgentNotRunningError);
    const server = await startControlServer({
      endpoint: p.controlEndpoint,
      tokenFile: p.controlTokenFile,
      log,
      handlers: {},
    });
    await server.close();
    expect(() => statSync(p.controlEndpoint)).toThrow();
    await expect(controlRequest(p, "status")).rejects.toBeInstanceOf(AgentNotRunningError);
  });

  it("refuses to start over a socket another agent answers on", async () => {
    const p = setup();
    const first = await startControlServer({
      endpoint: p.controlEndpoint,
      tokenFile: p.controlTokenFile,
      log,
      handlers: {},
    });
    try {
      await expect(
        startControlServer({ endpoint: p.controlEndpoint, tokenFile: `${p.controlTokenFile}2`, log, handlers: {} }),
      ).rejects.toThrow(/another agent/);
    } finally {
      await first.close();
    }
  });
});
