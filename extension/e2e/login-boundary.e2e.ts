/**
 * The page cannot drive the login (issue 6, point 4), in real Chromium with the real agent and the mock portal:
 * - a script of the portal page itself (same origin) cannot see inside the assistant (closed shadow root), cannot
 *   click its button (synthetic events are not trusted), cannot message it (it listens to no `message`), cannot stop
 *   it (WXT's forgeable "script started" event has no hold on it), and reads neither the card state nor the PIN;
 * - a page on another origin that frames or opens the portal and posts messages at it obtains nothing;
 * - the portal served on an origin that is not enabled in the options gets no assistant at all.
 * "Nothing" = no PIN window, no token POST reaching the portal, no panel state change.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e extension/e2e/login-boundary.e2e.ts
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CHROME_EXTENSION_ID } from "@cps-bridge/protocol/extension-ids";
import { clickInPanel, readPanel, waitForPanel, waitForPanelSituation } from "@cps-bridge/scripts/demo/assistant-page";
import type { Slice } from "@cps-bridge/scripts/demo/slice";
import type { Page } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { card, logout, nextPinWindow, PIN, pinTargets, sleep, startLoginSlice, typePin } from "./login-helpers";

let s: Slice;
let attacker: Server;
let attackerOrigin: string;
const pages: Page[] = [];

/** Everything a hostile script would try, aimed at a content script that exposes a message API. */
const HOSTILE_MESSAGES = (nonce: string) => [
  { type: "login.requestToken", challengeNonce: nonce },
  { type: "login.requestToken", challengeNonce: nonce, origin: "https://trajectoire.sante-ra.fr" },
  { action: "web-eid:authenticate", challengeNonce: nonce },
  { type: "cps-bridge:login", nonce },
  { source: "cps-bridge", command: "login", challengeNonce: nonce },
  "login.requestToken",
  JSON.stringify({ type: "login.requestToken", challengeNonce: nonce }),
];

