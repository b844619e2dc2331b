/**
 * The WebSocket bridge: an HTTP server bound to 127.0.0.1 only, whose upgrade requests pass the gates of gates.ts
 * (loopback peer → Host → Origin → capacity) before `ws` completes the handshake. Refusals are plain HTTP answers
 * (421/403/503) with no upgrade. Accepted sockets become Connections whose frames go through dispatch.ts.
 *
 * Caps (config.ts, docs/agent.md): 64 KiB per frame (ws `maxPayload`: a bigger frame closes the socket with 1009),
 * connections and not-yet-authenticated connections (HTTP 503 beyond), in-flight requests per connection, per-request
 * deadlines, and bounded send buffers. No permessage-deflate (no compression bombs, and nothing to gain on loopback).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { CLOSE_CODES } from "@cps-bridge/protocol/envelope";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import type { CardService } from "../card-service";
import { type AgentConfig, LISTEN_HOST, MAX_FRAME_BYTES } from "../config";
import type { MailboxService } from "../otp/mailbox-service";
import type { AgentKey } from "./agent-key";
import { Connection } from "./connection";
import type { BridgeServices, HandlerTable } from "./context";
import { dispatchFrame } from "./dispatch";
import { EventFanout } from "./events";
import {
  classifyOrigin,
  headerForLog,
  hostAllowed,
  isLoopbackAddress,
  type OriginVerdict,
  RefusalLog,
  type RefusalReason,
  refusalStatus,
} from "./gates";
import { HANDLERS } from "./handlers/index";
import type { PairingStore } from "./pairing-store";
import { type OpenWindow, PairingWindow, type WindowEvent } from "./pairing-window";
import { AttemptLimiter } from "./rate-limit";

export interface BridgeServerOptions {
  config: AgentConfig;
  cardService: CardService;
  pairings: PairingStore;
  agentKey: AgentKey;
  log: Logger;
  agentVersion: string;
  mailbox?: MailboxService;
  /** Tests inject a window with a known code. */
  pairingWindow?: PairingWindow;
  handlers?: HandlerTable;
}

const STATUS_TEXT: Record<number, string> = {
  403: "Forbidden",
  421: "Misdirected Request",
  426: "Upgrade Required",
  503: "Service Unavailable",
};

export class BridgeServer {
  readonly services: BridgeServices;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Connection>();
  private readonly fanout: EventFanout;
  private readonly refusals: RefusalLog;
  private readonly handlers: HandlerTable;
  private readonly allowedOrigins: ReadonlySet<string>;
  private boundPort = 0;
  private stopping = false;

