#!/usr/bin/env node
// `npm run package -w extension`: the store packages in extension/.output/ (docs/packaging-extension.md):
//   cps-bridge-<version>-chrome.zip   Chrome Web Store and Edge Add-ons (MV3)
//   cps-bridge-<version>-firefox.zip  addons.mozilla.org (MV2)
//   cps-bridge-<version>-sources.zip  the sources AMO asks for, which rebuild the Firefox package alone
// plus SHA256SUMS. WXT's zip writer (@aklinker1/zero-zip) sorts the files and writes no date, so the same commit
// and lock file give byte-identical zips; the build itself holds no path or time (tested in
// scripts/src/package/extension-package.itest.ts). Prints one JSON line: each file's bytes and sha256, and the time.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, ".output");
const started = Date.now();

// Old zips of another version would otherwise sit beside the new ones.
for (const f of safeList(out)) if (f.endsWith(".zip") || f === "SHA256SUMS") rmSync(join(out, f));

// NODE_ENV=production whatever the caller's: under NODE_ENV=test (vitest) or development the JSX transform is the
// development one, which writes each component's absolute file path into the bundle.
const env = { ...process.env, NODE_ENV: "production" };
for (const args of [["zip"], ["zip", "-b", "firefox"]]) {
  const r = spawnSync("npx", ["wxt", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}\n${r.stderr}\nwxt ${args.join(" ")} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

const files = safeList(out)
  .filter((f) => f.endsWith(".zip"))
  .sort()
  .map((name) => {
    const bytes = readFileSync(join(out, name));
    return { name, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  });
writeFileSync(join(out, "SHA256SUMS"), files.map((f) => `${f.sha256}  ${f.name}\n`).join(""));
process.stdout.write(`${JSON.stringify({ outDir: out, files, ms: Date.now() - started })}\n`);

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