beforeAll(async () => {
  s = await startLoginSlice({ mode: "token" });
  await card(s, "cps3");
  // A page on another origin (127.0.0.1:<other port>) that frames the portal and opens it, then posts at both.
  attacker = createServer((_req, res) => {
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html><body>
<button id="open">ouvrir</button>
<iframe id="f" src=${JSON.stringify(s.loginUrl)} width="900" height="700"></iframe>
<script>
  const portal = ${JSON.stringify(s.loginUrl)};
  document.getElementById("open").addEventListener("click", () => { window.__w = window.open(portal, "portal"); });
  window.__spam = (messages) => {
    const targets = [document.getElementById("f").contentWindow, window.__w].filter(Boolean);
    for (let i = 0; i < 20; i++) for (const t of targets) for (const m of messages) t.postMessage(m, "*");
  };
</script></body></html>`);
  });
  await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", () => r()));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await s?.stop();
  // The framed and opened pages kept keep-alive sockets: close them, or close() waits for their timeout.
  attacker?.closeAllConnections();
  await new Promise((r) => attacker?.close(r));
});

afterEach(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => {});
  for (const t of pinTargets(s)) await (await t.page())?.close().catch(() => {});
  await logout(s);
});

async function newPage(): Promise<Page> {
  const page = await s.kit.browser.newPage();
  pages.push(page);
  await page.setViewport({ width: 1100, height: 900 });
  return page;
}

/** Nothing was attempted: no PIN window within `ms`, no token POST, the panel idle and unchanged. */
async function assertNothingHappened(page: Page, postsBefore: number, ms = 2_000) {
  await sleep(ms);
  expect(pinTargets(s)).toHaveLength(0);
  expect(s.tokenPosts()).toBe(postsBefore);
  const panel = await readPanel(page, "login");
  expect(panel?.data.phase).toBe("idle");
  expect(panel?.data.situation).toBe("ready");
}

describe("a script of the portal page itself", () => {
  it("cannot see inside the assistant, click it, message it, stop it, or read the card state", async () => {
    const page = await newPage();
    // Recorded from the first script of the page: messages the content script might post to the page.
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { __seen: unknown[] };
      w.__seen = [];
      window.addEventListener("message", (e) => w.__seen.push(e.data), true);
    });
    await page.goto(s.loginUrl, { waitUntil: "load" });
    await waitForPanelSituation(page, "ready", "login", 15_000);
    const posts = s.tokenPosts();

    const seen = await page.evaluate(
      async (extId: string, messages: unknown[]) => {
        const out: Record<string, unknown> = {};
        const w = window as unknown as { __seen: unknown[]; chrome?: { runtime?: { sendMessage?: unknown } } };
        out.messagesFromContentScript = w.__seen.length;
        const host = document.querySelector("cps-bridge-assistant") as HTMLElement;
        out.hostFound = host !== null;
        out.shadowRoot = host.shadowRoot; // closed: null
        out.hostText = host.textContent; // light DOM of the host: empty
        out.pageSeesHolder =
          document.body.textContent!.includes("TESTCPS") || document.documentElement.outerHTML.includes("TESTCPS");
        out.runtime = typeof w.chrome?.runtime?.sendMessage; // no externally_connectable: no API at all
        out.globals = Object.keys(window).filter((k) => /cps|bridge|wxt/i.test(k) && k !== "__seen");
        // Synthetic events at the assistant: on the host, and where the login button is drawn.
        const r = host.getBoundingClientRect();
        for (const type of ["pointerdown", "mousedown", "mouseup", "click"]) {
          host.dispatchEvent(
            new MouseEvent(type, { bubbles: true, composed: true, clientX: r.x + 40, clientY: r.bottom - 60 }),
          );
        }
        host.click();
        const atPoint = document.elementFromPoint(r.x + 40, r.bottom - 60);
        out.elementFromPoint = atPoint?.tagName.toLowerCase();
        (atPoint as HTMLElement | null)?.click();
        host.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, composed: true }));
        // Messages a content script with a page API would take.
        const nonce = document.querySelector<HTMLMetaElement>('meta[name="cps-bridge-challenge"]')!.content;
        for (const m of messages.length ? messages : []) window.postMessage(m, "*");
        for (let i = 0; i < 5; i++)
          window.postMessage({ type: "login.requestToken", challengeNonce: nonce }, location.origin);
        // WXT's "a newer copy of this content script started" event, forged: it would stop a WXT ctx-bound script.
        document.dispatchEvent(
          new CustomEvent(`${extId}:portal:wxt:content-script-started`, {
            detail: { contentScriptName: "portal", messageId: "forged" },
          }),
        );
        await new Promise((r2) => setTimeout(r2, 200));
        out.hostStillThere = document.querySelector("cps-bridge-assistant") !== null;
        return out;
      },
      CHROME_EXTENSION_ID,
      HOSTILE_MESSAGES(await page.$eval('meta[name="cps-bridge-challenge"]', (m) => (m as HTMLMetaElement).content)),
    );
    expect(seen).toEqual({
      messagesFromContentScript: 0,
      hostFound: true,
      shadowRoot: null,
      hostText: "",
      pageSeesHolder: false,
      runtime: "undefined",
      globals: [],
      elementFromPoint: "cps-bridge-assistant",
      hostStillThere: true,
    });
    await assertNothingHappened(page, posts);
    // And the assistant still works for the doctor: a real click opens the PIN window.
    const opened = nextPinWindow(s);
    await clickInPanel(page, "login", '[data-action="cps-login"]');
    await (await opened).close();
    await waitForPanel(page, "login", (p) => p.data.phase === "failed");
  });

  it("never receives the PIN: typed in the extension's window, not one key event reaches the page", async () => {
    const page = await newPage();
    const keys: string[] = [];
    // A binding survives navigations: the page's key logger reports every key it sees, until the dashboard.
    await page.exposeFunction("__keylog", (k: string) => keys.push(k));
    await page.evaluateOnNewDocument(() => {
      const log = (e: KeyboardEvent) => (window as unknown as { __keylog(k: string): void }).__keylog(e.key);
      for (const t of ["keydown", "keypress", "keyup", "input"]) {
        window.addEventListener(t, log as EventListener, true);
        document.addEventListener(t, log as EventListener, true);
      }
    });
    await page.goto(s.loginUrl, { waitUntil: "load" });
    await waitForPanelSituation(page, "ready", "login", 15_000);
    const opened = nextPinWindow(s);
    await clickInPanel(page, "login", '[data-action="cps-login"]');
    const pin = await opened;
    expect(pin.url()).toMatch(new RegExp(`^chrome-extension://${CHROME_EXTENSION_ID}/pin\\.html\\?request=`));
    const navigated = page.waitForNavigation({ timeout: 20_000 });
    await typePin(pin, PIN);
    await navigated;
    expect(page.url()).toMatch(/\/MedecinLiberal\/TDB/);
    expect(keys).toEqual([]);
  });
});

describe("a page on another origin", () => {
  it("framing and opening the portal and posting messages at it obtains nothing", async () => {
    const page = await newPage();
    await page.goto(attackerOrigin, { waitUntil: "load" });
    // The framed portal: the content script runs in top-level frames only (and the background refuses sub-frames).
    const frame = page.frames().find((f) => f.url().startsWith(s.origin));
    expect(frame).toBeDefined();
    await frame!.waitForSelector("#btnCPS");
    await sleep(500);
    expect(await frame!.evaluate(() => document.querySelector("cps-bridge-assistant") !== null)).toBe(false);
    expect(await readPanel(page, "login")).toBeUndefined();
    // The opened portal window (top level, enabled origin) has its assistant, ready.
    const popupTarget = s.kit.browser.waitForTarget(
      (t) => t.url().startsWith(s.loginUrl.split("?")[0]!) && t.type() === "page",
    );
    await page.click("#open");
    const popup = (await (await popupTarget).page())!;
    pages.push(popup);
    await waitForPanelSituation(popup, "ready", "login", 15_000);
    const posts = s.tokenPosts();
    const nonce = await popup.$eval('meta[name="cps-bridge-challenge"]', (m) => (m as HTMLMetaElement).content);
    await page.evaluate((messages: unknown[]) => {
      (window as unknown as { __spam(m: unknown[]): void }).__spam(messages);
    }, HOSTILE_MESSAGES(nonce));
    await assertNothingHappened(popup, posts);
  });

  it("the portal on an origin the options do not enable gets no assistant", async () => {
    const page = await newPage();
    const other = s.loginUrl.replace("http://localhost:", "http://127.0.0.1:");
    await page.goto(other, { waitUntil: "load" });
    await page.waitForSelector("#btnCPS");
    await sleep(1_000);
    expect(await page.evaluate(() => document.querySelector("cps-bridge-assistant"))).toBeNull();
  });
});
