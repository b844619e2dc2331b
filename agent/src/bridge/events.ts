/**
 * Event fan-out (protocol/src/events.ts): the card service's events become `reader.*` / `card.*` events on every
 * authenticated connection; `agent.state` (PC/SC state, pairing window) goes to every connection past `hello`.
 * The sweep also runs the per-connection clocks: the agent's `heartbeat` event when it has sent nothing for
 * `heartbeatMs` (20 s: an MV3 service worker is stopped after 30 s without traffic, feasibility.md §5), and the
 * hello / idle / authentication deadlines that keep silent or unauthenticated strangers from holding slots.
 */
import { CLOSE_CODES } from "@cps-bridge/protocol/envelope";
import type { EventData } from "@cps-bridge/protocol/events";
import type { CardServiceEvent } from "../card-service";
import type { Connection } from "./connection";
import type { BridgeServices } from "./context";

export function agentStateOf(
  services: Pick<BridgeServices, "cardService" | "pairingWindow">,
): EventData<"agent.state"> {
  return { pcsc: services.cardService.pcscState(), pairing: { open: services.pairingWindow.isOpen() } };
}

export class EventFanout {
  private unsubscribe: (() => void) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: BridgeServices,
    private readonly connections: () => Iterable<Connection>,
  ) {}

  start(): void {
    this.unsubscribe = this.services.cardService.subscribe((e) => this.onCardEvent(e));
    const { heartbeatMs } = this.services.config.limits;
    this.sweepTimer = setInterval(() => this.sweep(), Math.max(25, Math.min(1000, Math.floor(heartbeatMs / 4))));
    this.sweepTimer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.sweepTimer);
  }

  /** agent.state to every connection past hello (after a PC/SC change, a pairing window opening or closing). */
  broadcastAgentState(): void {
    const data = agentStateOf(this.services);
    for (const c of this.connections())
      if (c.helloDone && !c.closed) this.safeSend(c, () => c.sendEvent("agent.state", data));
  }

  private onCardEvent(e: CardServiceEvent): void {
    if (e.type === "pcsc.state") {
      this.broadcastAgentState();
      return;
    }
    for (const c of this.connections()) {
      if (!c.receivesCardEvents()) continue;
      this.safeSend(c, () => {
        switch (e.type) {
          case "reader.attached":
          case "reader.detached":
          case "card.removed":
            c.sendEvent(e.type, { reader: e.reader });
            break;
          case "card.inserted":
          case "card.updated":
            c.sendEvent(e.type, { reader: e.reader });
            break;
        }
      });
    }
  }

  private safeSend(c: Connection, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.services.log.warn({ err, conn: c.id }, "could not send event");
    }
  }

  /** Clocks of every connection; exported for tests through `sweep`. */
  sweep(now = Date.now()): void {
    const l = this.services.config.limits;
    for (const c of this.connections()) {
      if (c.closed) continue;
      if (!c.helloDone && now - c.openedAt >= l.helloTimeoutMs) {
        c.close(CLOSE_CODES.idleTimeout, "no hello");
      } else if (now - c.lastReceived >= l.idleTimeoutMs) {
        c.close(CLOSE_CODES.idleTimeout, "idle");
      } else if (!c.authenticated && now - c.openedAt >= l.authDeadlineMs) {
        c.close(CLOSE_CODES.policyViolation, "not authenticated in time");
      } else if (c.helloDone && now - c.lastSent >= l.heartbeatMs) {
        this.safeSend(c, () => c.sendEvent("heartbeat", { time: new Date(now).toISOString() }));
      }
    }
  }
}
