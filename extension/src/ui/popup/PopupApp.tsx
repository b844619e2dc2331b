import { browser } from "wxt/browser";
import { send } from "../send";
import { useExtensionState } from "../use-extension-state";
import { Popup } from "./Popup";

export function PopupApp() {
  const state = useExtensionState();
  if (state === undefined) return <main class="popup" aria-busy="true" />;
  return (
    <Popup
      state={state}
      actions={{
        openPairing: () => {
          void browser.tabs.create({ url: browser.runtime.getURL("/pair.html") }).then(() => window.close());
        },
        openOptions: () => {
          void browser.runtime.openOptionsPage().then(() => window.close());
        },
        openDiagnostics: () => {
          void browser.tabs.create({ url: browser.runtime.getURL("/diagnostics.html") }).then(() => window.close());
        },
        retry: () => {
          void send("agent.reconnect", {});
        },
      }}
    />
  );
}
