/**
 * The dossier overlay's content script (issue 12, docs/dossiers.md): only on the médecin libéral dashboard
 * (portal/dashboard-matches.ts), separate from the login assistant (which never enters logged-in pages). Reads the
 * page, keeps its memory in storage.local, sends nothing anywhere. Top frame only.
 */
import { defineContentScript } from "wxt/utils/define-content-script";
import { startDossierOverlay } from "../../dossiers/overlay";
import { DASHBOARD_MATCHES } from "../../portal/dashboard-matches";

export default defineContentScript({
  matches: DASHBOARD_MATCHES,
  runAt: "document_idle",
  allFrames: false,
  cssInjectionMode: "manual",
  noScriptStartedPostMessage: true,
  main() {
    void startDossierOverlay();
  },
});
