import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { markdownLayoutNormalised } from "@cps-bridge/protocol/errors-doc";
import { describe, expect, it } from "vitest";
import { withChecksSection } from "./docs";
import { AGENT_CHECKS } from "./registry";

const doc = readFileSync(fileURLToPath(new URL("../../../docs/diagnostics.md", import.meta.url)), "utf8");

describe("docs/diagnostics.md", () => {
  it("is up to date with the checks and their codes (npx tsx agent/scripts/gen-diagnostics-doc.ts)", () => {
    expect(markdownLayoutNormalised(doc)).toBe(markdownLayoutNormalised(withChecksSection(doc)));
  });
  it("documents every agent check and every code it can produce", () => {
    for (const c of AGENT_CHECKS) {
      expect(doc).toContain(`### \`${c.id}\``);
      for (const code of c.codes) expect(doc, code).toContain(`**\`${code}\`**`);
    }
  });
});
