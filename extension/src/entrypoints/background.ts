import { defineBackground } from "wxt/utils/define-background";
import { type BackgroundHandle, startBackground } from "../background/main";

declare global {
  // Reachable only through DevTools / CDP (Puppeteer kit, benchmark): a service worker's global is not visible
  // to web pages or content scripts.
  var cpsBridge: BackgroundHandle | undefined;
}

export default defineBackground(() => {
  globalThis.cpsBridge = startBackground();
});
