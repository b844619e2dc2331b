/**
 * Registers the webmail content script (entrypoints/webmail.content) on the Internet webmails the doctor ticked in the
 * options, and only on the origins the browser granted for them (issue 11 §2; docs/otp.md §3). The manifest's own
 * registration of that script covers loopback only (the test bench's Roundcube); everything on the Internet goes
 * through here, at run time, so that no script runs on a webmail before the doctor asked for it.
 *
 * Kept in step with the truth at every start of the background, on every change of `otpSettings`, and on every
 * grant or withdrawal of a permission (chrome://extensions or about:addons). Chrome/Edge and recent Firefox:
 * `scripting.registerContentScripts`, not persisted (re-registered at each start, so a withdrawn permission or a
 * cleared setting can never leave a stale registration behind); an older Firefox without it (MV2 before 105):
 * `contentScripts.register`, whose handle lives as long as Firefox's persistent background page.
 */
import { INTERNET_WEBMAILS } from "../../webmail/webmail-services";

export const WEBMAIL_SCRIPT_ID = "cpsb-webmail-internet";
/** The built file of entrypoints/webmail.content (WXT's output name). */
export const WEBMAIL_SCRIPT_FILE = "content-scripts/webmail.js";

export interface ScriptingLike {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<Array<{ id: string }>>;
  registerContentScripts(
    scripts: Array<{
      id: string;
      matches: string[];
      js: string[];
      allFrames: boolean;
      runAt: "document_idle";
      persistAcrossSessions: boolean;
    }>,
  ): Promise<void>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
}

/** Firefox MV2's older API. */
export interface ContentScriptsLike {
  register(o: { matches: string[]; js: Array<{ file: string }>; allFrames: boolean; runAt: "document_idle" }): Promise<{
    unregister(): Promise<void> | void;
  }>;
}

export interface WebmailScriptDeps {
  scripting?: ScriptingLike;
  contentScripts?: ContentScriptsLike;
  /** `permissions.contains` for origins. */
  granted(origins: string[]): Promise<boolean>;
}

/** The match patterns to register: the ticked services' origins that the browser granted. */
export async function grantedWebmailPatterns(enabled: readonly string[], deps: WebmailScriptDeps): Promise<string[]> {
  const out: string[] = [];
  for (const s of INTERNET_WEBMAILS) {
    if (!enabled.includes(s.id)) continue;
    for (const o of s.origins) if (await deps.granted([o]).catch(() => false)) out.push(o);
  }
  return out;
}

/**
 * Serialises the syncs (each one replaces the registration as a whole) and remembers the Firefox handle. `sync`
 * returns the patterns registered after it ran.
 */
export class WebmailScripts {
  private chain: Promise<unknown> = Promise.resolve();
  private legacy: { unregister(): Promise<void> | void } | undefined;
  registered: string[] = [];

  constructor(private readonly d: WebmailScriptDeps) {}

  sync(enabled: readonly string[]): Promise<string[]> {
    const run = this.chain.then(() => this.apply(enabled));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(enabled: readonly string[]): Promise<string[]> {
    const matches = await grantedWebmailPatterns(enabled, this.d);
    if (this.d.scripting) {
      const s = this.d.scripting;
      const existing = await s.getRegisteredContentScripts({ ids: [WEBMAIL_SCRIPT_ID] });
      if (existing.length > 0) await s.unregisterContentScripts({ ids: [WEBMAIL_SCRIPT_ID] });
      if (matches.length > 0) {
        await s.registerContentScripts([
          {
            id: WEBMAIL_SCRIPT_ID,
            matches,
            js: [WEBMAIL_SCRIPT_FILE],
            allFrames: true,
            runAt: "document_idle",
            persistAcrossSessions: false,
          },
        ]);
      }
    } else if (this.d.contentScripts) {
      await this.legacy?.unregister();
      this.legacy = undefined;
      if (matches.length > 0) {
        this.legacy = await this.d.contentScripts.register({
          matches,
          js: [{ file: `/${WEBMAIL_SCRIPT_FILE}` }],
          allFrames: true,
          runAt: "document_idle",
        });
      }
    } else if (matches.length > 0) {
      throw new Error("this browser offers no way to register a content script at run time");
    }
    this.registered = matches;
    return matches;
  }
}
