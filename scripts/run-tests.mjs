#!/usr/bin/env node
// `npm test`: type-check, lint, then every vitest project (unit, extension, integration, e2e) in one run.
// CI does not read vitest's own summary, so this prints the plain closing line `N passed, N failed`,
// counting each test, plus each type-check and the lint as one check each.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;

function check(name, cmd, args) {
  process.stdout.write(`\n== ${name}: ${cmd} ${args.join(" ")}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status === 0) passed++;
  else {
    failed++;
    process.stdout.write(`== ${name} FAILED (exit ${r.status ?? r.signal})\n`);
  }
}

if (extraArgs.length === 0) {
  check("typecheck", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
  check("typecheck extension", "npx", ["tsc", "-p", "extension/tsconfig.json", "--noEmit"]);
  check("lint", "npx", ["biome", "check", "."]);
}

const dir = mkdtempSync(join(tmpdir(), "cps-bridge-vitest-"));
const report = join(dir, "report.json");
const v = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extraArgs],
  { stdio: "inherit" },
);
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A suite that failed to load (syntax error, failing hook) has no test counted: count it as a failure.
  for (const f of r.testResults ?? []) if (f.status === "failed" && (f.assertionResults ?? []).length === 0) failed++;
  if (r.numTotalTests === 0) {
    process.stdout.write("vitest ran no test\n");
    failed++;
  }
} catch (e) {
  process.stdout.write(`could not read the vitest report: ${e.message}\n`);
  failed++;
}
rmSync(dir, { recursive: true, force: true });
if (v.status !== 0 && failed === 0) failed++;
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
