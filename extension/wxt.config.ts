/**
 * Build of the cps-bridge extension: Chrome/Edge MV3 (`wxt build`, `wxt zip`) and Firefox MV2
 * (`wxt build -b firefox`, `wxt zip -b firefox`). docs/extension.md explains the choices; docs/permissions.md
 * justifies each permission.
 *
 * Firefox gets MV2 on purpose: its MV2 background page is persistent, so the one agent WebSocket never has to
 * survive a background restart there; Mozilla keeps MV2 supported; and MV2 host permissions (needed by the portal
 * content scripts of issue 6) are granted at install instead of being opt-in. Chrome must be MV3.
 */
import { EXTENSION_MANIFEST_KEY, GECKO_EXTENSION_ID } from "@cps-bridge/protocol/extension-ids";
import { defineConfig } from "wxt";
import { webmailOriginPatterns } from "./src/webmail/webmail-services";

/** Optional origins of the dossier watch (issue 12 §3): the two portal hosts and the loopback mock. */
const WATCH_ORIGINS = [
  "https://trajectoire.sante-ra.fr/*",
  "https://viatrajectoire.fr/*",
  "http://localhost/*",
  "http://127.0.0.1/*",
];
/**
 * Optional origins of the OTP autofill's Internet webmails (issue 11 §2), asked one service at a time when the doctor
 * ticks it in the options; the content script is then registered there at run time (scripting).
 */
const OPTIONAL_ORIGINS = [...WATCH_ORIGINS, ...webmailOriginPatterns()];
const ICONS = { 16: "icon/16.png", 32: "icon/32.png", 48: "icon/48.png", 96: "icon/96.png", 128: "icon/128.png" };

export default defineConfig({
  srcDir: "src",
  modules: ["@wxt-dev/webextension-polyfill"],
  // Explicit imports everywhere: the code reads the same in the editor, in tsc and in vitest.
  imports: false,
  manifest: ({ browser }) => ({
    name: "__MSG_extName__",
    description: "__MSG_extDescription__",
    default_locale: "fr",
    icons: ICONS,
    action: { default_icon: { 16: ICONS[16], 32: ICONS[32] }, default_title: "__MSG_actionTitle__" },
    // storage: settings (local) and the state snapshot that outlives a worker restart (session).
    // alarms: wakes the worker once a minute while the agent is away, so the badge recovers without a click.
    // Nothing else: ws://127.0.0.1 needs no host permission (shared/research/feasibility.md §5 (d)).
    // notifications: the opt-in dossier watch's counts-only notification (issue 12 §3, docs/permissions.md).
    // scripting: registers the webmail content script on the Internet webmails the doctor ticked (issue 11 §2).
    permissions: ["storage", "alarms", "notifications", "scripting", ...(browser === "firefox" ? [] : ["offscreen"])],
    ...(browser === "firefox"
      ? {
          // 115: first ESR with storage.session (the state snapshot) for MV2.
          browser_specific_settings: {
            gecko: {
              id: GECKO_EXTENSION_ID,
              strict_min_version: "115.0",
              // addons.mozilla.org asks every new add-on to declare what it collects: nothing.
              data_collection_permissions: { required: ["none"] },
            },
          },
          // WXT turns `action` into `browser_action` for MV2 but drops its icons.
          browser_action: { default_icon: { 16: ICONS[16], 32: ICONS[32] }, default_title: "__MSG_actionTitle__" },
          // MV2: optional origins live in optional_permissions (asked at the watch's or a webmail's opt-in).
          optional_permissions: OPTIONAL_ORIGINS,
        }
      : {
          // Fixes the Chrome/Edge id to banlgmakknkcdfmohidddadanllieedl (protocol/src/extension-ids.ts): the
          // agent allows exactly that Origin. 116: WebSocket traffic keeps an MV3 service worker alive.
          key: EXTENSION_MANIFEST_KEY,
          minimum_chrome_version: "116",
          // The dossier watch's fetch of the dashboard and the ticked webmails, asked at opt-in (permissions.request),
          // never at install.
          optional_host_permissions: OPTIONAL_ORIGINS,
        }),
  }),
  zip: {
    artifactTemplate: "cps-bridge-{{version}}-{{browser}}.zip",
    sourcesTemplate: "cps-bridge-{{version}}-sources.zip",
    // The sources zip (for addons.mozilla.org review) must rebuild alone: the extension bundles @cps-bridge/protocol,
    // so it holds the workspace root files, protocol/ and extension/ (rebuild: `npm ci && npm run build:firefox -w
    // extension`).
    sourcesRoot: "..",
    includeSources: [
      "package.json",
      "package-lock.json",
      "tsconfig.base.json",
      "biome.json",
      "protocol/package.json",
      "protocol/src/**",
      "extension/**",
    ],
    excludeSources: [
      "extension/.output/**",
      "extension/e2e/**",
      "extension/src/test-support/**",
      "protocol/src/test-support/**",
    ],
  },
});
