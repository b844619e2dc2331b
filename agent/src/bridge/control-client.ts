/**
 * CLI side of the control channel (control-channel.ts explains the design): reads the 0600 token file, connects to
 * the agent's Unix socket / named pipe, sends one request and returns its result; `onEvent` receives the lines a
 * streaming command (pair.open with wait) sends afterwards. Also used by the Puppeteer kit and tests to open a
 * pairing window programmatically.
 */
import { connect } from "node:net";
import { BridgeError, type ErrorCode, isErrorCode } from "@cps-bridge/protocol/errors";
import type { AgentPaths } from "../paths";
import { AgentNotRunningError, CONTROL_MAX_LINE, type ControlCommand } from "./control-channel";
import { readFileIfExists } from "./secure-file";

export interface ControlRequestOptions {
  args?: Record<string, unknown>;
  /** Lines after the response (streaming commands). Return true to end the connection. */
  onEvent?: (event: Record<string, unknown>) => boolean | undefined;
  /** Called once the response arrived, with a function that closes the connection (e.g. on Ctrl-C). */
  onOpen?: (close: () => void) => void;
  /** Called when the connection ends after a successful response (streaming commands). */
  onClose?: () => void;
  timeoutMs?: number;
}

export function controlRequest<T = unknown>(
  paths: Pick<AgentPaths, "controlEndpoint" | "controlTokenFile">,
  command: ControlCommand,
  options: ControlRequestOptions = {},
): Promise<T> {
  const token = readFileIfExists(paths.controlTokenFile)?.trim();
  if (!token) return Promise.reject(new AgentNotRunningError());
  return new Promise<T>((resolve, reject) => {
    const socket = connect(paths.controlEndpoint);
    socket.setEncoding("utf8");
    let buffer = "";
    let answered = false;
    let settled = false;
    const timer = setTimeout(
      () => fail(new BridgeError("ERR_TIMEOUT", "the agent did not answer")),
      options.timeoutMs ?? 5000,
    );
    const fail = (e: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      if (!settled) {
        settled = true;
        reject(e);
      }
    };
    socket.on("error", (e: NodeJS.ErrnoException) => {
      fail(["ENOENT", "ECONNREFUSED", "EPIPE", "ECONNRESET"].includes(e.code ?? "") ? new AgentNotRunningError(e) : e);
    });
    socket.on("connect", () => socket.write(`${JSON.stringify({ token, command, args: options.args ?? {} })}\n`));
    socket.on("close", () => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(new AgentNotRunningError());
      } else if (answered) options.onClose?.();
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      if (buffer.length > CONTROL_MAX_LINE) return fail(new Error("control answer too long"));
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf("\n");
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line);
        } catch {
          return fail(new Error("control answer is not JSON"));
        }
        if (!answered) {
          answered = true;
          clearTimeout(timer);
          if (msg.ok === true) {
            settled = true;
            resolve(msg.result as T);
            options.onOpen?.(() => socket.end());
          } else {
            const err = (msg.error ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
            const code: ErrorCode = isErrorCode(err.code) ? err.code : "ERR_INTERNAL";
            fail(
              new BridgeError(
                code,
                typeof err.message === "string" ? err.message : undefined,
                err.details as BridgeError["details"],
              ),
            );
          }
          if (!options.onEvent) socket.end();
        } else if (options.onEvent?.(msg)) {
          socket.end();
        }
      }
    });
  });
}
