/**
 * Rewrites the generated part of docs/diagnostics.md (agent/src/diagnostics/docs.ts). Run:
 * `npx tsx agent/scripts/gen-diagnostics-doc.ts` (`npm run docs:diagnostics -w agent`); `--check` exits 1 on drift.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { markdownLayoutNormalised } from "@cps-bridge/protocol/errors-doc";
import { withChecksSection } from "../src/diagnostics/docs";

const target = fileURLToPath(new URL("../../docs/diagnostics.md", import.meta.url));
const current = readFileSync(target, "utf8");
const next = withChecksSection(current);
if (process.argv.includes("--check")) {
  if (markdownLayoutNormalised(current) !== markdownLayoutNormalised(next)) {
    console.error(`${target} is out of date: run npx tsx agent/scripts/gen-diagnostics-doc.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, next);
  spawnSync("npx", ["biome", "format", "--write", target], { stdio: "ignore" });
  console.log(`wrote ${target}`);
}
