/**
 * The store packages of `npm run package -w extension` (extension/scripts/package.mjs, docs/packaging-extension.md):
 * two runs give byte-identical zips; the manifests carry the release and the store fields; nothing of the test kit,
 * no source map, sizes within budget; the sources zip, unpacked alone in a temporary directory, installs offline
 * (`npm ci --offline`, from the npm cache) and rebuilds a byte-identical Firefox zip; `web-ext lint` (the linter
 * addons.mozilla.org runs) finds no error in the Firefox zip. Real WXT builds, real npm, real web-ext: no pcscd is used.
 * Its cost is printed as JSON (`package-cost`).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { EXTENSION_MANIFEST_KEY, GECKO_EXTENSION_ID } from "@cps-bridge/protocol/extension-ids";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const EXT = join(ROOT, "extension");
const VERSION: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
const NAMES = {
  chrome: `cps-bridge-${VERSION}-chrome.zip`,
  firefox: `cps-bridge-${VERSION}-firefox.zip`,
  sources: `cps-bridge-${VERSION}-sources.zip`,
};
/** Budgets, well above today's sizes (docs/packaging-extension.md): a jump means something unintended got in. */
const MAX_BYTES = { chrome: 400_000, firefox: 400_000, sources: 1_000_000 };
/** Never in a store package: the test kit, source maps, fixtures, tests. */
const FORBIDDEN = /(^|\/)(test-support|e2e|fixtures)\/|\.test\.|\.itest\.|\.map$/;
/**
 * web-ext lint warnings accepted, each for a reason (docs/packaging-extension.md "web-ext lint"); any other
 * warning fails the test so that it is looked at.
 */
const ACCEPTED_WARNINGS: Record<string, string> = {
  // data_collection_permissions is asked of new add-ons by AMO; Firefox 115–139 ignore the key.
  KEY_FIREFOX_UNSUPPORTED_BY_MIN_VERSION: "browser_specific_settings.gecko.data_collection_permissions",
  KEY_FIREFOX_ANDROID_UNSUPPORTED_BY_MIN_VERSION: "browser_specific_settings.gecko.data_collection_permissions",
  // Preact's dangerouslySetInnerHTML branch, bundled but never used by our components.
  UNSAFE_VAR_ASSIGNMENT: "innerHTML",
};

interface PackageRun {
  files: { name: string; bytes: number; sha256: string }[];
  ms: number;
}

/** The environment of a shell, not of vitest (whose NODE_ENV=test turns on the development JSX transform). */
const withoutVitest = () => {
  const { VITEST: _v, VITEST_POOL_ID: _p, VITEST_WORKER_ID: _w, NODE_ENV: _n, ...env } = process.env;
  return env;
};

