/** browser.extension: the extension's own version and protocol version (always ok; a fact for the report). */
import type { BrowserCheck } from "../check";
import "../codes";

export const browserExtension: BrowserCheck = {
  id: "browser.extension",
  dependsOn: [],
  codes: ["DIAG_EXTENSION_VERSION"],
  async run(ctx) {
    return {
      verdict: "ok",
      code: "DIAG_EXTENSION_VERSION",
      params: { version: ctx.extensionVersion, protocol: ctx.extensionProtocol },
      facts: { extensionVersion: ctx.extensionVersion, extensionProtocol: ctx.extensionProtocol },
    };
  },
};
