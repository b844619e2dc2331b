/**
 * vitest globalSetup of the `integration` and `e2e` projects (vitest.config.ts): one shared pcscd with the test
 * bench readers for the whole run. Started here unless one already serves; stopped at the end only if started here
 * (test files may kill and restart it in between: the one serving at the end is stopped).
 *
 * Never skips: a missing pcscd or vpcd driver, a port in use or a foreign pcscd fails the run with the command that
 * fixes it. Test files get the facts through `inject("cpsTestbed")` and create their own `Testbed.start()`, which
 * finds this pcscd (same state directory, so `tb.pcscd.owned` is true and kill/restart are allowed).
 */
import type { TestProject } from "vitest/node";
import { liveDaemon } from "./client";
import { ensurePcscd, type ReaderSet, type ReaderSlot, TestbedError } from "./pcscd";
import { testbedStateDir } from "./pki";
import { defaultCardHost, quickackRouteSet } from "./vpcd-link";

/** What the global setup provides to test files (`inject("cpsTestbed")`). */
export interface TestbedRunInfo {
  readers: ReaderSlot[];
  readerSet: ReaderSet;
  stateDir: string;
  pcscdPid: number | null;
  /** Whether this run started pcscd (then it also stops it). */
  pcscdStartedByRun: boolean;
  quickack: boolean;
  cardHost: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    cpsTestbed: TestbedRunInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = testbedStateDir();
  const daemon = liveDaemon(stateDir);
  if (daemon) {
    throw new Error(
      `A cps-testbed daemon (pid ${daemon.daemonPid}) is running: its cards hold the readers the tests need. ` +
        "Stop it first: `npx cps-testbed down`.",
    );
  }
  let ctl: Awaited<ReturnType<typeof ensurePcscd>>;
  try {
    ctl = await ensurePcscd({ stateDir, adoptOrphan: true });
  } catch (e) {
    if (e instanceof TestbedError) {
      throw new Error(`The PC/SC test bench cannot start (${e.code}): ${e.message}${e.fix ? `\n  fix: ${e.fix}` : ""}`);
    }
    throw e;
  }
  const info: TestbedRunInfo = {
    readers: [...ctl.readers],
    readerSet: ctl.readerSet,
    stateDir,
    pcscdPid: ctl.pid ?? null,
    pcscdStartedByRun: ctl.startedByUs,
    quickack: quickackRouteSet(),
    cardHost: defaultCardHost(),
  };
  project.provide("cpsTestbed", info);
  process.stdout.write(
    `[cps-testbed] pcscd pid ${info.pcscdPid} (${info.pcscdStartedByRun ? "started by this run" : "already serving"}), ` +
      `readers: ${info.readers.map((r) => `"${r.name}"`).join(", ")}; quickack ${info.quickack ? "on" : "off"}\n`,
  );
  return async () => {
    await ctl.stop();
  };
}
