import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * One vitest run for the whole repository, in three groups run one after the other:
 *  0. unit tests (`*.test.ts`, in-process fakes allowed) of every package, and the extension's own project;
 *  1. integration tests (`*.itest.ts`) against the real pcscd + vpcd + our virtual cards, one file at a time
 *     because only one pcscd can run per machine;
 *  2. end-to-end tests (`*.e2e.ts`) in Debian Chromium (and Firefox ESR for the files that list both browsers)
 *     with the built extension, one file at a time.
 * The closing `N passed, N failed` line is printed by scripts/run-tests.mjs.
 */
const shared = ["protocol", "agent", "scripts"].map((p) => `${p}/**`);
const existing = (files: string[]) => files.filter((f) => existsSync(f));
const ignore = ["**/node_modules/**", "**/dist/**", "**/.output/**", "**/.wxt/**"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: shared.map((p) => `${p}/*.test.ts`),
          exclude: ignore,
          sequence: { groupOrder: 0 },
        },
      },
      ...(existsSync("extension/vitest.config.ts") ? ["extension/vitest.config.ts"] : []),
      {
        test: {
          name: "integration",
          include: shared.map((p) => `${p}/*.itest.ts`),
          exclude: ignore,
          globalSetup: existing(["scripts/src/testbed/vitest-global-setup.ts"]),
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "e2e",
          include: [...shared, "extension/**"].map((p) => `${p}/*.e2e.ts`),
          exclude: ignore,
          globalSetup: existing([
            "scripts/src/testbed/vitest-global-setup.ts",
            "scripts/src/browser/vitest-global-setup.ts",
          ]),
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
