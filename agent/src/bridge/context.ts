/**
 * What the method handlers (handlers/<method>.ts) may use: the agent's services and the calling connection.
 * Handlers never see the socket, the raw frame or other connections.
 */
import type { MethodName, ResultOf, ValidParamsOf } from "@cps-bridge/protocol/methods/index";
import type { Logger } from "pino";
import type { CardService } from "../card-service";
import type { AgentConfig } from "../config";
import type { MailboxService } from "../otp/mailbox-service";
import type { AgentKey } from "./agent-key";
import type { Connection } from "./connection";
import type { PairingStore } from "./pairing-store";
import type { PairingWindow } from "./pairing-window";
import type { AttemptLimiter } from "./rate-limit";

export interface BridgeServices {
  config: AgentConfig;
  cardService: CardService;
  pairings: PairingStore;
  pairingWindow: PairingWindow;
  agentKey: AgentKey;
  log: Logger;
  /** The e-mailed login code source (issue 11); absent in bridge tests that do not need it. */
  mailbox?: MailboxService;
  /** The agent's release, e.g. "0.1.0" (hello, login token appVersion). */
  agentVersion: string;
  limiters: { pairing: AttemptLimiter; auth: AttemptLimiter; pin: AttemptLimiter };
  /** The port actually bound (the auth transcript and the Host gate use it). */
  port(): number;
  /** A pairing was added: connections from its origin leave "pairing only" mode; agent.state is re-sent. */
  pairingAdded(pairingId: string, origin: string): void;
}

export interface HandlerContext {
  conn: Connection;
  services: BridgeServices;
  /** Aborted when the request's deadline passes or the connection closes. */
  signal: AbortSignal;
  /** Runs after the response frame was sent (e.g. the first agent.state after hello). */
  after(fn: () => void): void;
  /** Closes the connection after the response was sent (version mismatch, failed authentication). */
  closeAfter(code: number, reason: string): void;
}

export type Handler<M extends MethodName> = (
  params: ValidParamsOf<M>,
  ctx: HandlerContext,
) => Promise<ResultOf<M>> | ResultOf<M>;

export type HandlerTable = { [M in MethodName]: Handler<M> };
