/**
 * The cps-bridge Puppeteer kit: real Chromium or Firefox ESR with the extension, the real agent, the test bench's virtual cards.
 * docs/testing-with-puppeteer.md walks through a complete example.
 */
export { type AgentProcess, type AgentProcessOptions, freePort, startAgent } from "./agent-process";
export { ARTIFACTS_DIR, screenshot } from "./artifacts";
export { BrowserKitError, chromiumArgs, findChromium } from "./chromium";
export {
  type BrowserName,
  CHROME_BUILD_DIR,
  ensureExtensionBuilt,
  FIREFOX_BUILD_DIR,
  withGrantedHostPermissions,
} from "./extension-build";
export { findFirefox } from "./firefox";
export {
  type CardBench,
  type ExtensionBrowser,
  type ExtensionSettings,
  type ExtensionStateLike,
  type LaunchOptions,
  launchBrowser,
  type PairableAgent,
  popupSituation,
  popupText,
  waitForSituation,
} from "./launch";
export { type ServiceWorkerHandle, stopServiceWorker } from "./service-worker";
