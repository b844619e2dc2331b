/**
 * Second global setup of the vitest `e2e` project (after the test bench's): builds the Chrome MV3 extension once
 * per run if it is missing or older than its sources, and hands its path to the tests
 * (`inject("extensionPath")`; launchBrowser() finds it by itself too).
 */
import type { TestProject } from "vitest/node";
import { ensureExtensionBuilt } from "./extension-build";

declare module "vitest" {
  export interface ProvidedContext {
    extensionPath: string;
  }
}

export default function setup(project: TestProject): void {
  const started = Date.now();
  const path = ensureExtensionBuilt({ log: (m) => process.stdout.write(`[e2e] ${m}\n`) });
  process.stdout.write(`[e2e] extension ready at ${path} (${Date.now() - started} ms)\n`);
  project.provide("extensionPath", path);
}
