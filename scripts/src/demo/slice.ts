/**
 * The whole CPS-login slice on one machine, for the demo (run.ts), the login benchmark (scripts/bench/login.ts) and
 * the login e2e tests: the test bench's virtual readers (real pcscd + vpcd), the real agent in test mode, the mock
 * ViaTrajectoire portal, and Chromium with the built extension — paired with that agent and with the mock's origin
 * enabled as a developer portal in the options. Everything it starts, `stop()` stops, in reverse order; every
 * directory it creates is temporary.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import {
  type AgentProcess,
  type AgentProcessOptions,
  type BrowserName,
  type ExtensionBrowser,
  launchBrowser,
  startAgent,
} from "../browser/index";
import { PATHS } from "../mock-portal/paths";
import { createMockPortal, type MockPortal } from "../mock-portal/portal";
import { Testbed } from "../testbed/index";

export interface SliceOptions {
  /** Card login mode of the mock portal (default `token`). */
  mode?: "token" | "real";
  /** Default true (`CPS_BRIDGE_HEADFUL=1` also shows it). */
  headless?: boolean;
  /** Which browser (default "chromium"; the kit's `launchBrowser`). */
  browser?: BrowserName;
  /** The built chrome-mv3 (firefox-mv2 for Firefox) directory (default: built if stale, by the kit). */
  extensionPath?: string;
  /** The portal origin the browser uses and the options allow: `localhost` (default) or `127.0.0.1`. */
  portalHost?: "localhost" | "127.0.0.1";
  /** A private test bench state directory (the demo: nothing left behind); default the test bench's own. */
  privateTestbedState?: boolean;
  /** Progress lines (the demo prints them). */
  log?: (line: string) => void;
  /** Mock portal start date (default: real now). */
  now?: string;
  /** The agent's log level (the login benchmark reads its per-APDU `trace` lines). */
  agentLogLevel?: AgentProcessOptions["logLevel"];
  /** The agent's config.json (AgentProcessOptions.config). */
  agentConfig?: AgentProcessOptions["config"];
  /**
   * The e-mailed code (issue 11): the mock mails into this Maildir (a real dovecot serves it, scripts/src/mail/), and
   * the agent trusts `mailCa` for that dovecot's IMAPS.
   */
  mail?: { mailboxDir: string; mailCa: string };
}

export interface Slice {
  tb: Testbed;
  agent: AgentProcess;
  portal: MockPortal;
  kit: ExtensionBrowser;
  /** e.g. http://localhost:41234 — the origin enabled in the options, whose tokens the portal accepts. */
  origin: string;
  /** The médecin libéral login page at that origin (ReturnUrl = the dashboard). */
  loginUrl: string;
  /** One line per HTTP request the portal served, "METHOD /path STATUS" (never bodies): what reached it. */
  requests: string[];
  /** Token posts that reached the portal so far (POSTs to Login.aspx / LoginCPS.aspx). */
  tokenPosts(): number;
  /** Opens the login page in a new tab and waits for the assistant's panel to be there. */
  openLogin(url?: string): Promise<Page>;
  /** Whether `url` is the portal's médecin libéral dashboard (paths compared case-insensitively, as IIS does). */
  isDashboard(url: string): boolean;
  /** Ends this browser's portal session: the next login starts logged out. */
  logout(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSlice(o: SliceOptions = {}): Promise<Slice> {
  const log = o.log ?? (() => {});
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    const stateDir = o.privateTestbedState ? mkdtempSync(join(tmpdir(), "cps-bridge-demo-testbed-")) : undefined;
    if (stateDir) stops.push(async () => rmSync(stateDir, { recursive: true, force: true }));
    log("test bench: pcscd with the virtual readers…");
    const tb = await Testbed.start(stateDir ? { stateDir } : {});
    stops.push(() => tb.stop());

    log("agent: cps-bridge start --test-mode…");
    const agent = await startAgent({
      testAnchors: tb.trustAnchorsPath,
      ...(o.agentLogLevel ? { logLevel: o.agentLogLevel } : {}),
      ...(o.agentConfig ? { config: o.agentConfig } : {}),
      ...(o.mail ? { mailCa: o.mail.mailCa } : {}),
    });
    stops.push(() => agent.close());

    const requests: string[] = [];
    const portal = createMockPortal({
      mode: o.mode ?? "token",
      testAnchorsFile: tb.trustAnchorsPath,
      log: (line) => requests.push(line),
      ...(o.now ? { now: o.now } : {}),
      ...(o.mail ? { mailboxDir: o.mail.mailboxDir } : {}),
    });
    const base = await portal.start();
    stops.push(() => portal.stop());
    const port = new URL(base).port;
    const origin = `http://${o.portalHost ?? "localhost"}:${port}`;
    const loginUrl = portal.urls.login.replace(base, origin);
    log(`mock portal (${o.mode ?? "token"} mode): ${loginUrl}`);

    log("Chromium with the cps-bridge extension…");
    const kit = await launchBrowser({
      ...(o.browser ? { browser: o.browser } : {}),
      headless: o.headless ?? process.env.CPS_BRIDGE_HEADFUL !== "1",
      ...(o.extensionPath ? { extensionPath: o.extensionPath } : {}),
      settings: { agentPort: agent.port, developerOrigins: [origin] },
      cards: tb,
    });
    stops.push(() => kit.close());
    log("pairing the extension with the agent (cps-bridge pair)…");
    await kit.pair({ agent });

    const slice: Slice = {
      tb,
      agent,
      portal,
      kit,
      origin,
      loginUrl,
      requests,
      tokenPosts: () => requests.filter((l) => /^POST \S*\/AccesLibre\/Login(CPS)?\.aspx\b/i.test(l)).length,
      async openLogin(url = loginUrl) {
        const page = await kit.browser.newPage();
        await page.setViewport({ width: 1100, height: 900 });
        await page.goto(url, { waitUntil: "load" });
        return page;
      },
      isDashboard: (url) => new URL(url).pathname.toLowerCase() === PATHS.dashboard.toLowerCase(),
      async logout() {
        const page = await kit.browser.newPage();
        await page.goto(`${origin}${PATHS.logout}`, { waitUntil: "load" });
        await page.close();
      },
      stop: stopAll,
    };
    return slice;
  } catch (e) {
    await stopAll();
    throw e;
  }
}
