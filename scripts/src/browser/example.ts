/**
 * The complete example of docs/testing-with-puppeteer.md, runnable as is from the repository root:
 *
 *   flock /tmp/cps-bridge-pcsc.lock npx tsx scripts/src/browser/example.ts
 *
 * Test bench up (virtual CPS3 behind the real pcscd) → agent started in test mode → Chromium with the extension →
 * paired → card inserted → the popup shows the holder → card removed → the popup says so. Screenshots go to
 * test-artifacts/. With a test bench already started by `npx cps-testbed up`, pass `--daemon` to use it instead.
 */
import { TestbedClient } from "../testbed/client";
import { Testbed } from "../testbed/index";
import { startAgent } from "./agent-process";
import { screenshot } from "./artifacts";
import { launchBrowser, popupText, waitForSituation } from "./launch";

export async function runExample({ daemon = false } = {}): Promise<{ holderLine: string; screenshots: string[] }> {
  // 1. The test bench: in-process, or the daemon of `npx cps-testbed up`.
  const tb = daemon ? undefined : await Testbed.start();
  const cards = tb ?? TestbedClient.fromStateDir();
  const anchors = tb ? tb.trustAnchorsPath : (await (cards as TestbedClient).status()).trustAnchorsPath;
  // 2. The agent, in test mode (it accepts the test bench's PKI), on a free port, with a private home.
  const agent = await startAgent({ testAnchors: anchors });
  // 3. Chromium with the extension, told where the agent listens.
  const kit = await launchBrowser({ settings: { agentPort: agent.port }, cards });
  const screenshots: string[] = [];
  try {
    // 4. Pairing: `cps-bridge pair` opens a window and prints a code; the kit types it into the pairing page.
    await kit.pair({ agent });
    // 5. A CPS3 card in the first reader.
    await cards.insert(0, "cps3", {
      holder: { nationalId: "810101234567", surname: "MARTIN", givenName: "Claire", profession: "Médecin" },
    });
    // 6. The popup shows the holder.
    const popup = await kit.openPopup();
    await waitForSituation(popup, "ready");
    const text = await popupText(popup);
    if (!text.includes("Claire MARTIN")) throw new Error(`the popup does not show the holder:\n${text}`);
    screenshots.push(await screenshot(popup, "example-ready"));
    // 7. The card leaves the reader: the popup follows.
    await cards.remove(0);
    await waitForSituation(popup, "no-card");
    screenshots.push(await screenshot(popup, "example-no-card"));
    return { holderLine: text.split("\n").find((l) => l.includes("MARTIN")) ?? "", screenshots };
  } finally {
    await kit.close();
    await agent.close();
    if (tb) await tb.stop();
    else await (cards as TestbedClient).remove(0).catch(() => {});
  }
}

// Run directly (not when imported by example.e2e.ts).
if (process.argv[1]?.endsWith("example.ts")) {
  const r = await runExample({ daemon: process.argv.includes("--daemon") });
  console.log(`OK — the popup showed "${r.holderLine}"; screenshots: ${r.screenshots.join(", ")}`);
}
