import { useEffect, useState } from "preact/hooks";
import type { PinRequestInfo } from "../../background/pin/pin-requests";
import { send } from "../send";
import { useExtensionState } from "../use-extension-state";
import { PinDialog } from "./PinDialog";

export function PinApp() {
  const state = useExtensionState();
  const requestId = new URLSearchParams(location.search).get("request") ?? "";
  const [info, setInfo] = useState<PinRequestInfo | undefined | "loading">("loading");
  useEffect(() => {
    void send("pin.info", { requestId }).then((a) => setInfo(a.ok ? a.info : undefined));
  }, [requestId]);
  if (state === undefined || info === "loading") return <main class="pin" aria-busy="true" />;
  return (
    <PinDialog
      lang={state.language}
      info={info}
      submit={(pin, confirmLastTry) => send("pin.submit", { requestId, pin, confirmLastTry })}
      cancel={() => {
        void send("pin.cancel", { requestId }).finally(() => window.close());
      }}
      close={() => window.close()}
    />
  );
}
