/**
 * Writes docs/errors.md from protocol/src/errors.ts (renderErrorsDoc). Run: `npx tsx protocol/scripts/gen-errors-doc.ts`
 * (or `npm run docs:errors -w protocol`). Pass `--check` to exit 1 when the file is out of date instead of writing.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { markdownLayoutNormalised, renderErrorsDoc } from "../src/errors-doc";

const target = fileURLToPath(new URL("../../docs/errors.md", import.meta.url));
const text = renderErrorsDoc();

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (markdownLayoutNormalised(current) !== markdownLayoutNormalised(text)) {
    console.error(`${target} is out of date: run npx tsx protocol/scripts/gen-errors-doc.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  // Lay it out as `biome check .` expects (padded tables); the content check ignores layout.
  spawnSync("npx", ["biome", "format", "--write", target], { stdio: "ignore" });
  console.log(`wrote ${target}`);
}
