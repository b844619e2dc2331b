/**
 * The login assistant's start on a portal page (entrypoints/portal.content): recognise the page (URL and content,
 * portal/detectors.ts), check that its origin is one the doctor allows (options: the portals, and developer origins
 * such as the mock's), then run the features that apply (features/index.ts). Nothing runs, and no port to the
 * background is opened, on any other page the manifest's patterns let it into.
 *
 * It listens to nothing the page sends (no `message` listener, no custom events): its inputs are the DOM it reads
 * itself, the browser's location, the extension's storage and the background's state port. Changing the settings
 * reruns it; the extension going away (update, removal) removes everything it added.
 */
import { browser } from "wxt/browser";
import { detectPortalPage } from "../portal/detectors";
import { type LiveState, openLiveState } from "../portal/live-state";
import { allowedOrigins, loadSettings, normaliseOrigin, SETTINGS_KEY, type Settings } from "../shared/settings";
import type { UiLanguage } from "../shared/state";
import { send } from "../ui/send";
import { runFeatures } from "./feature";
import { FEATURES } from "./index";

/** Is this page's origin one the doctor allowed (portal list or developer section)? */
export function originEnabled(origin: string, settings: Settings): boolean {
  const normalised = normaliseOrigin(origin, { developer: true });
  return normalised !== undefined && allowedOrigins(settings).includes(normalised);
}

export function startAssistant(doc: Document = document, location: Location = window.location): AbortController {
  const root = new AbortController();
  let live: LiveState | undefined;
  let current: AbortController | undefined;
  const fallbackLang: UiLanguage = doc.documentElement.lang.toLowerCase().startsWith("en") ? "en" : "fr";

  const run = async () => {
    current?.abort();
    const mine = new AbortController();
    current = mine;
    root.signal.addEventListener("abort", () => mine.abort(), { once: true, signal: mine.signal });
    const url = new URL(location.href);
    const page = detectPortalPage(url, doc);
    if (page.kind === "none") return;
    const settings = await loadSettings().catch(() => undefined);
    if (mine.signal.aborted || settings === undefined || !originEnabled(url.origin, settings)) return;
    live ??= openLiveState(root.signal, () => root.abort());
    runFeatures(FEATURES, { doc, url, page, live, send, fallbackLang, bus: new EventTarget() }, mine.signal);
  };

  const onStorage = (changes: Record<string, unknown>, area: string) => {
    if (area === "local" && SETTINGS_KEY in changes) void run();
  };
  browser.storage.onChanged.addListener(onStorage);
  root.signal.addEventListener("abort", () => browser.storage.onChanged.removeListener(onStorage), { once: true });
  void run();
  return root;
}