function packageOnce(): PackageRun {
  const r = spawnSync("node", [join(EXT, "scripts/package.mjs")], { encoding: "utf8", env: withoutVitest() });
  if (r.status !== 0) throw new Error(`package.mjs failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
}

async function entries(zipFile: string): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(readFileSync(zipFile));
  const out = new Map<string, Buffer>();
  for (const f of Object.values(zip.files)) if (!f.dir) out.set(f.name, await f.async("nodebuffer"));
  return out;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const cost: Record<string, number> = {};
let first: PackageRun;
let second: PackageRun;
const temps: string[] = [];

beforeAll(() => {
  first = packageOnce();
  second = packageOnce();
  cost.packageMs = first.ms;
  cost.repackageMs = second.ms;
}, 120_000);

afterAll(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  const sizes = Object.fromEntries((first?.files ?? []).map((f) => [f.name, f.bytes]));
  process.stdout.write(`package-cost ${JSON.stringify({ ...cost, sizes })}\n`);
});

describe("extension store packages", () => {
  it("two package runs give byte-identical zips (SHA256SUMS beside them)", () => {
    expect(first.files.map((f) => f.name)).toEqual(Object.values(NAMES).sort());
    expect(second.files).toEqual(first.files);
    const sums = readFileSync(join(EXT, ".output/SHA256SUMS"), "utf8");
    for (const f of first.files) expect(sums).toContain(`${f.sha256}  ${f.name}`);
  });

  it("Chrome (Web Store, Edge Add-ons): MV3 manifest with the release, the fixed key and no test file", async () => {
    const files = await entries(join(EXT, ".output", NAMES.chrome));
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}");
    expect(manifest).toMatchObject({
      manifest_version: 3,
      version: VERSION,
      name: "__MSG_extName__",
      default_locale: "fr",
      key: EXTENSION_MANIFEST_KEY,
      minimum_chrome_version: "116",
      background: { service_worker: "background.js" },
    });
    expect([...manifest.permissions].sort()).toEqual(["alarms", "notifications", "offscreen", "scripting", "storage"]);
    expect(manifest.host_permissions).toBeUndefined();
    checkContents(files);
    expect(first.files.find((f) => f.name === NAMES.chrome)?.bytes).toBeLessThan(MAX_BYTES.chrome);
  });

  it("Firefox (AMO): MV2 manifest with the release, the gecko id and no test file", async () => {
    const files = await entries(join(EXT, ".output", NAMES.firefox));
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}");
    expect(manifest).toMatchObject({
      manifest_version: 2,
      version: VERSION,
      browser_specific_settings: { gecko: { id: GECKO_EXTENSION_ID, strict_min_version: "115.0" } },
    });
    expect(manifest.key).toBeUndefined();
    expect([...manifest.permissions].sort()).toEqual(["alarms", "notifications", "scripting", "storage"]);
    checkContents(files);
    expect(first.files.find((f) => f.name === NAMES.firefox)?.bytes).toBeLessThan(MAX_BYTES.firefox);
  });

  it("the sources zip holds the workspace root, protocol and extension sources, nothing built, no agent", async () => {
    const names = [...(await entries(join(EXT, ".output", NAMES.sources))).keys()];
    for (const must of ["package.json", "package-lock.json", "protocol/src/version.ts", "extension/wxt.config.ts"]) {
      expect(names).toContain(must);
    }
    const bad = names.filter((n) =>
      /(^|\/)(node_modules|\.output|\.wxt|e2e|test-support)\/|^(agent|scripts)\//.test(n),
    );
    expect(bad).toEqual([]);
    expect(first.files.find((f) => f.name === NAMES.sources)?.bytes).toBeLessThan(MAX_BYTES.sources);
  });

  it("the sources zip alone, npm ci offline, rebuilds a byte-identical Firefox zip", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cps-bridge-amo-sources-"));
    temps.push(dir);
    for (const [name, data] of await entries(join(EXT, ".output", NAMES.sources))) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), data);
    }
    const run = (args: string[]) => {
      const t = Date.now();
      const r = spawnSync("npm", args, { cwd: dir, encoding: "utf8", env: withoutVitest() });
      if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
      return Date.now() - t;
    };
    cost.sourcesNpmCiMs = run(["ci", "--offline", "--no-audit", "--no-fund"]);
    cost.sourcesBuildMs = run(["run", "zip:firefox", "-w", "extension"]);
    const rebuilt = readFileSync(join(dir, "extension/.output", NAMES.firefox));
    const shipped = readFileSync(join(EXT, ".output", NAMES.firefox));
    // File by file first, so that a difference names the file.
    const built = join(dir, "extension/.output/firefox-mv2");
    const listed = listFiles(built).map((f) => [relative(built, f), sha(readFileSync(f))]);
    const packaged = [...(await entries(join(EXT, ".output", NAMES.firefox)))].map(([n, b]) => [n, sha(b)]);
    expect(listed.sort()).toEqual(packaged.sort());
    expect(sha(rebuilt)).toBe(sha(shipped));
  }, 240_000);

  it("web-ext lint finds no error in the Firefox zip; its warnings are the accepted ones", () => {
    const t = Date.now();
    const r = spawnSync(
      "npx",
      [
        "web-ext",
        "lint",
        "--source-dir",
        join(EXT, ".output", NAMES.firefox),
        "--output=json",
        "--no-config-discovery",
      ],
      { cwd: EXT, encoding: "utf8", env: withoutVitest() },
    );
    cost.webExtLintMs = Date.now() - t;
    const report = JSON.parse(r.stdout) as {
      errors: { code: string; message: string; file?: string }[];
      warnings: { code: string; message: string; file?: string; description?: string }[];
    };
    process.stdout.write(
      `web-ext lint warnings ${JSON.stringify(report.warnings.map((w) => ({ code: w.code, file: w.file, message: w.message })))}\n`,
    );
    expect(report.errors).toEqual([]);
    expect(r.status).toBe(0);
    for (const w of report.warnings) {
      const accepted = ACCEPTED_WARNINGS[w.code];
      expect(accepted, `${w.code} ${w.file}: ${w.message}`).toBeDefined();
      expect(`${w.description ?? ""} ${w.message}`).toContain(accepted as string);
    }
  }, 120_000);
});

function checkContents(files: Map<string, Buffer>) {
  expect([...files.keys()].filter((n) => FORBIDDEN.test(n))).toEqual([]);
  // No sourceMappingURL comment either (WXT's production build has no maps).
  // No path of this checkout either (the development JSX transform writes them): the build must not depend on where.
  for (const [name, data] of files) {
    if (!/\.(js|html|json|css)$/.test(name)) continue;
    const text = data.toString("utf8");
    expect(text, name).not.toMatch(/sourceMappingURL=/);
    expect(text.includes(ROOT), `${name} holds the path ${ROOT}`).toBe(false);
  }
  for (const must of ["manifest.json", "background.js", "popup.html", "_locales/fr/messages.json", "icon/128.png"]) {
    expect([...files.keys()]).toContain(must);
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}
