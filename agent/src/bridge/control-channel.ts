/**
 * The local control channel between the `cps-bridge` CLI (pair, pairings, unpair, status, stop) and the running
 * agent. It is deliberately NOT the WebSocket port:
 *
 * - Transport: a Unix domain socket (`<runtimeDir>/control.sock`, in a 0700 directory, socket chmod 0600) or, on
 *   Windows, a named pipe. No browser can open either — pages and extensions only speak HTTP/WebSocket to TCP
 *   ports — so pairing can never be started from a web page or another extension.
 * - Authentication: the first line carries a 256-bit token that the agent writes at each start into
 *   `<stateDir>/control.token` (mode 0600, per-user directory). Only a process that can read the user's files can
 *   present it; compared in constant time. The token matters on Windows, where a named pipe's default ACL lets other
 *   local accounts open it (and where Node cannot set pipe ACLs); on POSIX it is a second lock behind the 0700/0600
 *   file modes (the coder/claudecode.nvim hardening pattern, anchors.md §3).
 * - Framing: one JSON object per line (`\n`), 64 KiB per line at most. Request `{token, command, args?}`; responses
 *   `{ok: true, result}` / `{ok: false, error: {code, message}}`; `pair.open` with `wait: true` then streams
 *   `{event: …}` lines until the window is used or closed. Closing the CLI (Ctrl-C) cancels its window.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { BridgeError, isBridgeError } from "@cps-bridge/protocol/errors";
import type { Logger } from "pino";
import { writePrivateFileAtomic } from "./secure-file";

export const CONTROL_MAX_LINE = 64 * 1024;

export type ControlCommand = "status" | "pair.open" | "pair.cancel" | "pairings.list" | "pairings.remove" | "stop";

export interface ControlContext {
  /** Sends one more line to this client (pair.open streaming). */
  send(line: unknown): void;
  /** Ends this client's connection. */
  end(): void;
  /** Called once when the client goes away. */
  onClose(fn: () => void): void;
}

export type ControlHandler = (
  args: Record<string, unknown>,
  ctx: ControlContext,
) => Promise<{ result: unknown; keepOpen?: boolean }>;

export interface ControlServerOptions {
  endpoint: string;
  tokenFile: string;
  handlers: Partial<Record<ControlCommand, ControlHandler>>;
  log: Logger;
}

export interface ControlServer {
  close(): Promise<void>;
}

/** Is an agent already answering on this endpoint? (used before taking over a stale socket file) */
export function endpointAnswers(endpoint: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(endpoint);
    const done = (v: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { endpoint, log } = options;
  const isPipe = process.platform === "win32";
  if (!isPipe) {
    if (await endpointAnswers(endpoint)) {
      throw new BridgeError("ERR_INTERNAL", `another agent answers on ${endpoint}`);
    }
    rmSync(endpoint, { force: true }); // a socket file left by a crashed agent
  }
  const token = randomBytes(32);
  writePrivateFileAtomic(options.tokenFile, `${token.toString("hex")}\n`);

  const clients = new Set<Socket>();
  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.setEncoding("utf8");
    let buffer = "";
    let authed = false;
    let busy = false;
    const closeFns: Array<() => void> = [];
    socket.on("close", () => {
      clients.delete(socket);
      for (const fn of closeFns.splice(0)) fn();
    });
    socket.on("error", () => socket.destroy());
    const write = (x: unknown) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(x)}\n`);
    };
    const ctx: ControlContext = { send: write, end: () => socket.end(), onClose: (fn) => closeFns.push(fn) };

    socket.on("data", (chunk: string) => {
      buffer += chunk;
      if (buffer.length > CONTROL_MAX_LINE) {
        socket.destroy();
        return;
      }
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf("\n");
        if (busy) continue; // one request per connection; later lines ignored
        busy = true;
        void handleLine(line);
      }
    });

    async function handleLine(line: string): Promise<void> {
      let req: { token?: unknown; command?: unknown; args?: unknown };
      try {
        req = JSON.parse(line);
      } catch {
        write({ ok: false, error: { code: "ERR_PROTOCOL", message: "control request is not JSON" } });
        socket.end();
        return;
      }
      if (!authed) {
        const given = typeof req.token === "string" && /^[0-9a-f]{64}$/.test(req.token) ? req.token : "";
        const candidate = Buffer.from(given.padEnd(64, "0"), "hex");
        if (!(given.length === 64 && timingSafeEqual(candidate, token))) {
          log.warn({ event: "control.refused" }, "control channel: bad token");
          write({ ok: false, error: { code: "ERR_AUTH_FAILED", message: "bad control token" } });
          socket.end();
          return;
        }
        authed = true;
      }
      const command = typeof req.command === "string" ? (req.command as ControlCommand) : undefined;
      const handler = command ? options.handlers[command] : undefined;
      if (!handler) {
        write({ ok: false, error: { code: "ERR_UNKNOWN_METHOD", message: `unknown control command` } });
        socket.end();
        return;
      }
      const args = req.args && typeof req.args === "object" ? (req.args as Record<string, unknown>) : {};
      try {
        const { result, keepOpen } = await handler(args, ctx);
        write({ ok: true, result });
        if (!keepOpen) socket.end();
      } catch (e) {
        const code = isBridgeError(e) ? e.code : "ERR_INTERNAL";
        if (!isBridgeError(e)) log.error({ err: e, command }, "control command failed");
        write({
          ok: false,
          error: {
            code,
            message: e instanceof Error ? e.message : String(e),
            details: isBridgeError(e) ? e.details : undefined,
          },
        });
        socket.end();
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(endpoint, () => {
      server.off("error", reject);
      resolve();
    });
  });
  if (!isPipe) chmodSync(endpoint, 0o600);
  server.on("error", (err) => log.error({ err }, "control channel error"));

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.destroy();
        server.close(() => {
          if (!isPipe) rmSync(endpoint, { force: true });
          rmSync(options.tokenFile, { force: true });
          resolve();
        });
      }),
  };
}

/** Thrown by the client when no agent answers on the control channel. */
export class AgentNotRunningError extends Error {
  constructor(override readonly cause?: unknown) {
    super("Le programme cps-bridge n'est pas démarré (lancez « cps-bridge start »).");
    this.name = "AgentNotRunningError";
  }
}
