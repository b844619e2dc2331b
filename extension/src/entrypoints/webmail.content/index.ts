/**
 * The webmail source of the OTP autofill (issue 11 §2; docs/otp.md): reads the portal's code from a message opened
 * in a known webmail (webmail/). All frames: Roundcube shows a message in a preview frame of the same origin.
 *
 * Matches: loopback only for now — the test bench's Roundcube and a developer's — and inert unless that exact
 * origin is in the options' developer section. Webmails on the Internet (Gmail, Outlook, Orange…) would need their
 * hosts as (optional) permissions and a registration at opt-in: not built yet (docs/otp.md, "Not done").
 */
import { defineContentScript } from "wxt/utils/define-content-script";
import { startWebmailWatch } from "../../webmail/webmail-watch";

export default defineContentScript({
  matches: ["http://127.0.0.1/*", "http://localhost/*"],
  runAt: "document_idle",
  allFrames: true,
  cssInjectionMode: "manual",
  noScriptStartedPostMessage: true,
  main() {
    void startWebmailWatch();
  },
});
