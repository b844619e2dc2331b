#!/usr/bin/env node
// Builds the shipped agent: one CommonJS file agent/dist/cps-bridge.cjs plus the smartcard N-API addon copied next
// to it (esbuild `--loader:.node=copy`, shared/research/feasibility.md §6). The result runs with `node
// cps-bridge.cjs …` from a directory with no node_modules, and is the main script of the single executable
// (scripts/package.mjs). Run: `npm run build -w agent`.
import { chmodSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "dist");

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { "cps-bridge": join(here, "src/cli/main.ts") },
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  loader: { ".node": "copy" },
  // `import.meta.url` is not defined in CommonJS; a few dependencies test for it, none need it in the bundle.
  define: { "import.meta.url": "__cps_bridge_import_meta_url" },
  // In a single executable (scripts/package.mjs) the main script's `require` only sees builtins: there it is
  // replaced by a require rooted at the executable, so `require("./x.node")` finds the addons shipped beside it.
  // (`var` may rebind the CommonJS wrapper's parameter; its initialiser still reads the original.) In a SEA
  // `__filename` is the executable, so the import.meta.url stand-in stays meaningful.
  banner: {
    js: [
      "#!/usr/bin/env node",
      "var require = (function (r) { var sea; try { sea = r('node:sea'); } catch (e) { return r; } return sea.isSea() ? r('node:module').createRequire(process.execPath) : r; })(require);",
      "const __cps_bridge_import_meta_url = require('url').pathToFileURL(__filename).href;",
    ].join("\n"),
  },
  sourcemap: false,
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
});
chmodSync(join(outdir, "cps-bridge.cjs"), 0o755);
const files = readdirSync(outdir);
if (!files.some((f) => f.endsWith(".node"))) {
  throw new Error("the smartcard addon was not copied next to the bundle (is the PC/SC binding imported?)");
}
const bytes = Object.values(result.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
process.stdout.write(`agent bundle: ${files.join(", ")} (${Math.round(bytes / 1024)} KiB)\n`);
