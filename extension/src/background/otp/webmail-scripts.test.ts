import { describe, expect, it } from "vitest";
import { type ContentScriptsLike, WEBMAIL_SCRIPT_FILE, WebmailScripts } from "./webmail-scripts";

describe("the webmail script's run-time registration (older Firefox: contentScripts.register)", () => {
  it("registers the granted origins of ticked services, replaces the handle on each sync, and needs an API", async () => {
    const live: Array<{ matches: string[]; js: Array<{ file: string }> }> = [];
    const contentScripts: ContentScriptsLike = {
      register: async (o) => {
        live.push(o);
        return { unregister: () => void live.splice(live.indexOf(o), 1) };
      },
    };
    const granted = new Set(["https://zimbra.free.fr/*", "https://webmail.sfr.fr/*"]);
    const s = new WebmailScripts({ contentScripts, granted: async ([o]) => granted.has(o ?? "") });
    expect(await s.sync(["zimbra", "sfr"])).toEqual(["https://webmail.sfr.fr/*", "https://zimbra.free.fr/*"]);
    expect(live).toHaveLength(1);
    expect(live[0]?.js).toEqual([{ file: `/${WEBMAIL_SCRIPT_FILE}` }]);
    expect(await s.sync(["sfr"])).toEqual(["https://webmail.sfr.fr/*"]);
    expect(live.map((x) => x.matches)).toEqual([["https://webmail.sfr.fr/*"]]);
    expect(await s.sync([])).toEqual([]);
    expect(live).toHaveLength(0);
    // No API at all: a ticked, granted service is an error (the options page shows it), nothing ticked is fine.
    const none = new WebmailScripts({ granted: async () => true });
    await expect(none.sync(["gmail"])).rejects.toThrow(/register a content script/);
    expect(await none.sync([])).toEqual([]);
  });
});
