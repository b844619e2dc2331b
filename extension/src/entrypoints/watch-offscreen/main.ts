/**
 * Chrome MV3 only: the offscreen document (reason DOM_PARSER) where the dossier watch's cycle runs, because the
 * service worker has no DOMParser. It answers one message, from the extension's own worker, and holds nothing.
 */
import { browser } from "wxt/browser";
import { type CycleRequest, runCycleHere, WATCH_CYCLE_MESSAGE } from "../../dossiers/watch-background";

browser.runtime.onMessage.addListener((message: unknown, sender) => {
  const m = message as Partial<CycleRequest> | undefined;
  if (m?.type !== WATCH_CYCLE_MESSAGE || sender.id !== browser.runtime.id || sender.tab) return undefined;
  return runCycleHere(m as CycleRequest);
});