  constructor(private readonly options: BridgeServerOptions) {
    const { config, log } = options;
    if (config.host !== LISTEN_HOST) throw new Error(`refusing to listen on ${config.host}: ${LISTEN_HOST} only`);
    this.handlers = options.handlers ?? HANDLERS;
    this.allowedOrigins = new Set(config.allowedOrigins);
    const pairingWindow =
      options.pairingWindow ??
      new PairingWindow({
        windowMs: config.pairing.windowMs,
        maxWrongCodes: config.pairing.maxWrongCodes,
        lockoutMs: config.pairing.lockoutMs,
      });
    this.services = {
      config,
      cardService: options.cardService,
      pairings: options.pairings,
      pairingWindow,
      agentKey: options.agentKey,
      log,
      agentVersion: options.agentVersion,
      ...(options.mailbox ? { mailbox: options.mailbox } : {}),
      limiters: {
        pairing: new AttemptLimiter("pairing", config.rates.pairing),
        auth: new AttemptLimiter("auth", config.rates.auth),
        pin: new AttemptLimiter("pin", config.rates.pin),
      },
      port: () => this.boundPort,
      pairingAdded: (_id, origin) => {
        for (const c of this.conns) if (c.origin === origin && c.mode === "pairing-only") c.mode = "normal";
        this.fanout.broadcastAgentState();
      },
    };
    this.fanout = new EventFanout(this.services, () => this.conns);
    this.refusals = new RefusalLog(
      (reason, fields) => log.warn({ event: "handshake.refused", reason, ...fields }, "connection refused"),
      config.limits.refusalLogsPerMinute,
    );
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.http = createServer((req, res) => {
      // Plain HTTP (a page's fetch, a scanner): nothing to see here, and nothing that says what this is.
      req.resume();
      res.writeHead(426, { Connection: "close", "Content-Length": "0" }).end();
    });
    // Slow handshakes must not hold sockets (slowloris); the upgrade needs one small request.
    this.http.headersTimeout = 5_000;
    this.http.requestTimeout = 10_000;
    // Sockets still in the HTTP phase are bounded too; above this Node resets new sockets instead of answering 503.
    // Loopback refusals cost microseconds, so the bound is generous: a 200-connection burst is answered, not reset.
    this.http.maxConnections = Math.max(1024, config.limits.maxConnections * 8);
    this.http.on("upgrade", (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on("clientError", (_err, socket) => socket.destroy());
  }

  /** Binds 127.0.0.1:<config.port> (0 = any free port). Resolves the bound port. */
  async start(): Promise<number> {
    const { config } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen({ host: LISTEN_HOST, port: config.port, exclusive: true }, () => {
        this.http.off("error", reject);
        resolve();
      });
    });
    const addr = this.http.address();
    if (!addr || typeof addr === "string" || addr.address !== LISTEN_HOST) {
      this.http.close();
      throw new Error(`bridge bound to ${JSON.stringify(addr)}, expected ${LISTEN_HOST}`);
    }
    this.boundPort = addr.port;
    this.fanout.start();
    this.options.log.info({ event: "bridge.listening", host: LISTEN_HOST, port: this.boundPort }, "bridge listening");
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  stats(): { connections: number; authenticated: number } {
    let authenticated = 0;
    for (const c of this.conns) if (c.authenticated) authenticated++;
    return { connections: this.conns.size, authenticated };
  }

  /** Opens a pairing window (the CLI's `pair`); every connection past hello learns it through agent.state. */
  openPairingWindow(listener?: (e: WindowEvent) => void): OpenWindow {
    const w = this.services.pairingWindow.open((e) => {
      listener?.(e);
      this.fanout.broadcastAgentState();
    });
    this.fanout.broadcastAgentState();
    return w;
  }

  /** Removes a pairing and closes the connections authenticated with it (4004). Returns the removed id. */
  revokePairing(idOrPrefix: string): string | undefined {
    const removed = this.services.pairings.remove(idOrPrefix);
    if (!removed) return undefined;
    const stillPaired = (o: string) => this.allowedOrigins.has(o) || this.services.pairings.hasOrigin(o);
    for (const c of this.conns) {
      if (c.pairingId === removed.id) c.close(CLOSE_CODES.unpaired, "pairing revoked");
      else if (!c.authenticated && !stillPaired(c.origin)) {
        c.pendingChallenge = undefined;
        c.mode = "pairing-only";
      }
    }
    this.options.log.info({ event: "pairing.removed", pairingId: removed.id }, "pairing revoked");
    return removed.id;
  }

  /** Closes every connection with 1001 and stops listening. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.fanout.stop();
    this.services.pairingWindow.cancel();
    const closing = [...this.conns].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.closed && !this.conns.has(c)) return resolve();
          c.onGone = resolve;
          c.close(CLOSE_CODES.goingAway, "agent shutting down");
        }),
    );
    await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 2500).unref())]);
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    this.wss.close();
  }

  private refuse(socket: Duplex, reason: RefusalReason, req: IncomingMessage): void {
    this.refusals.refused(reason, {
      origin: headerForLog(req.headers.origin),
      host: headerForLog(req.headers.host),
      remote: req.socket.remoteAddress,
    });
    const status = refusalStatus(reason);
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Refused"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
    }
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private gate(
    req: IncomingMessage,
  ): { reason: RefusalReason } | { verdict: Extract<OriginVerdict, { ok: true }>; origin: string } {
    if (this.stopping) return { reason: "shutting-down" };
    if (!isLoopbackAddress(req.socket.remoteAddress)) return { reason: "remote-address" };
    if (!hostAllowed(req.headers.host, this.boundPort)) return { reason: "host" };
    const verdict = classifyOrigin(req.headers.origin, this.allowedOrigins, (o) => this.services.pairings.hasOrigin(o));
    if (!verdict.ok) return { reason: verdict.reason };
    if ((req.headers.upgrade ?? "").toLowerCase() !== "websocket") return { reason: "not-websocket" };
    const { maxConnections, maxUnauthenticated } = this.services.config.limits;
    if (this.conns.size >= maxConnections) return { reason: "too-many-connections" };
    let unauthenticated = 0;
    for (const c of this.conns) if (!c.authenticated) unauthenticated++;
    if (unauthenticated >= maxUnauthenticated) return { reason: "too-many-unauthenticated" };
    return { verdict, origin: req.headers.origin as string };
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    const g = this.gate(req);
    if ("reason" in g) {
      this.refuse(socket, g.reason, req);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, g.verdict, g.origin));
  }

  private accept(
    ws: WebSocket,
    req: IncomingMessage,
    verdict: Extract<OriginVerdict, { ok: true }>,
    origin: string,
  ): void {
    const { log, config } = this.options;
    const mode = verdict.kind === "unpaired-firefox" ? "pairing-only" : "normal";
    const conn = new Connection(ws, origin, mode, req.socket.remoteAddress ?? "", config.limits.maxBufferedBytes);
    this.conns.add(conn);
    log.debug({ event: "conn.open", conn: conn.id, origin, mode }, "connection accepted");
    ws.on("message", (data, isBinary) => {
      dispatchFrame(conn, data, isBinary, this.services, this.handlers).catch((err) => {
        log.error({ err, conn: conn.id }, "frame handling failed");
      });
    });
    ws.on("error", (err: Error & { code?: string }) => {
      // ws closes the socket itself (1009 for an oversize frame, 1007 for invalid UTF-8, 1002 for bad framing).
      log.info({ event: "conn.error", conn: conn.id, code: err.code }, "connection error");
    });
    ws.on("close", (code) => {
      conn.markClosed();
      this.conns.delete(conn);
      log.debug({ event: "conn.close", conn: conn.id, code }, "connection closed");
      conn.onGone?.();
    });
  }
}
