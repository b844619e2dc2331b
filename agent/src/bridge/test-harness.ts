/**
 * Starts a real BridgeServer on a free 127.0.0.1 port with private temp config files, for tests and the benchmark.
 * The card service is whatever the caller passes (the FakeCardService for transport tests, the real one over the
 * test bench for card tests). `openPairing` opens a window the way `cps-bridge pair`
 * does and returns its code, so a test can pair without scraping the CLI.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import pino from "pino";
import type { CardService } from "../card-service";
import { type AgentConfig, defaultConfig } from "../config";
import { loadOrCreateAgentKey } from "./agent-key";
import { PairingStore } from "./pairing-store";
import { BridgeServer } from "./server";
import { type BridgeTestClient, CHROME_ORIGIN, type ClientIdentity } from "./test-client";

export interface TestBridge {
  server: BridgeServer;
  port: number;
  dir: string;
  config: AgentConfig;
  /** Opens a pairing window and returns its code. */
  openPairing(): string;
  /** hello + pair + authenticate on `client`. */
  pairAndAuth(client: BridgeTestClient, origin?: string): Promise<ClientIdentity>;
  close(): Promise<void>;
}

export interface TestBridgeOptions {
  cardService: CardService;
  configure?: (c: AgentConfig) => void;
  log?: Logger;
}

export async function startTestBridge(options: TestBridgeOptions): Promise<TestBridge> {
  const dir = mkdtempSync(join(tmpdir(), "cps-bridge-test-"));
  const config = defaultConfig();
  config.port = 0;
  config.testMode = true;
  options.configure?.(config);
  const server = new BridgeServer({
    config,
    cardService: options.cardService,
    pairings: new PairingStore(join(dir, "pairings.json")),
    agentKey: loadOrCreateAgentKey(join(dir, "agent-key.json")),
    log: options.log ?? pino({ level: "silent" }),
    agentVersion: "0.0.0-test",
  });
  const port = await server.start();
  const openPairing = () => server.openPairingWindow().code;
  return {
    server,
    port,
    dir,
    config,
    openPairing,
    async pairAndAuth(client, origin = CHROME_ORIGIN) {
      await client.hello();
      const code = openPairing();
      const id = await client.pair(code);
      await client.authenticate(id, port, origin);
      return id;
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
