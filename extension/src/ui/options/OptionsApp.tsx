import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { loadSettings, type Settings, saveSettings } from "../../shared/settings";
import { send } from "../send";
import { useExtensionState } from "../use-extension-state";
import { DossiersSection } from "./DossiersSection";
import { MailboxSection } from "./MailboxSection";
import { OptionsPage } from "./OptionsPage";
import { SendersSection } from "./SendersSection";
import { WatchSection } from "./WatchSection";
import { WebmailSection } from "./WebmailSection";

export function OptionsApp() {
  const state = useExtensionState();
  const [settings, setSettings] = useState<Settings>();
  useEffect(() => {
    void loadSettings().then(setSettings);
  }, []);
  if (state === undefined || settings === undefined) return <main class="page" aria-busy="true" />;
  return (
    <>
      <OptionsPage
        state={state}
        settings={settings}
        actions={{
          save: saveSettings,
          openPairing: () => {
            void browser.tabs.create({ url: browser.runtime.getURL("/pair.html") });
          },
          forgetPairing: async () => {
            await send("pairing.forget", {});
          },
        }}
      />
      <MailboxSection lang={state.language} />
      <WebmailSection lang={state.language} />
      <SendersSection lang={state.language} />
      <DossiersSection />
      <WatchSection origins={[...settings.portalOrigins, ...settings.developerOrigins]} lang={state.language} />
    </>
  );
}
