/**
 * Reaching the extension's service worker over CDP, in a way that survives the worker being stopped and restarted.
 *
 * Why not Puppeteer's `target.worker()`: after a stop, Chromium restarts the worker under a new CDP target, while
 * Puppeteer keeps handing out the old `Target`, whose session is dead — `evaluate` then hangs (tried on Chromium
 * 156 / puppeteer-core 24.43). So each evaluation looks the worker up afresh (`Target.getTargets`), attaches a
 * flat session, runs `Runtime.evaluate` and detaches at once (a DevTools session left attached can keep a worker
 * alive, feasibility.md §5 "MV3 SW lifetime").
 *
 * Stopping it: `ServiceWorker.stopWorker` with the worker's version id, from any page's CDP session with the
 * ServiceWorker domain enabled, then waiting for `runningStatus: "stopped"`. This is what the "Stop" link of
 * chrome://serviceworker-internals does, without opening that page.
 */
import type { Browser, CDPSession } from "puppeteer-core";

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

export interface ServiceWorkerHandle {
  /** The CDP target id of the running worker (it changes at each restart). */
  readonly targetId: string;
  /**
   * Evaluates `fn` inside the worker (its `globalThis` has `cpsBridge`, `chrome`, `browser`) and returns the result
   * (JSON-serialisable). Arguments are passed as JSON.
   */
  evaluate<T, A extends unknown[] = []>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
}

export class WorkerGone extends Error {}
class EvaluateTimeout extends Error {}

const EVALUATE_ATTEMPTS = 3;
const EVALUATE_TIMEOUT_MS = 8_000;

