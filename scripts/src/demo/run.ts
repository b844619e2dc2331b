/**
 * `npm run demo`: the whole CPS-login slice on this machine — the test bench (real pcscd + vpcd) with a virtual card,
 * the real agent in test mode, the mock ViaTrajectoire portal, and Chromium with the cps-bridge extension, paired,
 * on the médecin libéral login page.
 *
 *  - With a display (DISPLAY / WAYLAND_DISPLAY) the browser window stays open for you: click « Se connecter avec
 *    ma carte CPS », type the PIN (1234) in the extension's window; Ctrl-C stops everything.
 *  - Without one (a server, CI) it runs headless and walks the steps itself — login page with the assistant's panel,
 *    the click, the PIN window, the dashboard (or, for a card that cannot log in, the panel's explanation) — saving a
 *    screenshot of each step and printing its path.
 *
 *   npm run demo                                   # CPS3, portal accepting cps-bridge tokens
 *   npm run demo -- --profile vitale2              # any test bench profile, or `none` for an empty reader
 *   npm run demo -- --mode real                    # today's portal: pre-flight and failure-page takeover
 *   npm run demo -- --headless                     # headless even where a display exists
 *
 * Exit code 0 when the walk-through reached what the card allows (dashboard, or the expected explanation), 1 when
 * a step failed (the message says which), 2 for bad options.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import type { Page } from "puppeteer-core";
import { ARTIFACTS_DIR, screenshot } from "../browser/index";
import { PROFILES, type ProfileName } from "../testbed/cards/virtual-card";
import { clickInPanel, type PanelInfo, portalScreenshot, readPanel, waitForPanel } from "./assistant-page";
import { nextPinWindow, typePin } from "./pin-window";
import { type Slice, startSlice } from "./slice";

/** The test bench's default PIN (scripts/src/testbed/profiles.ts). */
const DEMO_PIN = "1234";

type DemoProfile = ProfileName | "none";

interface DemoOptions {
  profile: DemoProfile;
  mode: "token" | "real";
  headless: boolean;
}

function parseProfile(value: string): DemoProfile {
  if (value === "none" || (PROFILES as readonly string[]).includes(value)) return value as DemoProfile;
  throw new InvalidArgumentError(`unknown profile; one of: none, ${PROFILES.join(", ")}`);
}

