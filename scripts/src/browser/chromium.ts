/**
 * Finding Debian's Chromium and the command-line flags the e2e tests and outside developers use
 * (shared/research/feasibility.md §5).
 */
import { existsSync } from "node:fs";

/**
 * Candidates, in order. `/usr/lib/chromium/chromium` is the real binary: Debian's `/usr/bin/chromium` is a shell
 * wrapper that sources /etc/chromium.d/* (adds `--load-extension=` and other switches, and prints a harmless
 * /dev/shm warning), feasibility.md §5 "Debian wrapper". `CHROMIUM_PATH` overrides.
 */
export const CHROMIUM_CANDIDATES = [
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
  "/usr/lib/chromium-browser/chromium-browser",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
] as const;

export class BrowserKitError extends Error {
  constructor(
    message: string,
    /** What to do about it (printed by tests and docs). */
    readonly fix: string,
  ) {
    super(`${message} — ${fix}`);
    this.name = "BrowserKitError";
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new BrowserKitError(`CHROMIUM_PATH=${override} does not exist`, "fix the path");
    return override;
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new BrowserKitError("No Chromium found", "install it: `apt-get install chromium`, or set CHROMIUM_PATH");
  }
  return found;
}

/**
 * Flags for a quiet, reproducible browser on an offline machine (feasibility.md §5): no component updates,
 * background networking or sync (they hang or spam errors offline), no first-run UI, no QUIC.
 */
export function chromiumArgs({ root = process.getuid?.() === 0 } = {}): string[] {
  return [
    ...(root ? ["--no-sandbox"] : []),
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--disable-dev-shm-usage",
  ];
}
