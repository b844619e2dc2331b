/**
 * Running a function inside the **closed** shadow roots of a page's custom elements over WebDriver BiDi (Firefox),
 * where CDP's `DOM.getDocument({ pierce: true })` does not exist. BiDi serialises a node's shadow root, closed ones
 * included, when asked with `serializationOptions.includeShadowTree: "all"`, and gives it a `sharedId` that a later
 * `script.callFunction` takes as an argument (measured on Firefox 153.8 ESR, puppeteer-core 24.43). Page scripts
 * still cannot reach the roots: only the test driver can.
 */
import type { Page } from "puppeteer-core";

interface BidiRealm {
  callFunction(
    functionDeclaration: string,
    awaitPromise: boolean,
    options?: Record<string, unknown>,
  ): Promise<{ type: "success" | "exception"; result?: BidiValue; exceptionDetails?: { text: string } }>;
}
interface BidiValue {
  type: string;
  value?: unknown;
  sharedId?: string;
}

/** Whether the page is driven over WebDriver BiDi (Firefox), not CDP. */
export function isBidiPage(page: Page): boolean {
  // `Browser.protocol` exists at run time but is marked internal in the typings.
  return (page.browser() as unknown as { protocol?: string }).protocol === "webDriverBiDi";
}

function realmOf(page: Page): BidiRealm {
  // puppeteer's BiDi frame keeps its browsing context's default realm; its callFunction takes raw BiDi options.
  return (page.mainFrame() as unknown as { browsingContext: { defaultRealm: BidiRealm } }).browsingContext.defaultRealm;
}

/**
 * Calls `fnSource` — `(shadowRoot, ...args) => JSON-serialisable | null` — with the shadow root of each `hostTag`
 * element of the page in turn; returns the first non-null result, or undefined.
 */
export async function inClosedShadowRoots<T>(page: Page, hostTag: string, fnSource: string, args: string[]) {
  const realm = realmOf(page);
  const hosts = await realm.callFunction(`(tag) => [...document.querySelectorAll(tag)]`, false, {
    arguments: [{ type: "string", value: hostTag }],
    resultOwnership: "none",
    serializationOptions: { maxDomDepth: 0, includeShadowTree: "all" },
  });
  if (hosts.type !== "success") throw new Error(`listing ${hostTag}: ${hosts.exceptionDetails?.text}`);
  const nodes = (hosts.result?.value ?? []) as Array<{ value?: { shadowRoot?: BidiValue | null } }>;
  for (const node of nodes) {
    const root = node.value?.shadowRoot?.sharedId;
    if (!root) continue;
    const r = await realm.callFunction(
      `(root, ...args) => JSON.stringify((${fnSource})(root, ...args) ?? null)`,
      false,
      {
        arguments: [{ sharedId: root }, ...args.map((value) => ({ type: "string", value }))],
        resultOwnership: "none",
      },
    );
    if (r.type !== "success") throw new Error(`in ${hostTag}'s shadow root: ${r.exceptionDetails?.text}`);
    const value = JSON.parse(String(r.result?.value ?? "null")) as T | null;
    if (value !== null) return value;
  }
  return undefined;
}