function parseOptions(argv: string[]): DemoOptions {
  const program = new Command("npm run demo")
    .description("Test bench + agent + mock ViaTrajectoire portal + Chromium with cps-bridge, on the login page")
    .addOption(new Option("--profile <profile>", "card in reader 0").default("cps3").argParser(parseProfile))
    .addOption(new Option("--mode <mode>", "portal card login").choices(["token", "real"]).default("token"))
    .option("--headless", "no browser window, even where a display exists")
    .exitOverride((e) => {
      process.exit(e.exitCode === 0 ? 0 : 2);
    });
  program.parse(argv);
  const o = program.opts<{ profile: DemoProfile; mode: "token" | "real"; headless?: boolean }>();
  const display = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  return { profile: o.profile, mode: o.mode, headless: o.headless === true || !display };
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The panel's settled state: the card has been read (not "connecting" or "reading"). */
function waitSettled(page: Page): Promise<PanelInfo> {
  return waitForPanel(
    page,
    "login",
    (p) => !["agent-connecting", "card-reading"].includes(p.data.situation ?? "") && p.data.situation !== undefined,
    20_000,
  );
}

async function shot(page: Page, step: string, o: DemoOptions, kind?: "login" | "preflight" | "failure") {
  const path = await portalScreenshot(page, `demo-${o.profile}-${o.mode}-${step}`, kind);
  say(`    screenshot: ${path}`);
}

/** Token portal: one click, the PIN in the extension's window, the dashboard. */
async function walkTokenLogin(s: Slice, page: Page, o: DemoOptions): Promise<void> {
  const pinOpened = nextPinWindow(s.kit.browser);
  await clickInPanel(page, "login", '[data-action="cps-login"]');
  say("  2. click on « Se connecter avec ma carte CPS »: the PIN is asked in the extension's own window");
  const pin = await pinOpened;
  await waitForPanel(page, "login", (p) => p.data.phase === "waiting-pin");
  await shot(page, "02-waiting-pin", o, "login");
  const pinShot = await screenshot(pin, `demo-${o.profile}-${o.mode}-03-pin-window`);
  say(`  3. PIN window (origin taken from the tab, holder, tries left)\n    screenshot: ${pinShot}`);
  const navigated = page.waitForNavigation({ timeout: 20_000 });
  await typePin(pin, DEMO_PIN);
  await navigated;
  await page.waitForFunction(() => document.readyState === "complete");
  if (!s.isDashboard(page.url())) {
    const refused = await readPanel(page, "login");
    throw new Error(`no dashboard after the PIN: ${page.url()}\n${refused?.text ?? ""}`);
  }
  say(`  4. dashboard: ${page.url()}`);
  await shot(page, "04-dashboard", o);
}

/** Today's portal: a real click on its own card button — stopped by the pre-flight, or on to the next page. */
async function walkRealPortal(page: Page, o: DemoOptions): Promise<void> {
  say("  2. click on the portal's own « Se connecter par carte CPS »");
  const navigated = page.waitForNavigation({ timeout: 5_000 }).then(
    () => true,
    () => false,
  );
  await page.click("#btnCPS");
  if (!(await navigated)) {
    const stop = await waitForPanel(page, "preflight", () => true, 5_000);
    say(`  3. stopped before the portal's failure:\n${indent(stop.text)}`);
    await shot(page, "03-preflight", o, "preflight");
    return;
  }
  await page.waitForFunction(() => document.readyState === "complete");
  const takeover = await readPanel(page, "failure").catch(() => undefined);
  if (takeover) say(`  3. the portal's failure page, explained:\n${indent(takeover.text)}`);
  else say(`  3. ${page.url()}`);
  await shot(page, "03-after-click", o, takeover ? "failure" : undefined);
}

/** The panel's text as the doctor reads it, one line per line of the box. */
function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && l !== "·")
    .map((l) => `       ${l}`)
    .join("\n");
}

async function walkThrough(s: Slice, o: DemoOptions): Promise<void> {
  const page = await s.openLogin();
  const panel = await waitSettled(page);
  say(`  1. login page ${s.loginUrl}\n     assistant (${panel.data.situation}):\n${indent(panel.text)}`);
  await shot(page, "01-login-page", o, "login");
  if (o.mode === "real") return walkRealPortal(page, o);
  if (panel.data.readiness === "can-login") return walkTokenLogin(s, page, o);
  say("  → this card cannot log in: the assistant says why, and no login is attempted.");
  if (s.tokenPosts() !== 0) throw new Error("a login was attempted with a card that cannot log in");
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  say(
    `cps-bridge demo — card: ${o.profile}, mock portal: ${o.mode} mode, ${o.headless ? "headless (screenshots)" : "browser window"}`,
  );
  let s: Slice | undefined;
  let failed = false;
  try {
    s = await startSlice({
      mode: o.mode,
      headless: o.headless,
      privateTestbedState: true,
      log: (l) => say(`  · ${l}`),
    });
    if (o.profile !== "none") await s.tb.insert(0, o.profile);
    say(`  · card: ${o.profile === "none" ? "reader 0 left empty" : `${o.profile} in reader 0`}`);
    if (o.headless) {
      await walkThrough(s, o);
      say(`done. Screenshots in ${ARTIFACTS_DIR}`);
    } else {
      const page = await s.openLogin();
      await waitSettled(page).catch(() => undefined);
      say(`Chromium is on ${s.loginUrl}`);
      say(`Click « Se connecter avec ma carte CPS » and type the PIN ${DEMO_PIN} in the cps-bridge window.`);
      say("Ctrl-C stops everything (browser, mock portal, agent, test bench).");
      const browser = s.kit.browser;
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
        browser.once("disconnected", resolve);
      });
    }
  } catch (e) {
    failed = true;
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
  } finally {
    await s?.stop();
  }
  process.exit(failed ? 1 : 0);
}

void main();
