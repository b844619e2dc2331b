/**
 * Finding Debian's Firefox ESR and the preferences the e2e tests launch it with (docs/testing-with-puppeteer.md
 * "Firefox"). Puppeteer drives it over WebDriver BiDi; the extension is installed as a temporary add-on
 * (`webExtension.install`), and its moz-extension:// UUID is chosen by the kit through the
 * `extensions.webextensions.uuids` preference, so the kit knows the extension's origin before it loads.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { GECKO_EXTENSION_ID } from "@cps-bridge/protocol/extension-ids";
import { BrowserKitError } from "./chromium";

/** `/usr/bin/firefox-esr` is what Debian 12's `firefox-esr` package installs. `FIREFOX_PATH` overrides. */
export const FIREFOX_CANDIDATES = ["/usr/bin/firefox-esr", "/usr/bin/firefox"] as const;

export function findFirefox(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.FIREFOX_PATH;
  if (override) {
    if (!existsSync(override)) throw new BrowserKitError(`FIREFOX_PATH=${override} does not exist`, "fix the path");
    return override;
  }
  const found = FIREFOX_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new BrowserKitError("No Firefox found", "install it: `apt-get install firefox-esr`, or set FIREFOX_PATH");
  }
  return found;
}

/** A fresh random UUID for the extension's moz-extension:// origin, as Firefox gives each profile its own. */
export function newExtensionUuid(): string {
  return randomUUID();
}

/**
 * Preferences on top of the ones puppeteer writes into its temporary profile (no updates, no telemetry, no
 * first-run pages): the extension's UUID, and nothing that would reach the network on an offline machine.
 */
export function firefoxPrefs(extensionUuid: string): Record<string, unknown> {
  return {
    "extensions.webextensions.uuids": JSON.stringify({ [GECKO_EXTENSION_ID]: extensionUuid }),
    "browser.shell.checkDefaultBrowser": false,
    "app.update.enabled": false,
    "extensions.getAddons.cache.enabled": false,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
  };
}

/**
 * `--remote-allow-system-access`: Firefox's BiDi refuses `browsingContext.navigate` to any scheme but
 * http(s)/file/blob/about:blank unless this switch is given (measured on 153.8 ESR: "Navigation to
 * moz-extension://… is not allowed in this context"), and the kit opens the extension's pages by URL.
 */
export function firefoxArgs(): string[] {
  return ["--remote-allow-system-access"];
}
