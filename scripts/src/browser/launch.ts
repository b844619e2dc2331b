/**
 * # The cps-bridge Puppeteer kit
 *
 * Drives Debian Chromium or Firefox ESR with the cps-bridge extension loaded, through puppeteer-core — no card reader
 * needed when paired with the test bench's virtual cards (docs/testing-with-puppeteer.md has a complete example).
 *
 * ```ts
 * const kit = await launchBrowser({ extension: true, browser: "firefox" }); // default "chromium"
 * await kit.configure({ agentPort: agent.port });
 * await kit.pair({ agent });                       // types the code of `cps-bridge pair` into the pairing page
 * const popup = await kit.openPopup();
 * await waitForSituation(popup, "ready");
 * await kit.close();
 * ```
 *
 * Loading: `enableExtensions: [dir]` with `pipe: true` (CDP `Extensions.loadUnpacked`), the mode recommended by
 * shared/research/feasibility.md §5 (it keeps working where branded Chrome drops `--load-extension`). The id is
 * fixed by the manifest `key` (protocol/src/extension-ids.ts), and checked against the worker's URL.
 *
 * Firefox: WebDriver BiDi (`protocol: "webDriverBiDi"`), the Firefox MV2 build installed as a temporary add-on
 * (`browser.installExtension`, BiDi `webExtension.install`), its moz-extension:// UUID chosen by the kit
 * (firefox.ts), the background page reached through one extension tab of the kit's (background-page.ts). Firefox's
 * BiDi gives extension pages no URL (their targets stay `about:blank`, measured), so the kit finds its pages by
 * their `location.href` ({@link ExtensionBrowser.extensionPages}) and opens them with a raw BiDi navigate.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROME_EXTENSION_ID } from "@cps-bridge/protocol/extension-ids";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import type { TestbedClient } from "../testbed/client";
import type { Testbed } from "../testbed/index";
import { BACKGROUND_PROBE_PAGE, backgroundPageHandle } from "./background-page";
import { BrowserKitError, chromiumArgs, findChromium } from "./chromium";
import { type BrowserName, ensureExtensionBuilt } from "./extension-build";
import { findFirefox, firefoxArgs, firefoxPrefs, newExtensionUuid } from "./firefox";
import {
  type ServiceWorkerHandle,
  serviceWorkerHandle,
  stopServiceWorker,
  waitForActivatedWorker,
} from "./service-worker";

/** The extension's settings (extension/src/shared/settings.ts), as the kit may preset them. */
export interface ExtensionSettings {
  agentPort: number;
  portalOrigins: string[];
  /** e.g. the mock portal's http://localhost:<port> */
  developerOrigins: string[];
  language: "auto" | "fr" | "en";
}

/** Anything that can open a pairing window and give its 6-digit code: the kit's agent process, a test bridge… */
export interface PairableAgent {
  openPairing(): Promise<string> | string;
}

/** The test bench's card controls: a `Testbed` (in-process) or a `TestbedClient` (daemon of `cps-testbed up`). */
export type CardBench = Pick<Testbed, "insert" | "remove" | "swap"> | Pick<TestbedClient, "insert" | "remove" | "swap">;

export interface LaunchOptions {
  /** Which browser (default "chromium"): Debian Chromium over CDP, or Firefox ESR over WebDriver BiDi. */
  browser?: BrowserName;
  /** Load the cps-bridge extension (default true). */
  extension?: boolean;
  /** Default true; `CPS_BRIDGE_HEADFUL=1` shows the window where a display exists. */
  headless?: boolean;
  /** A built chrome-mv3 (firefox-mv2 for Firefox) directory; default: extension/.output/…, built if missing or stale. */
  extensionPath?: string;
  /** Settings applied before the test starts (the worker reconnects at once on a port change). */
  settings?: Partial<ExtensionSettings>;
  /** Card controls exposed as `kit.cards`. */
  cards?: CardBench;
  /** Extra browser switches. */
  args?: string[];
  /** Keep the auto-opened first-run pairing tab (default false: closed, so no page watches the state). */
  keepWelcomeTab?: boolean;
}

