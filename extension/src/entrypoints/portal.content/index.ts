/**
 * The portal login assistant's content script (docs/login-assistant.md). Patterns: portal/matches.ts; the work:
 * features/assistant.ts. Top-level frame only (the background refuses sub-frames anyway: sender-origin.ts).
 *
 * WXT's content-script context is not used: its "script started" announcement is a `window.postMessage` to "*"
 * (turned off here) and it stops itself on a DOM event any page script can forge, so the assistant keeps its own
 * lifetime (it ends when the extension goes away: portal/live-state.ts).
 */
import { defineContentScript } from "wxt/utils/define-content-script";
import { startAssistant } from "../../features/assistant";
import { PORTAL_MATCHES } from "../../portal/matches";

export default defineContentScript({
  matches: PORTAL_MATCHES,
  runAt: "document_idle",
  allFrames: false,
  cssInjectionMode: "manual",
  noScriptStartedPostMessage: true,
  main() {
    startAssistant();
  },
});
