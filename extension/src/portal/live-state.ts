/**
 * The background's state, live, for the content script: the `cps-bridge.state` port (shared/messages.ts), one
 * whole snapshot per change, exactly what the popup reads (docs/extension.md "One state store, subscribed through a
 * port"). Connecting the port wakes a stopped service worker and tells the agent client somebody is looking (retries
 * every second), so a doctor who starts the agent sees the panel follow within two seconds.
 *
 * A port that disconnects is reopened (the MV3 worker was restarted), unless the extension itself went away (updated,
 * disabled, removed: `runtime.id` is gone) — then `onGone` runs so the features remove everything they added.
 * Nothing here is reachable from the page: the content script's world is isolated, and the port is the extension's.
 */
import { browser } from "wxt/browser";
import { STATE_PORT } from "../shared/messages";
import type { ExtensionState } from "../shared/state";

export interface LiveState {
  /** The last snapshot, undefined until the first arrives. */
  current(): ExtensionState | undefined;
  /** Calls `listener` now (when a snapshot is known) and on every new one, until `signal` aborts. */
  subscribe(listener: (state: ExtensionState) => void, signal: AbortSignal): void;
}

export interface RuntimeLike {
  readonly id?: string;
  connect(info: { name: string }): PortLike;
}

export interface PortLike {
  onMessage: { addListener(cb: (m: unknown) => void): void };
  onDisconnect: { addListener(cb: () => void): void };
  disconnect(): void;
}

export function openLiveState(
  signal: AbortSignal,
  onGone: () => void,
  runtime: RuntimeLike = browser.runtime as unknown as RuntimeLike,
  retryMs = 100,
): LiveState {
  let state: ExtensionState | undefined;
  const listeners = new Set<(s: ExtensionState) => void>();
  let port: PortLike | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const gone = () => {
    if (!signal.aborted) onGone();
  };

  const connect = () => {
    if (signal.aborted) return;
    if (!runtime.id) return gone();
    try {
      port = runtime.connect({ name: STATE_PORT });
    } catch {
      // "Extension context invalidated": the extension was updated or removed under this page.
      return gone();
    }
    port.onMessage.addListener((m: unknown) => {
      const msg = m as { type?: unknown; state?: ExtensionState } | null;
      if (msg?.type !== "state" || typeof msg.state !== "object" || msg.state === null) return;
      state = msg.state;
      for (const l of [...listeners]) l(msg.state);
    });
    port.onDisconnect.addListener(() => {
      port = undefined;
      if (signal.aborted) return;
      if (!runtime.id) return gone();
      retry = setTimeout(connect, retryMs);
    });
  };

  signal.addEventListener("abort", () => {
    clearTimeout(retry);
    listeners.clear();
    try {
      port?.disconnect();
    } catch {
      // already gone
    }
  });
  connect();

  return {
    current: () => state,
    subscribe(listener, sub) {
      if (sub.aborted || signal.aborted) return;
      listeners.add(listener);
      sub.addEventListener("abort", () => listeners.delete(listener));
      if (state) listener(state);
    },
  };
}
