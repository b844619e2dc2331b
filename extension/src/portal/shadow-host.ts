/**
 * A place for the assistant's UI on a portal page that the page cannot look into or style: a host element holding a
 * **closed** shadow root (the page's `host.shadowRoot` is null; events leaving it are retargeted to the host), with
 * the extension's own stylesheet inside and `:host { all: initial }` so nothing the portal's CSS sets is inherited
 * (shared/research/anchors.md §4: no style leaks in or out). The shadow root is attached from the content script's
 * isolated world, so a page that patched `Element.prototype.attachShadow` changes nothing.
 *
 * What the page can still see: that a `<cps-bridge-assistant>` element exists, and its size. Nothing it shows.
 */

import panelCss from "../ui/portal/panel.css?inline";
import themeCss from "../ui/theme.css?inline";

export const HOST_TAG = "cps-bridge-assistant";

export type Placement = "after" | "before" | "prepend" | "append";

export interface ShadowMount {
  host: HTMLElement;
  /** Where to render (a <div> inside the shadow root). */
  container: HTMLElement;
}

/**
 * Inserts a host next to `anchor` and returns its render container; removed when `signal` aborts.
 * `feature` names the feature that owns it (`data-feature`), so a rerun replaces its own host and nobody else's.
 */
export function mountShadowHost(
  anchor: Element,
  placement: Placement,
  feature: string,
  signal: AbortSignal,
): ShadowMount {
  const doc = anchor.ownerDocument;
  // A host left by an earlier run of this feature (or by an orphaned older copy of the content script) goes first.
  for (const old of doc.querySelectorAll(`${HOST_TAG}[data-feature="${feature}"]`)) old.remove();
  const host = doc.createElement(HOST_TAG);
  host.setAttribute("data-feature", feature);
  // Inline and important: a portal rule such as `form * { display: none }` must not hide or float the panel.
  host.style.setProperty("display", "block", "important");
  host.style.setProperty("position", "static", "important");
  const shadow = host.attachShadow({ mode: "closed" });
  const style = doc.createElement("style");
  // theme.css is written for extension pages (`:root`); in a shadow root its variables belong on the host.
  style.textContent = `${themeCss.replaceAll(":root", ":host")}\n${panelCss}`;
  const container = doc.createElement("div");
  container.className = "cpsb-root";
  shadow.append(style, container);
  switch (placement) {
    case "after":
      anchor.after(host);
      break;
    case "before":
      anchor.before(host);
      break;
    case "prepend":
      anchor.prepend(host);
      break;
    case "append":
      anchor.append(host);
      break;
  }
  signal.addEventListener("abort", () => host.remove(), { once: true });
  return { host, container };
}
