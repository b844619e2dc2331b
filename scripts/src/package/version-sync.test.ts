/**
 * One release number (root package.json `version`, docs/packaging-extension.md "Versions"): every workspace's
 * package.json, the `@cps-bridge/*` dependencies between them, the protocol's RELEASE_VERSION, the agent's
 * `--version` and the extension's manifest source (WXT reads extension/package.json) all carry it, and
 * scripts/set-version.mjs --check finds a drift. The built manifests are checked in extension-package.itest.ts.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_VERSION } from "@cps-bridge/agent/bridge/agent-version";
import {
  MIN_AGENT_RELEASE,
  MIN_EXTENSION_RELEASE,
  RELEASE_VERSION,
  releaseAtLeast,
} from "@cps-bridge/protocol/version";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), "utf8"));
const rootPkg = readJson("package.json");
const WORKSPACES: string[] = rootPkg.workspaces;
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("one release number", () => {
  it("every workspace carries the root version, and names the others at it", () => {
    expect(rootPkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(WORKSPACES).toEqual(expect.arrayContaining(["protocol", "agent", "extension"]));
    for (const w of WORKSPACES) {
      const pkg = readJson(`${w}/package.json`);
      expect(pkg.version, `${w}/package.json`).toBe(rootPkg.version);
      for (const field of ["dependencies", "devDependencies"]) {
        for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
          if (name.startsWith("@cps-bridge/")) expect(spec, `${w} ${field}.${name}`).toBe(rootPkg.version);
        }
      }
    }
    expect(spawnSync("node", [join(ROOT, "scripts/set-version.mjs"), "--check"]).status).toBe(0);
  });

  it("protocol, agent and the agent's --version say it; the minimums are not newer than it", () => {
    expect(RELEASE_VERSION).toBe(rootPkg.version);
    expect(AGENT_VERSION).toBe(rootPkg.version);
    // Without VITEST, which makes agent/src/cli/main.ts a library instead of the program.
    const { VITEST: _, ...env } = process.env;
    const r = spawnSync("node", [join(ROOT, "agent/bin/cps-bridge.mjs"), "--version"], { encoding: "utf8", env });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(rootPkg.version);
    expect(releaseAtLeast(RELEASE_VERSION, MIN_AGENT_RELEASE)).toBe(true);
    expect(releaseAtLeast(RELEASE_VERSION, MIN_EXTENSION_RELEASE)).toBe(true);
  });

  it("set-version.mjs --check names a drifted copy; set-version.mjs <v> writes every copy", () => {
    const dir = mkdtempSync(join(tmpdir(), "cps-bridge-version-"));
    temps.push(dir);
    mkdirSync(join(dir, "scripts"));
    copyFileSync(join(ROOT, "scripts/set-version.mjs"), join(dir, "scripts/set-version.mjs"));
    const tiny = (name: string, deps: Record<string, string>) => ({ name, version: "1.2.3", dependencies: deps });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "root", version: "1.2.3", workspaces: ["a", "b"] }),
    );
    for (const w of ["a", "b"]) mkdirSync(join(dir, w));
    writeFileSync(join(dir, "a/package.json"), JSON.stringify(tiny("@cps-bridge/a", {})));
    writeFileSync(
      join(dir, "b/package.json"),
      JSON.stringify({ ...tiny("@cps-bridge/b", { "@cps-bridge/a": "1.2.2" }) }),
    );
    const run = (...args: string[]) =>
      spawnSync("node", [join(dir, "scripts/set-version.mjs"), ...args], { encoding: "utf8" });
    const drift = run("--check");
    expect(drift.status).toBe(1);
    expect(drift.stdout).toContain("b/package.json: dependencies.@cps-bridge/a 1.2.2");
    // A new number everywhere; npm then refreshes the (here absent) lock of the two tiny workspaces.
    const set = run("1.3.0");
    expect(set.status, set.stderr).toBe(0);
    for (const f of ["package.json", "a/package.json", "b/package.json"]) {
      expect(JSON.parse(readFileSync(join(dir, f), "utf8")).version).toBe("1.3.0");
    }
    expect(JSON.parse(readFileSync(join(dir, "b/package.json"), "utf8")).dependencies["@cps-bridge/a"]).toBe("1.3.0");
    expect(run("--check").status).toBe(0);
    expect(run("not-a-version").status).toBe(64);
  });
});