export interface ExtensionBrowser {
  browser: Browser;
  /** Which browser this is. */
  browserName: BrowserName;
  /** Chromium: the fixed extension id; Firefox: the moz-extension:// UUID the kit chose for this launch. */
  extensionId: string;
  /** `chrome-extension://<id>/` or `moz-extension://<uuid>/`. */
  extensionBase: string;
  /** The open extension pages whose URL starts with the extension's base + `path` (e.g. "pin.html"). */
  extensionPages(path: string): Promise<Page[]>;
  /** Resolves with the first extension page at `path` not in `exclude` (pages open before the action). */
  waitForExtensionPage(path: string, options?: { exclude?: ReadonlySet<Page>; timeoutMs?: number }): Promise<Page>;
  /**
   * Resolves once `page` is closed — by the test, the page itself (`window.close()`) or the extension
   * (`windows.remove`). Firefox's BiDi sends no close event for extension windows (measured: no `close`,
   * `isClosed()` stays false), so there the kit polls until the page's browsing context is gone.
   */
  waitForClose(page: Page, timeoutMs?: number): Promise<void>;
  /** The popup, opened as a tab (what the toolbar button shows), 380 px wide. */
  openPopup(): Promise<Page>;
  /** Any extension page: `pair.html`, `options.html`, `pin.html?request=…` */
  openExtensionPage(path: string): Promise<Page>;
  /** Opens a pairing window on `agent` and types its code into the pairing page; resolves once authenticated. */
  pair(options: { agent: PairableAgent; timeoutMs?: number }): Promise<void>;
  /**
   * The background: Chromium's running service worker (it runs from launch), Firefox's background page. Same
   * `evaluate` for both: `globalThis` is the background's.
   */
  serviceWorker(): Promise<ServiceWorkerHandle>;
  /**
   * Stops the service worker like Chrome's 30 s idle stop (CDP ServiceWorker.stopWorker). Chromium only: Firefox's
   * MV2 background page is persistent and never stopped (throws a BrowserKitError there).
   */
  stopServiceWorker(): Promise<void>;
  /** Writes extension settings (storage.local), merged over the current ones. */
  configure(settings: Partial<ExtensionSettings>): Promise<void>;
  /** The background's current state snapshot (extension/src/shared/state.ts). */
  state(): Promise<ExtensionStateLike>;
  /**
   * Polls the background's state until `predicate` holds (a worker being restarted counts as "not yet");
   * resolves with that state, rejects with the last one seen after `timeoutMs`.
   */
  waitForState(predicate: (s: ExtensionStateLike) => boolean, timeoutMs?: number): Promise<ExtensionStateLike>;
  cards: CardBench | undefined;
  close(): Promise<void>;
}

/** The fields of the extension's state the kit and tests read (see extension/src/shared/state.ts). */
export interface ExtensionStateLike {
  agent: { status: string; errorCode?: string; port: number; agentVersion?: string };
  pcsc?: string;
  readers: Array<{ name: string; state: string; cardType?: string; holder?: { surname: string; givenName: string } }>;
  readersKnown: boolean;
  paired: boolean;
  language: string;
}

const POPUP_VIEWPORT = { width: 412, height: 640 };

/** `CPS_BRIDGE_KIT_DEBUG=1` prints each step of the kit with its time, to find where a setup is slow or stuck. */
const debug = process.env.CPS_BRIDGE_KIT_DEBUG === "1";
const t0 = Date.now();
function step(what: string): void {
  if (debug) process.stderr.write(`[kit +${Date.now() - t0} ms] ${what}\n`);
}

