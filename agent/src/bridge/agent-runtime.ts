/**
 * The agent process, in order: per-user directories → one-agent lock → agent key and pairings → card service →
 * WebSocket bridge on 127.0.0.1 (explicit port, else the first free one of the range) → control channel for the CLI → state file for `cps-bridge status`. `stop()` undoes
 * it in reverse (sockets closed with 1001, card service stopped, lock released); a failure half-way undoes what was
 * done. Used by `cps-bridge start` and by tests that need a whole agent in-process.
 */
import { rmSync } from "node:fs";
import { formatPairingEntry, pairingEntry } from "@cps-bridge/protocol/agent-ports";
import { BridgeError } from "@cps-bridge/protocol/errors";
import { AGENT_PORT_RANGE } from "@cps-bridge/protocol/extension-ids";
import type { Logger } from "pino";
import type { CardService } from "../card-service";
import type { AgentConfig } from "../config";
import { acquireInstanceLock, type InstanceLock } from "../instance-lock";
import { openCredentialStore } from "../otp/credentials";
import { MailboxService } from "../otp/mailbox-service";
import { type AgentPaths, ensureAgentDirs } from "../paths";
import { loadOrCreateAgentKey } from "./agent-key";
import { type ControlServer, startControlServer } from "./control-channel";
import { type Pairing, PairingStore } from "./pairing-store";
import { formatPairingCode } from "./pairing-window";
import { writePrivateFileAtomic } from "./secure-file";
import { BridgeServer } from "./server";

export interface AgentStatus {
  running: true;
  pid: number;
  port: number;
  testMode: boolean;
  agentVersion: string;
  startedAt: string;
  pairings: number;
  connections: number;
  authenticatedConnections: number;
  pcsc: string;
  pairingWindowOpen: boolean;
}

/** What the agent publishes in its state file (0600) for `cps-bridge status` when the control channel is silent. */
export interface AgentStateFile {
  pid: number;
  port: number;
  testMode: boolean;
  agentVersion: string;
  startedAt: string;
}

export interface RunningAgent {
  readonly port: number;
  readonly server: BridgeServer;
  status(): AgentStatus;
  /** Resolves when the agent has stopped (by `stop()`, the control channel's `stop`, or a signal handler). */
  readonly stopped: Promise<void>;
  stop(reason?: string): Promise<void>;
}

export interface StartAgentOptions {
  paths: AgentPaths;
  config: AgentConfig;
  log: Logger;
  agentVersion: string;
  createCardService: () => Promise<CardService> | CardService;
  /** PEM trust anchors for the mailbox's IMAPS (test mode only: the test dovecot's certificate). */
  mailCa?: string[];
}

/**
 * Binds the bridge: the configured port when it is explicit (ERR_PORT_IN_USE if taken: the doctor chose it and set
 * the same one in the extension), else the first free port of AGENT_PORT_RANGE (ERR_NO_FREE_PORT when all ten are
 * taken). Another user's agent holding a port of the range is just a taken port here: the one-agent-per-user lock
 * was taken before, so this user has no agent of their own on any of them.
 */
export async function listenOnAgentPort(server: BridgeServer, config: AgentConfig, log: Logger): Promise<number> {
  const inUse = (e: unknown) => (e as NodeJS.ErrnoException).code === "EADDRINUSE";
  if (config.portExplicit) {
    try {
      return await server.start();
    } catch (e) {
      if (inUse(e)) {
        throw new BridgeError("ERR_PORT_IN_USE", `Le port ${config.port} est déjà utilisé par un autre programme.`, {
          port: config.port,
        });
      }
      throw e;
    }
  }
  const taken: number[] = [];
  for (const candidate of AGENT_PORT_RANGE) {
    config.port = candidate;
    try {
      const port = await server.start();
      if (taken.length > 0) log.info({ event: "bridge.port.fallback", port, taken }, "default port taken, fallback");
      return port;
    } catch (e) {
      if (!inUse(e)) throw e;
      taken.push(candidate);
    }
  }
  throw new BridgeError(
    "ERR_NO_FREE_PORT",
    `Aucun port libre de ${AGENT_PORT_RANGE[0]} à ${AGENT_PORT_RANGE[AGENT_PORT_RANGE.length - 1]}.`,
    { ports: taken },
  );
}

