/**
 * # The cps-bridge Puppeteer kit
 *
 * Drives Debian Chromium with the cps-bridge extension loaded, through puppeteer-core — no card reader needed when
 * paired with the test bench's virtual cards (docs/testing-with-puppeteer.md has a complete example).
 *
 * ```ts
 * const kit = await launchBrowser({ extension: true });
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
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROME_EXTENSION_ID } from "@cps-bridge/protocol/extension-ids";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import type { TestbedClient } from "../testbed/client";
import type { Testbed } from "../testbed/index";
import { BrowserKitError, chromiumArgs, findChromium } from "./chromium";
import { ensureExtensionBuilt } from "./extension-build";
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
  /** Load the cps-bridge extension (default true). */
  extension?: boolean;
  /** Default true; `CPS_BRIDGE_HEADFUL=1` shows the window where a display exists. */
  headless?: boolean;
  /** A built chrome-mv3 directory; default: extension/.output/chrome-mv3, built if missing or stale. */
  extensionPath?: string;
  /** Settings applied before the test starts (the worker reconnects at once on a port change). */
  settings?: Partial<ExtensionSettings>;
  /** Card controls exposed as `kit.cards`. */
  cards?: CardBench;
  /** Extra Chromium switches. */
  args?: string[];
  /** Keep the auto-opened first-run pairing tab (default false: closed, so no page watches the state). */
  keepWelcomeTab?: boolean;
}

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** The popup, opened as a tab (what the toolbar button shows), 380 px wide. */
  openPopup(): Promise<Page>;
  /** Any extension page: `pair.html`, `options.html`, `pin.html?request=…` */
  openExtensionPage(path: string): Promise<Page>;
  /** Opens a pairing window on `agent` and types its code into the pairing page; resolves once authenticated. */
  pair(options: { agent: PairableAgent; timeoutMs?: number }): Promise<void>;
  /** The running service worker (started if needed by opening nothing: it runs from launch). */
  serviceWorker(): Promise<ServiceWorkerHandle>;
  /** Stops the service worker like Chrome's 30 s idle stop (CDP ServiceWorker.stopWorker). */
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

export async function launchBrowser(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const withExtension = options.extension ?? true;
  const extensionPath = withExtension ? (options.extensionPath ?? ensureExtensionBuilt()) : undefined;
  const headless = options.headless ?? process.env.CPS_BRIDGE_HEADFUL !== "1";
  const userDataDir = mkdtempSync(join(tmpdir(), "cps-bridge-chromium-"));
  step(`launching ${findChromium()} (extension: ${extensionPath ?? "none"})`);
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
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
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const close = async () => {
    await browser.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };

  step("browser launched");
  const extensionId = CHROME_EXTENSION_ID;
  if (withExtension) {
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

  const base = `chrome-extension://${extensionId}/`;

  const openExtensionPage = async (path: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.setViewport(POPUP_VIEWPORT);
    await page.goto(base + path.replace(/^\//, ""), { waitUntil: "load" });
    return page;
  };

  // One handle for the kit's life: it finds the current worker at each call, so it survives restarts.
  let worker: Promise<ServiceWorkerHandle> | undefined;
  const serviceWorker = () => {
    worker ??= serviceWorkerHandle(browser, extensionId).catch((e: unknown) => {
      worker = undefined;
      throw e;
    });
    return worker;
  };

  const kit: ExtensionBrowser = {
    browser,
    extensionId,
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
    stopServiceWorker: () => stopServiceWorker(browser, extensionId),
    async configure(settings) {
      const sw = await serviceWorker();
      await sw.evaluate(async (patch: Partial<ExtensionSettings>) => {
        type Local = { get(k: string): Promise<Record<string, unknown>>; set(v: object): Promise<void> };
        const local = (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage.local;
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
        const welcome = await browser
          .waitForTarget((t) => t.url() === `${base}pair.html`, { timeout: 3_000 })
          .catch(() => undefined);
        await (await welcome?.page())?.close().catch(() => {});
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