/** Opens `url` in `page`. Firefox: BiDi navigate straight (puppeteer's goto never sees moz-extension loads end). */
async function navigate(page: Page, browserName: BrowserName, url: string): Promise<void> {
  if (browserName === "chromium") {
    await page.goto(url, { waitUntil: "load" });
    return;
  }
  // puppeteer's goto waits for a BiDi navigation event Firefox never sends for an extension page (measured: the
  // page loads, the goto times out after 30 s); the `browsingContext.navigate` command itself waits for the load.
  const frame = page.mainFrame() as unknown as {
    browsingContext: { navigate(url: string, wait: "complete"): Promise<unknown> };
  };
  await frame.browsingContext.navigate(url, "complete");
}

/** A page's URL: Firefox reports `about:blank` for extension pages, so it is read in the page there. */
async function pageHref(page: Page, browserName: BrowserName): Promise<string> {
  if (browserName === "chromium" || page.isClosed()) return page.url();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const href = page.evaluate(() => location.href).catch(() => "");
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(""), 2_000);
  });
  try {
    return await Promise.race([href, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function launchPuppeteer(
  browserName: BrowserName,
  options: LaunchOptions,
  headless: boolean,
  userDataDir: string,
  extensionUuid: string,
  extensionPath: string | undefined,
): Promise<Browser> {
  if (browserName === "firefox") {
    step(`launching ${findFirefox()} (extension: ${extensionPath ?? "none"})`);
    const browser = await puppeteer.launch({
      browser: "firefox",
      protocol: "webDriverBiDi",
      executablePath: findFirefox(),
      headless,
      userDataDir,
      extraPrefsFirefox: firefoxPrefs(extensionUuid),
      args: [...firefoxArgs(), ...(options.args ?? [])],
      defaultViewport: null,
      protocolTimeout: 30_000,
    });
    // Not `enableExtensions`: puppeteer 24.43 does not await the installs it starts for it (Promise.all of an array
    // of an array, BrowserLauncher.js), so the extension may not be there when launch resolves.
    if (extensionPath) {
      await browser.installExtension(extensionPath).catch(async (e: unknown) => {
        await browser.close().catch(() => {});
        throw e;
      });
    }
    return browser;
  }
  step(`launching ${findChromium()} (extension: ${extensionPath ?? "none"})`);
  return puppeteer.launch({
    executablePath: findChromium(),
    headless,
    userDataDir,
    pipe: true,
    ...(extensionPath ? { enableExtensions: [extensionPath] } : {}),
    args: [...chromiumArgs(), ...(options.args ?? [])],
    defaultViewport: null,
    // No CDP call may wait puppeteer's default 180 s: a stuck browser fails the test quickly and says where.
    protocolTimeout: 30_000,
  });
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const browserName: BrowserName = options.browser ?? "chromium";
  const withExtension = options.extension ?? true;
  const extensionPath = withExtension
    ? (options.extensionPath ?? ensureExtensionBuilt({ browser: browserName }))
    : undefined;
  const headless = options.headless ?? process.env.CPS_BRIDGE_HEADFUL !== "1";
  const userDataDir = mkdtempSync(join(tmpdir(), `cps-bridge-${browserName}-`));
  const extensionUuid = newExtensionUuid();
  let browser: Browser;
  try {
    browser = await launchPuppeteer(browserName, options, headless, userDataDir, extensionUuid, extensionPath);
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const close = async () => {
    await browser.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };

  step("browser launched");
  const extensionId = browserName === "firefox" ? extensionUuid : CHROME_EXTENSION_ID;
  const base = browserName === "firefox" ? `moz-extension://${extensionId}/` : `chrome-extension://${extensionId}/`;
  /** Firefox: the kit's own extension tab through which the background page is reached (background-page.ts). */
  let probe: Page | undefined;
  if (withExtension && browserName === "firefox") {
    try {
      probe = await browser.newPage();
      await navigate(probe, browserName, base + BACKGROUND_PROBE_PAGE);
      const handle = backgroundPageHandle(probe);
      const deadline = Date.now() + 15_000;
      // The background page starts as the add-on installs; wait for its cpsBridge handle.
      while (!(await handle.evaluate(() => "cpsBridge" in globalThis).catch(() => false))) {
        if (Date.now() > deadline) throw new BrowserKitError("Firefox's background page did not start", "see dumpio");
        await new Promise((r) => setTimeout(r, 50));
      }
    } catch (e) {
      await close();
      throw e;
    }
  } else if (withExtension) {
    try {
      const target = await browser.waitForTarget(
        (t) => t.type() === "service_worker" && t.url().startsWith("chrome-extension://"),
        { timeout: 15_000 },
      );
      const id = new URL(target.url()).host;
      if (id !== CHROME_EXTENSION_ID) {
        throw new BrowserKitError(
          `the extension loaded with id ${id}, not ${CHROME_EXTENSION_ID}`,
          "the manifest `key` is missing: rebuild the extension (extension/wxt.config.ts)",
        );
      }
      await waitForActivatedWorker(browser, id);
    } catch (e) {
      await close();
      throw e;
    }
  }

  const openExtensionPage = async (path: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.setViewport(POPUP_VIEWPORT);
    await navigate(page, browserName, base + path.replace(/^\//, ""));
    return page;
  };

  const extensionPages = async (path: string): Promise<Page[]> => {
    const prefix = base + path.replace(/^\//, "");
    const found: Page[] = [];
    for (const page of await browser.pages()) {
      if (page === probe) continue;
      if ((await pageHref(page, browserName)).startsWith(prefix)) found.push(page);
    }
    return found;
  };

  const waitForExtensionPage: ExtensionBrowser["waitForExtensionPage"] = async (
    path,
    { exclude = new Set<Page>(), timeoutMs = 10_000 } = {},
  ) => {
    const prefix = base + path.replace(/^\//, "");
    if (browserName === "chromium") {
      const excluded = new Set([...exclude].map((p) => p.target()));
      const target = await browser.waitForTarget((t) => t.url().startsWith(prefix) && !excluded.has(t), {
        timeout: timeoutMs,
      });
      const page = await target.page();
      if (!page) throw new BrowserKitError(`${prefix} has no page`, "is it a page of the extension?");
      return page;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const page = (await extensionPages(path)).find((p) => !exclude.has(p));
      if (page) return page;
      if (Date.now() > deadline) throw new Error(`no extension page ${prefix} opened within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const waitForClose = async (page: Page, timeoutMs = 10_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    if (browserName === "chromium") {
      if (page.isClosed()) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => page.once("close", () => resolve())),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the page did not close within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      return;
    }
    for (;;) {
      if (page.isClosed()) return;
      const gone = await page.evaluate(() => false).catch((e: unknown) => /no such frame|closed/i.test(String(e)));
      if (gone) return;
      if (Date.now() > deadline) throw new Error(`the page did not close within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  // One handle for the kit's life: it finds the current worker at each call, so it survives restarts.
  let worker: Promise<ServiceWorkerHandle> | undefined;
  const serviceWorker = () => {
    if (probe) return Promise.resolve(backgroundPageHandle(probe));
    worker ??= serviceWorkerHandle(browser, extensionId).catch((e: unknown) => {
      worker = undefined;
      throw e;
    });
    return worker;
  };

  const kit: ExtensionBrowser = {
    browser,
    browserName,
    extensionId,
    extensionBase: base,
    extensionPages,
    waitForExtensionPage,
    waitForClose,
    openPopup: async () => {
      const page = await openExtensionPage("popup.html");
      await page.waitForSelector("main[data-situation]", { timeout: 10_000 });
      return page;
    },
    openExtensionPage,
    async pair({ agent, timeoutMs = 15_000 }) {
      const code = await agent.openPairing();
      const page = await openExtensionPage("pair.html");
      try {
        await page.waitForSelector("#pairing-code", { timeout: timeoutMs });
        await page.type("#pairing-code", code);
        await page.click('[data-action="pair-submit"]');
        const outcome = await page.waitForSelector('[data-pairing="done"], #pairing-error [data-error-code]', {
          timeout: timeoutMs,
        });
        const failed = await outcome?.evaluate((el) => el.getAttribute("data-error-code"));
        if (failed) {
          const text = await outcome?.evaluate((el) => el.textContent ?? "");
          throw new BrowserKitError(`pairing failed: ${failed} (${text})`, "check the agent and its pairing window");
        }
      } finally {
        await page.close().catch(() => {});
      }
    },
    serviceWorker,
    stopServiceWorker: async () => {
      if (browserName === "firefox") {
        throw new BrowserKitError(
          "Firefox's MV2 background page is persistent: there is no service worker to stop",
          "run this test on Chromium only",
        );
      }
      await stopServiceWorker(browser, extensionId);
    },
    async configure(settings) {
      const sw = await serviceWorker();
      await sw.evaluate(async (patch: Partial<ExtensionSettings>) => {
        type Local = { get(k: string): Promise<Record<string, unknown>>; set(v: object): Promise<void> };
        type Api = { storage: { local: Local } };
        // `browser` (promises) in Firefox's background page; `chrome` in Chromium's worker.
        const g = globalThis as unknown as { browser?: Api; chrome: Api };
        const local = (g.browser ?? g.chrome).storage.local;
        const got = await local.get("settings");
        await local.set({ settings: { ...((got.settings as object | undefined) ?? {}), ...patch } });
      }, settings);
    },
    async state() {
      const sw = await serviceWorker();
      return sw.evaluate(async () => {
        const g = globalThis as unknown as { cpsBridge?: { ready: Promise<void>; store: { get(): unknown } } };
        if (!g.cpsBridge) throw new Error("cpsBridge handle missing: is this the cps-bridge extension?");
        await g.cpsBridge.ready;
        return g.cpsBridge.store.get() as ExtensionStateLike;
      });
    },
    async waitForState(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ExtensionStateLike | undefined;
      for (;;) {
        last = await kit.state().catch(() => last);
        if (last && predicate(last)) return last;
        if (Date.now() > deadline) {
          throw new Error(`extension state did not match within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    cards: options.cards,
    close,
  };

  if (withExtension) {
    try {
      step("service worker up; applying settings");
      // Chromium's UI language here is en-US (Debian ships only that locale pack): French unless told otherwise,
      // since French is what doctors see.
      await kit.configure({ language: "fr", ...options.settings });
      step("settings applied");
      if (!options.keepWelcomeTab) {
        // The first-run pairing tab (extension/src/background/main.ts onInstalled) would count as a watching UI.
        const welcome = await waitForExtensionPage("pair.html", { timeoutMs: 3_000 }).catch(() => undefined);
        await welcome?.close().catch(() => {});
      }
    } catch (e) {
      await close();
      throw e;
    }
  }
  step("ready");
  return kit;
}

/** The situation a popup page shows (`data-situation`, extension/src/shared/situation.ts). */
export async function popupSituation(page: Page): Promise<string | null> {
  return page.$eval("main[data-situation]", (m) => m.getAttribute("data-situation"));
}

/** Waits until the popup shows `kind` (or one of `kinds`); returns the time it took in ms. */
export async function waitForSituation(page: Page, kinds: string | string[], timeoutMs = 10_000): Promise<number> {
  const list = Array.isArray(kinds) ? kinds : [kinds];
  const started = Date.now();
  const selector = list.map((k) => `main[data-situation="${k}"]`).join(", ");
  try {
    await page.waitForSelector(selector, { timeout: timeoutMs });
  } catch {
    const now = await popupSituation(page).catch(() => "unknown");
    throw new Error(`popup still shows "${now}" after ${timeoutMs} ms, expected ${list.join(" or ")}`);
  }
  return Date.now() - started;
}

/** The visible text of the popup's main element (what the doctor reads). */
export async function popupText(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as laid out, is what a doctor reads.
  return page.$eval("main", (m) => (m as HTMLElement).innerText);
}
