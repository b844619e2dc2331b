/**
 * What each agent event (protocol/src/events.ts) changes in the state store. Events this version does not know
 * (a newer agent; the `diagnostics.*`, `otp.*`, `dossiers.*` namespaces reserved for later) are ignored, as the
 * protocol asks; a known event with bad data is dropped and logged.
 */
import type { EventFrame } from "@cps-bridge/protocol/envelope";
import { parseEvent, type TypedEvent } from "@cps-bridge/protocol/events";
import type { StateStore } from "../state/store";

export interface EventSideEffects {
  /** `agent.state` carries whether a pairing window is open (the pairing page shows it). */
  onPairingWindow?(open: boolean): void;
}

export function applyAgentEvent(
  store: StateStore,
  frame: EventFrame,
  effects: EventSideEffects = {},
): TypedEvent | undefined {
  const parsed = parseEvent(frame);
  if (!parsed.ok) {
    if (parsed.reason === "invalid") console.warn("cps-bridge: invalid event data", frame.event);
    return undefined;
  }
  const e = parsed.event;
  switch (e.event) {
    case "reader.attached":
      if (!store.get().readers.some((r) => r.name === e.data.reader)) {
        store.upsertReader({ name: e.data.reader, state: "empty" });
      }
      break;
    case "reader.detached":
      store.readerDetached(e.data.reader);
      break;
    case "card.inserted":
    case "card.updated":
      store.upsertReader(e.data.reader);
      break;
    case "card.removed":
      store.cardRemoved(e.data.reader);
      break;
    case "agent.state":
      if (store.get().agent.status === "connected") store.setPcsc(e.data.pcsc);
      effects.onPairingWindow?.(e.data.pairing.open);
      break;
    case "heartbeat":
      // Receiving it is the point: the connection's dead timer was re-armed by the frame itself.
      break;
  }
  return e;
}
