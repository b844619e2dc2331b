/**
 * The extension's unit tests (project "extension" of the root vitest config, run with the other unit tests in
 * group 0). WxtVitest applies wxt.config.ts and replaces `wxt/browser` with @webext-core/fake-browser (in-memory
 * storage, windows, action, runtime.onMessage); fake-indexeddb provides IndexedDB for the pairing store.
 * Component tests opt into happy-dom with `// @vitest-environment happy-dom`.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

export default defineConfig({
  // The root given explicitly: the root vitest config runs this project from the repository root.
  plugins: [WxtVitest({ root: fileURLToPath(new URL(".", import.meta.url)) })],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  test: {
    name: "extension",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    exclude: ["**/node_modules/**", "**/.output/**", "**/.wxt/**"],
    setupFiles: ["fake-indexeddb/auto"],
    sequence: { groupOrder: 0 },
    // Spies never leak from one test into the next.
    restoreMocks: true,
  },
});
