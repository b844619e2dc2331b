/**
 * Reading and clicking the cps-bridge login assistant on a portal page from Puppeteer (e2e tests, the login
 * benchmark, the demo). The assistant lives in a **closed** shadow root, which page scripts — and so Puppeteer's
 * selectors, which run as page scripts — cannot enter. DevTools can: these helpers use the CDP DOM domain with
 * `pierce: true`, and click with real mouse events (trusted, as the assistant requires), never with `element.click()`.
 * Firefox (WebDriver BiDi, no CDP) reaches the closed roots through BiDi's shadow-tree serialisation instead
 * (scripts/src/browser/closed-shadow.ts); the same answers, the same real clicks.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CDPSession, Page } from "puppeteer-core";
import { inClosedShadowRoots, isBidiPage } from "../browser/closed-shadow";
import { ARTIFACTS_DIR } from "../browser/index";

/** `data-cps-panel` of the assistant's boxes (extension/src/ui/portal/*). */
export type PanelKind = "login" | "preflight" | "failure" | "otp";

export interface PanelInfo {
  kind: PanelKind;
  /** data-* attributes of the box: situation, readiness, phase, mode, diagnosis… */
  data: Record<string, string>;
  /** The rendered text, as a doctor reads it. */
  text: string;
}

interface DomNode {
  nodeId: number;
  backendNodeId: number;
  nodeName: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
  contentDocument?: DomNode;
}

const HOST = "CPS-BRIDGE-ASSISTANT";

/**
 * BiDi (Firefox): what the CDP helpers below read, from inside the closed root. `what` is "info" (data-* and
 * innerText of the box), "attrs" (attributes of `selector` in the box), "point" (scrolls `selector` into view, its
 * centre) or "box" (the box's rectangle in page pixels).
 */
const BIDI_QUERY = `(root, kind, selector, what) => {
  const box = root.querySelector('[data-cps-panel="' + kind + '"]');
  if (!box) return null;
  const el = selector ? box.querySelector(selector) : box;
  if (!el) return null;
  const attributes = {};
  for (const a of el.attributes) attributes[a.name] = a.value;
  if (what === "attrs") return attributes;
  if (what === "info") {
    const data = {};
    for (const [k, v] of Object.entries(attributes)) if (k.startsWith("data-")) data[k.slice(5)] = v;
    return { data, text: el.innerText };
  }
  if (what === "point") {
    el.scrollIntoView({ block: "center", inline: "center" });
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : { invisible: true };
  }
  const r = el.getBoundingClientRect();
  return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
}`;

function bidiQuery<T>(page: Page, kind: PanelKind, selector: string, what: "info" | "attrs" | "point" | "box") {
  return inClosedShadowRoots<T>(page, HOST.toLowerCase(), BIDI_QUERY, [kind, selector, what]);
}

async function withCdp<T>(page: Page, fn: (cdp: CDPSession) => Promise<T>): Promise<T> {
  const cdp = await page.createCDPSession();
  try {
    return await fn(cdp);
  } finally {
    await cdp.detach().catch(() => {});
  }
}

function attrs(n: DomNode): Record<string, string> {
  const out: Record<string, string> = {};
  const a = n.attributes ?? [];
  for (let i = 0; i + 1 < a.length; i += 2) out[a[i]!] = a[i + 1]!;
  return out;
}

/** Shadow roots of every assistant host in the document (pierced, closed ones included). */
function assistantRoots(root: DomNode): { host: DomNode; shadow: DomNode }[] {
  const found: { host: DomNode; shadow: DomNode }[] = [];
  const walk = (n: DomNode) => {
    if (n.nodeName === HOST && n.shadowRoots?.[0]) found.push({ host: n, shadow: n.shadowRoots[0] });
    for (const c of n.children ?? []) walk(c);
    for (const s of n.shadowRoots ?? []) walk(s);
  };
  walk(root);
  return found;
}

async function findInPanel(cdp: CDPSession, kind: PanelKind, selector?: string): Promise<number | undefined> {
  const { root } = (await cdp.send("DOM.getDocument", { depth: -1, pierce: true })) as unknown as { root: DomNode };
  for (const { shadow } of assistantRoots(root)) {
    const { nodeId } = await cdp.send("DOM.querySelector", {
      nodeId: shadow.nodeId,
      selector: `[data-cps-panel="${kind}"]`,
    });
    if (!nodeId) continue;
    if (!selector) return nodeId;
    const inner = await cdp.send("DOM.querySelector", { nodeId, selector });
    return inner.nodeId || undefined;
  }
  return undefined;
}

async function info(cdp: CDPSession, kind: PanelKind, nodeId: number): Promise<PanelInfo> {
  const { attributes } = await cdp.send("DOM.getAttributes", { nodeId });
  const data: Record<string, string> = {};
  for (let i = 0; i + 1 < attributes.length; i += 2) {
    if (attributes[i]!.startsWith("data-")) data[attributes[i]!.slice(5)] = attributes[i + 1]!;
  }
  const { object } = await cdp.send("DOM.resolveNode", { nodeId });
  const r = await cdp.send("Runtime.callFunctionOn", {
    objectId: object.objectId!,
    functionDeclaration: "function () { return this.innerText; }",
    returnByValue: true,
  });
  await cdp.send("Runtime.releaseObject", { objectId: object.objectId! }).catch(() => {});
  return { kind, data, text: String(r.result.value ?? "") };
}

