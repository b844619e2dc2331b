import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERRORS } from "./errors";
import { markdownLayoutNormalised, renderErrorsDoc } from "./errors-doc";
import { PORTAL_OUTCOME_CODES } from "./portal-contract";

describe("docs/errors.md", () => {
  it("is up to date with errors.ts (regenerate: npx tsx protocol/scripts/gen-errors-doc.ts)", () => {
    const file = readFileSync(fileURLToPath(new URL("../../docs/errors.md", import.meta.url)), "utf8");
    expect(markdownLayoutNormalised(file)).toBe(markdownLayoutNormalised(renderErrorsDoc()));
  });

  it("documents every code with its three parts, French first", () => {
    const doc = renderErrorsDoc();
    for (const code of ERROR_CODES) {
      const section = doc.split(`### ${code}\n`)[1]?.split("\n### ")[0] ?? "";
      expect(section, code).toContain(ERRORS[code].fr);
      expect(section.indexOf(ERRORS[code].fr)).toBeLessThan(section.indexOf(ERRORS[code].en));
      for (const part of ["**Thrown when:**", "**Likely reason:**", "**How to resolve:**"])
        expect(section, code).toContain(part);
    }
  });

  it("documents every portal refusal code (PORTAL_*) the same way, every field filled", () => {
    const doc = renderErrorsDoc();
    for (const [code, e] of Object.entries(PORTAL_OUTCOME_CODES)) {
      const section = doc.split(`### ${code}\n`)[1]?.split("\n### ")[0] ?? "";
      expect(section.indexOf(e.fr), code).toBeGreaterThan(-1);
      expect(section.indexOf(e.fr)).toBeLessThan(section.indexOf(e.en));
      for (const part of [e.thrownWhen, e.likelyReason, e.howToResolve]) expect(section, code).toContain(part);
      for (const [k, val] of Object.entries(e)) expect(val.trim().length, `${code}.${k}`).toBeGreaterThan(3);
    }
  });

  it("fills every field of every code", () => {
    for (const code of ERROR_CODES) {
      for (const [k, val] of Object.entries(ERRORS[code])) {
        if (typeof val === "string") expect(val.trim().length, `${code}.${k}`).toBeGreaterThan(3);
      }
    }
  });
});
