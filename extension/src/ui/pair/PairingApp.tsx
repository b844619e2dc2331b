import { send } from "../send";
import { useExtensionState } from "../use-extension-state";
import { PairingPage } from "./PairingPage";

export function PairingApp() {
  const state = useExtensionState();
  if (state === undefined) return <main class="page" aria-busy="true" />;
  return <PairingPage state={state} submit={(code) => send("pairing.submit", { code })} close={() => window.close()} />;
}
