#!/usr/bin/env node
// The one release number of cps-bridge is the root package.json `version` (docs/packaging-extension.md "Versions").
// npm needs a copy in each workspace's package.json (WXT reads extension/package.json for the manifest version, the
// agent prints agent/package.json's, protocol exports protocol/package.json's as RELEASE_VERSION), and the
// workspaces name each other at that exact version. This script writes those copies:
//   node scripts/set-version.mjs 0.2.0   sets 0.2.0 everywhere (root included), then refreshes package-lock.json
//   node scripts/set-version.mjs         copies the root version into the workspaces
//   node scripts/set-version.mjs --check exits 1, listing each drift, when a copy differs (no write)
// scripts/src/package/version-sync.test.ts fails on any drift.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = process.argv[2];
const check = arg === "--check";
const rootPkg = readJson("package.json");
const version = arg && !check ? arg : rootPkg.version;
if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) {
  process.stderr.write(`not a release number: ${version}\n`);
  process.exit(64);
}

const drifts = [];
const files = ["package.json", ...rootPkg.workspaces.map((w) => `${w}/package.json`)];
for (const file of files) {
  const pkg = readJson(file);
  let changed = false;
  if (pkg.version !== version) {
    drifts.push(`${file}: version ${pkg.version}`);
    pkg.version = version;
    changed = true;
  }
  for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
    for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
      if (name.startsWith("@cps-bridge/") && spec !== version) {
        drifts.push(`${file}: ${field}.${name} ${spec}`);
        pkg[field][name] = version;
        changed = true;
      }
    }
  }
  if (changed && !check) writeFileSync(join(root, file), `${JSON.stringify(pkg, null, 2)}\n`);
}

if (check) {
  for (const d of drifts) process.stdout.write(`drift (root says ${version}): ${d}\n`);
  process.exit(drifts.length === 0 ? 0 : 1);
}
if (drifts.length > 0) {
  // The lock file records each workspace's version: refresh it without installing anything.
  const r = spawnSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
process.stdout.write(`cps-bridge ${version}: ${drifts.length} change(s)\n`);

function readJson(file) {
  return JSON.parse(readFileSync(join(root, file), "utf8"));
}
