/**
 * The origin a login is for, taken by the background from the browser — never from page data (anchors.md §1.4,
 * §(a) "Login token"): the *top-level* document of the sending tab. A message from a sub-frame is refused, so an
 * iframe embedded in a portal page (or a portal framed by another site) can never obtain a token.
 */
import { BridgeError } from "@cps-bridge/protocol/errors";
import { normaliseOrigin } from "@cps-bridge/protocol/login-token-format";

/** The fields of `runtime.MessageSender` this check reads. */
export interface SenderLike {
  id?: string;
  url?: string;
  frameId?: number;
  tab?: { id?: number; url?: string };
}

export function originOfSender(sender: SenderLike): { origin: string; tabId: number } {
  if (sender.tab?.id === undefined) throw new BridgeError("ERR_INVALID_ORIGIN", "Not sent from a tab");
  if (sender.frameId !== 0) throw new BridgeError("ERR_INVALID_ORIGIN", "Not sent from the top-level frame");
  // sender.url is the sending document's URL (always given); sender.tab.url is the tab's top-level URL (given when
  // the extension may see it). For frameId 0 they are the same document: when both exist they must agree.
  const frameUrl = sender.url;
  const tabUrl = sender.tab.url;
  if (frameUrl === undefined) throw new BridgeError("ERR_INVALID_ORIGIN", "Sender has no URL");
  const frameOrigin = safeOrigin(frameUrl);
  if (tabUrl !== undefined && safeOrigin(tabUrl) !== frameOrigin) {
    throw new BridgeError("ERR_INVALID_ORIGIN", "Frame and tab origins differ");
  }
  // Serialised as the agent and verifiers do (ASCII, no trailing slash); http only for loopback (developer origins).
  return { origin: normaliseOrigin(frameOrigin, { allowHttpLocalhost: true }), tabId: sender.tab.id };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    throw new BridgeError("ERR_INVALID_ORIGIN", "Sender URL does not parse");
  }
}
