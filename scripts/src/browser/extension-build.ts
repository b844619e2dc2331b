/**
 * The built extension the browser loads: `extension/.output/chrome-mv3` (Chromium) or `extension/.output/firefox-mv2`
 * (Firefox), built with `wxt build [-b firefox]` when missing or older than any of its sources. Used by the e2e global setup (once per run) and by `launchBrowser` for
 * developers who run a script by hand.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BrowserKitError } from "./chromium";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const EXTENSION_DIR = join(REPO_ROOT, "extension");
export const CHROME_BUILD_DIR = join(EXTENSION_DIR, ".output", "chrome-mv3");
export const FIREFOX_BUILD_DIR = join(EXTENSION_DIR, ".output", "firefox-mv2");

/** The browsers the kit drives. */
export type BrowserName = "chromium" | "firefox";

export function buildDirFor(browser: BrowserName): string {
  return browser === "firefox" ? FIREFOX_BUILD_DIR : CHROME_BUILD_DIR;
}

/** Inputs of the build: a newer file here means the build is stale. */
const SOURCES = ["src", "public", "wxt.config.ts", "package.json", "tsconfig.json"];
/** The protocol package is bundled into the extension too. */
const PROTOCOL_SRC = join(REPO_ROOT, "protocol", "src");

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why the build must be redone, or undefined when it is up to date. */
export function buildStaleness(buildDir = CHROME_BUILD_DIR): string | undefined {
  const manifest = join(buildDir, "manifest.json");
  if (!existsSync(manifest)) return "not built";
  const built = statSync(manifest).mtimeMs;
  const inputs = [...SOURCES.map((s) => join(EXTENSION_DIR, s)), PROTOCOL_SRC];
  const newer = inputs.find((p) => newestMtime(p) > built);
  return newer ? `${newer} is newer than the build` : undefined;
}

/** Builds the extension for `browser` (default Chromium: Chrome MV3) when needed; returns its directory. */
export function ensureExtensionBuilt({
  force = false,
  log = (_: string) => {},
  browser = "chromium" as BrowserName,
} = {}): string {
  const dir = buildDirFor(browser);
  const why = force ? "forced" : buildStaleness(dir);
  if (why === undefined) return dir;
  log(`building the ${browser} extension (${why})…`);
  // A production build whatever the caller's environment: vitest sets NODE_ENV=test, with which Vite keeps the
  // development JSX transform (source paths in every component, +60 % size): not what doctors install.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "1", NODE_ENV: "production" };
  for (const k of Object.keys(env)) if (k.startsWith("VITEST")) delete env[k];
  const wxtArgs = ["wxt", "build", ...(browser === "firefox" ? ["-b", "firefox"] : [])];
  const r = spawnSync("npx", wxtArgs, { cwd: EXTENSION_DIR, encoding: "utf8", env });
  if (r.status !== 0 || !existsSync(join(dir, "manifest.json"))) {
    throw new BrowserKitError(
      `wxt build failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`,
      `run \`npx ${wxtArgs.join(" ")}\` in extension/ and fix the error`,
    );
  }
  return dir;
}

/**
 * A copy of a built Chrome MV3 extension whose manifest declares `origins` as REQUIRED host permissions (granted at
 * install), for e2e tests of features that ask for an optional host permission at run time: Chromium shows a native
 * prompt for `permissions.request` that Puppeteer cannot accept, and no switch auto-accepts it (tried:
 * `--apps-gallery-install-auto-confirm-for-tests=accept`; `developerPrivate.addHostPermission` from
 * chrome://extensions does not grant optional hosts). The code is byte-identical; only manifest.json differs, so
 * `permissions.request` for those origins resolves `true` without a prompt and `permissions.contains` is true.
 * The extension id stays the same (the manifest `key` is kept). Returns the copy's directory (a new temp dir).
 */
export function withGrantedHostPermissions(buildDir: string, origins: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "cps-bridge-ext-granted-"));
  cpSync(buildDir, dir, { recursive: true });
  const path = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(path, "utf8")) as { host_permissions?: string[]; manifest_version: number };
  if (manifest.manifest_version !== 3) throw new BrowserKitError("not an MV3 build", `rebuild ${buildDir}`);
  manifest.host_permissions = [...new Set([...(manifest.host_permissions ?? []), ...origins])];
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
