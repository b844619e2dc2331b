/**
 * The README's first command, `npm run demo`, as a doctor or a developer without a display runs it: headless, it
 * walks the login and saves a screenshot per step. Run as a child process, exactly as the command line does.
 * Run: flock /tmp/cps-bridge-pcsc.lock npx vitest run --project e2e scripts/src/demo/demo.e2e.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../browser/extension-build";

const dir = mkdtempSync(join(tmpdir(), "cps-bridge-demo-shots-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function demo(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CPS_BRIDGE_ARTIFACTS_DIR: dir };
  for (const k of ["VITEST", "VITEST_WORKER_ID", "VITEST_POOL_ID", "DISPLAY", "WAYLAND_DISPLAY"]) delete env[k];
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/src/demo/run.ts", ...args], {
    cwd: REPO_ROOT,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  const shots = [...r.stdout.matchAll(/screenshot: (\S+\.png)/g)].map((m) => m[1]!);
  return { status: r.status, out: r.stdout + r.stderr, shots };
}

describe("npm run demo (headless)", () => {
  it("CPS3: login page with the assistant, PIN window, dashboard — each step a screenshot, paths printed", () => {
    const r = demo();
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("Carte CPS prête");
    expect(r.out).toMatch(/dashboard: http:\/\/localhost:\d+\/.*MedecinLiberal\/TDB/);
    expect(r.shots.map((p) => p.replace(/^.*demo-cps3-token-/, ""))).toEqual([
      "01-login-page.png",
      "02-waiting-pin.png",
      "03-pin-window.png",
      "04-dashboard.png",
    ]);
    for (const p of r.shots) {
      expect(p.startsWith(dir)).toBe(true);
      expect(existsSync(p) && statSync(p).size > 5_000).toBe(true);
    }
  }, 150_000);

  it("a Vitale card: the explanation, and no login attempted", () => {
    const r = demo("--profile", "vitale2");
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("Carte Vitale 2 insérée : ce n'est pas une carte CPS");
    expect(r.out).toContain("no login is attempted");
    expect(r.shots).toHaveLength(1);
  }, 150_000);

  it("a bad option: exit code 2 and the list of profiles, nothing started", () => {
    const r = demo("--profile", "cps9");
    expect(r.status).toBe(2);
    expect(r.out).toContain("unknown profile; one of: none, cps3");
    expect(r.out).not.toContain("test bench:");
  });
});
