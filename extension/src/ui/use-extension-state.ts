/**
 * Subscribes a page to the background's state through the `cps-bridge.state` port: one snapshot at once, then one
 * per change. When the MV3 worker is stopped the port disconnects; reconnecting wakes the worker, which restores
 * itself and pushes a fresh snapshot (this is how an open popup survives a worker restart).
 */
import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { STATE_PORT } from "../shared/messages";
import type { ExtensionState } from "../shared/state";

export function useExtensionState(): ExtensionState | undefined {
  const [state, setState] = useState<ExtensionState>();
  useEffect(() => {
    let port: ReturnType<typeof browser.runtime.connect> | undefined;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      port = browser.runtime.connect({ name: STATE_PORT });
      port.onMessage.addListener((m: unknown) => {
        const msg = m as { type?: string; state?: ExtensionState };
        if (msg?.type === "state" && msg.state) setState(msg.state);
      });
      port.onDisconnect.addListener(() => {
        if (!stopped) retry = setTimeout(connect, 100);
      });
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      port?.disconnect();
    };
  }, []);
  useEffect(() => {
    if (state) document.documentElement.lang = state.language;
  }, [state?.language]);
  return state;
}