/** The assistant box of that kind as it is now, or undefined when the page has none. */
export async function readPanel(page: Page, kind: PanelKind = "login"): Promise<PanelInfo | undefined> {
  if (isBidiPage(page)) {
    const r = await bidiQuery<Omit<PanelInfo, "kind">>(page, kind, "", "info");
    return r ? { kind, ...r } : undefined;
  }
  return withCdp(page, async (cdp) => {
    const nodeId = await findInPanel(cdp, kind);
    return nodeId ? info(cdp, kind, nodeId) : undefined;
  });
}

/** Waits until the box exists and `predicate` holds (default: it exists); rejects with the last state seen. */
export async function waitForPanel(
  page: Page,
  kind: PanelKind = "login",
  predicate: (p: PanelInfo) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<PanelInfo> {
  const deadline = Date.now() + timeoutMs;
  let last: PanelInfo | undefined;
  for (;;) {
    last = await readPanel(page, kind).catch(() => last);
    if (last && predicate(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`assistant "${kind}" box not as expected after ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the box to show one of these situations (extension/src/shared/situation.ts kinds). */
export function waitForPanelSituation(
  page: Page,
  kinds: string | string[],
  kind: PanelKind = "login",
  timeoutMs = 10_000,
) {
  const list = Array.isArray(kinds) ? kinds : [kinds];
  return waitForPanel(page, kind, (p) => list.includes(p.data.situation ?? ""), timeoutMs);
}

/** Attributes of an element inside the box (e.g. `disabled` of the login button), or undefined if absent. */
export async function panelElement(
  page: Page,
  kind: PanelKind,
  selector: string,
): Promise<Record<string, string> | undefined> {
  if (isBidiPage(page)) return bidiQuery<Record<string, string>>(page, kind, selector, "attrs");
  return withCdp(page, async (cdp) => {
    const nodeId = await findInPanel(cdp, kind, selector);
    if (!nodeId) return undefined;
    const { node } = (await cdp.send("DOM.describeNode", { nodeId })) as unknown as { node: DomNode };
    return attrs(node);
  });
}

/** A real mouse click (trusted) in the middle of an element of the box, e.g. `[data-action="cps-login"]`. */
export async function clickInPanel(page: Page, kind: PanelKind, selector: string): Promise<void> {
  if (isBidiPage(page)) {
    const p = await bidiQuery<{ x: number; y: number; invisible?: true }>(page, kind, selector, "point");
    if (!p) throw new Error(`no ${selector} in the assistant's "${kind}" box`);
    if (p.invisible) throw new Error(`${selector} is not visible`);
    await page.mouse.click(p.x, p.y);
    return;
  }
  const point = await withCdp(page, async (cdp) => {
    const nodeId = await findInPanel(cdp, kind, selector);
    if (!nodeId) throw new Error(`no ${selector} in the assistant's "${kind}" box`);
    await cdp.send("DOM.scrollIntoViewIfNeeded", { nodeId });
    const { quads } = await cdp.send("DOM.getContentQuads", { nodeId });
    const q = quads[0];
    if (!q) throw new Error(`${selector} is not visible`);
    return { x: (q[0]! + q[2]! + q[4]! + q[6]!) / 4, y: (q[1]! + q[3]! + q[5]! + q[7]!) / 4 };
  });
  await page.mouse.click(point.x, point.y);
}

/** The box's rectangle in CSS pixels of the page (for screenshots around it). */
export async function panelBox(
  page: Page,
  kind: PanelKind,
): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  if (isBidiPage(page)) return bidiQuery(page, kind, "", "box");
  return withCdp(page, async (cdp) => {
    const nodeId = await findInPanel(cdp, kind);
    if (!nodeId) return undefined;
    const { model } = await cdp.send("DOM.getBoxModel", { nodeId });
    const b = model.border;
    const scroll = await cdp.send("Runtime.evaluate", {
      expression: "[window.scrollX, window.scrollY]",
      returnByValue: true,
    });
    const [sx, sy] = (scroll.result.value as [number, number]) ?? [0, 0];
    return { x: b[0]! + sx, y: b[1]! + sy, width: model.width, height: model.height };
  });
}

/**
 * Saves what the doctor sees around the assistant's box — the box and the portal around it (its button or title
 * above) — as `test-artifacts/<name>.png` (CPS_BRIDGE_ARTIFACTS_DIR overrides); without `kind`, the visible window.
 */
export async function portalScreenshot(
  page: Page,
  name: string,
  kind?: PanelKind,
  dir = ARTIFACTS_DIR,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^a-zA-Z0-9._-]/g, "_")}.png`) as `${string}.png`;
  const box = kind ? await panelBox(page, kind) : undefined;
  if (!box) {
    await page.screenshot({ path });
    return path;
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const x = Math.max(0, box.x - 120);
  const y = Math.max(0, box.y - 140);
  await page.screenshot({
    path,
    captureBeyondViewport: true,
    clip: { x, y, width: Math.min(width - x, box.width + 240), height: box.y - y + box.height + 24 },
  });
  return path;
}
