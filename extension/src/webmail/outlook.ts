/**
 * Outlook on the web (outlook.live.com/mail, outlook.office.com/mail, outlook.office365.com/mail): the reading pane
 * or a message opened full page. [U] every selector: the real DOM is not available here (fixtures/outlook-*.html
 * are hand-made). Tolerated variants: the body `div[aria-label="Corps du message"]` or `div[aria-label="Message
 * body"]`; the sender from the first header element whose `title` or `aria-label` carries an ADDRESS — `Name
 * <a@b>` or exactly `a@b` (a title/label holding only a display name, even one that looks like an address plus
 * words, is skipped), looked for only in the reading pane before the body; the date from `[data-testid="SentReceivedSavedTime"]`, else an element whose title/label looks
 * like a date; the message id from the URL path `/id/<id>`.
 */

import { addressOf } from "./selector-webmail";
import { parseShownDate, textOf, type Webmail } from "./webmail";

export const outlookSelectors = {
  hosts: ["outlook.live.com", "outlook.office.com", "outlook.office365.com"],
  /** Tried in this order (the first present wins): the reading pane, the main region, the page. */
  pane: ["#ReadingPaneContainerId", '[role="main"]', "body"],
  from: '[title*="@"], [aria-label*="@"]',
  date: '[data-testid="SentReceivedSavedTime"], [data-testid="ReceivedTime"], time[datetime]',
  body: 'div[aria-label="Corps du message"], div[aria-label="Message body"]',
} as const;

function idOf(url: URL): string | undefined {
  const m = /\/id\/([^/?#]+)/.exec(url.pathname)?.[1];
  if (!m) return undefined;
  try {
    return decodeURIComponent(m).slice(0, 300);
  } catch {
    return undefined;
  }
}

export const outlook: Webmail = {
  id: "outlook",
  examples: [
    "https://outlook.live.com/mail/0/inbox/id/AQQkADAwATM0MDAAMS1hNjA2LTk2ZDMtMDACLTAwCgAQAKc3bW%2F5N0xKoR8Y",
    "https://outlook.office.com/mail/inbox/id/AAQkAGI2TG93AAA%3D",
    "https://outlook.office365.com/mail/id/AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGZmM2E0NjA3ZQ%3D%3D",
  ],
  detect(url, doc) {
    return (
      (outlookSelectors.hosts as readonly string[]).includes(url.hostname) &&
      url.pathname.startsWith("/mail") &&
      doc.querySelector(outlookSelectors.body) !== null
    );
  },
  opened(url, doc, now) {
    const id = idOf(url);
    const pane = outlookSelectors.pane.map((p) => doc.querySelector(p)).find((p) => p !== null);
    const body = pane?.querySelector(outlookSelectors.body);
    if (!id || !pane || !body) return undefined;
    let from: string | undefined;
    for (const el of pane.querySelectorAll(outlookSelectors.from)) {
      // Only the header: what precedes the body (never the body's text, nor the folders pane before the pane).
      if (!(el.compareDocumentPosition(body) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
      from = addressOf(el.getAttribute("title")) ?? addressOf(el.getAttribute("aria-label"));
      if (from) break;
    }
    const d = pane.querySelector(outlookSelectors.date);
    const date = parseShownDate(d?.getAttribute("title") || textOf(d), now);
    if (!from || date === undefined) return undefined;
    return { sender: from, date, id, text: () => textOf(body) };
  },
};