async function evaluateOnce(root: CDPSession, targetId: string, expression: string): Promise<unknown> {
  const { sessionId } = (await root.send("Target.attachToTarget", { targetId, flatten: true })) as {
    sessionId: string;
  };
  const session = root.connection()?.session(sessionId);
  if (!session) throw new WorkerGone("could not attach to the service worker");
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // A worker that has just started may still be paused "waiting for the debugger" (puppeteer auto-attaches with
    // waitForDebuggerOnStart and resumes it a moment later): an evaluation would then wait until Chromium gives up
    // on starting the worker. Resuming is harmless when it already runs.
    await session.send("Runtime.runIfWaitingForDebugger").catch(() => {});
    const evaluation = session.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }) as Promise<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EvaluateTimeout(`no answer in ${EVALUATE_TIMEOUT_MS} ms`)),
        EVALUATE_TIMEOUT_MS,
      );
    });
    evaluation.catch(() => {});
    const r = await Promise.race([evaluation, timeout]);
    if (r.exceptionDetails) {
      throw new Error(`in the service worker: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    }
    return r.result.value;
  } finally {
    clearTimeout(timer);
    await root.send("Target.detachFromTarget", { sessionId }).catch(() => {});
  }
}

export function extensionWorkerUrlPrefix(extensionId: string): string {
  return `chrome-extension://${extensionId}/`;
}

async function findWorker(root: CDPSession, extensionId: string): Promise<TargetInfo | undefined> {
  const { targetInfos } = (await root.send("Target.getTargets")) as { targetInfos: TargetInfo[] };
  const prefix = extensionWorkerUrlPrefix(extensionId);
  return targetInfos.find((t) => t.type === "service_worker" && t.url.startsWith(prefix));
}

export async function serviceWorkerHandle(
  browser: Browser,
  extensionId: string,
  { timeoutMs = 10_000 } = {},
): Promise<ServiceWorkerHandle> {
  const root = await browser.target().createCDPSession();
  const deadline = Date.now() + timeoutMs;
  let info = await findWorker(root, extensionId);
  while (info === undefined) {
    if (Date.now() > deadline) {
      await root.detach().catch(() => {});
      throw new WorkerGone(`no service worker for ${extensionId} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
    info = await findWorker(root, extensionId);
  }
  const targetId = info.targetId;
  return {
    targetId,
    async evaluate(fn, ...args) {
      const expression = `(${fn.toString()})(...${JSON.stringify(args)})`;
      let lastError: unknown;
      for (let attempt = 1; attempt <= EVALUATE_ATTEMPTS; attempt++) {
        const current = await findWorker(root, extensionId);
        if (current === undefined) throw new WorkerGone("the service worker is not running");
        try {
          return (await evaluateOnce(root, current.targetId, expression)) as never;
        } catch (e) {
          if (!(e instanceof EvaluateTimeout)) throw e;
          // Seen on a loaded machine: an evaluation on a freshly started worker that never answers. A new session
          // on the same (or the restarted) worker answers at once.
          lastError = e;
          if (process.env.CPS_BRIDGE_KIT_DEBUG === "1")
            process.stderr.write(`[kit] evaluate attempt ${attempt} timed out\n`);
        }
      }
      throw lastError;
    },
  };
}

interface WorkerVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: "stopped" | "starting" | "running" | "stopping";
}

/**
 * Stops the extension's service worker (as Chrome does after 30 s idle) and resolves once it is stopped.
 * Any open extension page or port may restart it right after: that restart is what the tests check.
 */
export async function stopServiceWorker(
  browser: Browser,
  extensionId: string,
  { timeoutMs = 10_000 } = {},
): Promise<void> {
  const page = await browser.newPage();
  try {
    const cdp = await page.createCDPSession();
    const prefix = extensionWorkerUrlPrefix(extensionId);
    let versions: WorkerVersion[] = [];
    let stopRequested = false;
    let sawStopped = false;
    const updates: Array<() => void> = [];
    const ours = () => versions.filter((v) => v.scriptURL.startsWith(prefix));
    cdp.on("ServiceWorker.workerVersionUpdated", (e: { versions: WorkerVersion[] }) => {
      versions = e.versions;
      // Recorded as events arrive: an open extension page may restart the worker before a poll would see "stopped".
      if (stopRequested && ours().some((v) => v.runningStatus === "stopped")) sawStopped = true;
      for (const u of updates.splice(0)) u();
    });
    const waitFor = async (pred: () => boolean, what: string) => {
      const deadline = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for the service worker to be ${what}`);
        await new Promise<void>((resolve) => {
          updates.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    };
    await cdp.send("ServiceWorker.enable");
    await waitFor(() => ours().length > 0, "listed");
    const running = ours().filter((v) => v.runningStatus !== "stopped");
    if (running.length === 0) return;
    stopRequested = true;
    for (const v of running) await cdp.send("ServiceWorker.stopWorker", { versionId: v.versionId });
    await waitFor(() => sawStopped, "stopped");
    await cdp.send("ServiceWorker.disable").catch(() => {});
  } finally {
    await page.close().catch(() => {});
  }
}

/**
 * Waits until the extension's worker is installed and activated. Attaching DevTools to a worker that is still
 * installing can make Chromium drop the registration ("Failed to register a ServiceWorker", version redundant,
 * the extension left without background; seen ~1 launch in 3 on Chromium 156 under load), so the kit attaches
 * only after this.
 */
export async function waitForActivatedWorker(
  browser: Browser,
  extensionId: string,
  { timeoutMs = 15_000 } = {},
): Promise<void> {
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  const cdp = await page.createCDPSession();
  const prefix = extensionWorkerUrlPrefix(extensionId);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the extension's service worker was not activated within ${timeoutMs} ms`)),
        timeoutMs,
      );
      cdp.on("ServiceWorker.workerVersionUpdated", (e: { versions: Array<WorkerVersion & { status: string }> }) => {
        const ours = e.versions.filter((v) => v.scriptURL.startsWith(prefix));
        if (ours.some((v) => v.status === "activated")) {
          clearTimeout(timer);
          resolve();
        } else if (ours.length > 0 && ours.every((v) => v.status === "redundant")) {
          clearTimeout(timer);
          reject(new Error("Chromium could not register the extension's service worker"));
        }
      });
      cdp.send("ServiceWorker.enable").catch(reject);
    });
  } finally {
    await cdp.send("ServiceWorker.disable").catch(() => {});
    await cdp.detach().catch(() => {});
  }
}