export async function startAgent(options: StartAgentOptions): Promise<RunningAgent> {
  const { paths, config, log, agentVersion } = options;
  ensureAgentDirs(paths);
  const undo: Array<() => Promise<void> | void> = [];
  const unwind = async () => {
    for (const fn of undo.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        log.error({ err }, "cleanup step failed");
      }
    }
  };
  const lock: InstanceLock = acquireInstanceLock(paths.lockFile); // AlreadyRunningError: nothing to undo yet
  undo.push(() => lock.release());
  try {
    const agentKey = loadOrCreateAgentKey(paths.agentKeyFile);
    const pairings = new PairingStore(paths.pairingsFile);
    const cardService = await options.createCardService();
    await cardService.start();
    undo.push(() => cardService.stop());
    const mailbox = new MailboxService({
      settingsFile: paths.mailboxFile,
      credentials: await openCredentialStore({ file: paths.mailboxSecretFile, testMode: config.testMode, log }),
      log,
      ...(config.testMode && options.mailCa ? { ca: options.mailCa } : {}),
    });
    undo.push(() => mailbox.close());
    // The server reads the port when it binds: a copy of the configuration, so trying the range changes nothing of
    // the caller's.
    const serverConfig: AgentConfig = { ...config };
    const server = new BridgeServer({
      config: serverConfig,
      cardService,
      pairings,
      agentKey,
      log,
      agentVersion,
      mailbox,
    });
    const port = await listenOnAgentPort(server, serverConfig, log);
    undo.push(() => server.stop());
    const startedAt = new Date().toISOString();

    let stopRequested: ((reason: string) => void) | undefined;
    const status = (): AgentStatus => {
      const s = server.stats();
      return {
        running: true,
        pid: process.pid,
        port,
        testMode: config.testMode,
        agentVersion,
        startedAt,
        pairings: pairings.size,
        connections: s.connections,
        authenticatedConnections: s.authenticated,
        pcsc: cardService.pcscState(),
        pairingWindowOpen: server.services.pairingWindow.isOpen(),
      };
    };
    const control: ControlServer = await startControlServer({
      endpoint: paths.controlEndpoint,
      tokenFile: paths.controlTokenFile,
      log,
      handlers: {
        status: async () => ({ result: status() }),
        "pair.open": async (args, ctx) => {
          const wait = args.wait !== false;
          const w = server.openPairingWindow((e) => {
            if (!wait) return;
            ctx.send({ event: e.type, ...e });
            ctx.end();
          });
          log.info(
            { event: "pairing.window.opened", expiresAt: new Date(w.expiresAt).toISOString() },
            "pairing window opened",
          );
          // A CLI that waits and goes away (Ctrl-C) takes its window with it.
          if (wait) ctx.onClose(() => server.services.pairingWindow.cancelIfCode(w.code));
          return {
            result: {
              code: w.code,
              formatted: formatPairingCode(w.code),
              expiresAt: new Date(w.expiresAt).toISOString(),
              // What the doctor types: the code with this agent's port index in front (protocol/src/agent-ports.ts).
              port,
              entry: pairingEntry(w.code, port),
              entryFormatted: formatPairingEntry(w.code, port),
            },
            keepOpen: wait,
          };
        },
        "pair.cancel": async () => {
          server.services.pairingWindow.cancel();
          return { result: { cancelled: true } };
        },
        "pairings.list": async () => ({ result: pairings.list() satisfies Pairing[] }),
        "pairings.remove": async (args) => {
          const id = typeof args.id === "string" ? args.id : "";
          const removed = server.revokePairing(id);
          if (!removed) throw new BridgeError("ERR_NOT_PAIRED", `no pairing ${id.slice(0, 64)}`);
          return { result: { removed } };
        },
        stop: async () => {
          setImmediate(() => stopRequested?.("control channel"));
          return { result: { stopping: true } };
        },
      },
    });
    undo.push(() => control.close());

    const state: AgentStateFile = { pid: process.pid, port, testMode: config.testMode, agentVersion, startedAt };
    writePrivateFileAtomic(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    undo.push(() => rmSync(paths.stateFile, { force: true }));

    let stopping: Promise<void> | undefined;
    let resolveStopped!: () => void;
    const stopped = new Promise<void>((r) => {
      resolveStopped = r;
    });
    const stop = (reason = "stop") => {
      if (!stopping) {
        log.info({ event: "agent.stopping", reason }, "agent stopping");
        stopping = unwind().then(() => {
          log.info({ event: "agent.stopped" }, "agent stopped");
          resolveStopped();
        });
      }
      return stopping;
    };
    stopRequested = (reason) => void stop(reason);
    log.info(
      { event: "agent.started", port, testMode: config.testMode, agentVersion, pairings: pairings.size },
      "agent started",
    );
    return { port, server, status, stopped, stop };
  } catch (e) {
    await unwind();
    throw e;
  }
}
