/**
 * Second global setup of the vitest `e2e` project (after the test bench's): builds the Chrome MV3 and the Firefox MV2
 * extension once per run if missing or older than their sources, and hands their paths to the tests
 * (`inject("extensionPath")`, `inject("firefoxExtensionPath")`; launchBrowser() finds them by itself too).
 */
import type { TestProject } from "vitest/node";
import { ensureExtensionBuilt } from "./extension-build";

declare module "vitest" {
  export interface ProvidedContext {
    extensionPath: string;
    firefoxExtensionPath: string;
  }
}

export default function setup(project: TestProject): void {
  const started = Date.now();
  const path = ensureExtensionBuilt({ log: (m) => process.stdout.write(`[e2e] ${m}\n`) });
  process.stdout.write(`[e2e] extension ready at ${path} (${Date.now() - started} ms)\n`);
  project.provide("extensionPath", path);
  const firefoxStarted = Date.now();
  const firefoxPath = ensureExtensionBuilt({ browser: "firefox", log: (m) => process.stdout.write(`[e2e] ${m}\n`) });
  process.stdout.write(`[e2e] Firefox extension ready at ${firefoxPath} (${Date.now() - firefoxStarted} ms)\n`);
  project.provide("firefoxExtensionPath", firefoxPath);
}
