/**
 * La Poste Mail (webmail.laposte.net): an opened message. [U] every selector: the real DOM is not available here
 * (fixtures/laposte-show.html is hand-made, not saved from the site); the selectors tolerate an Open-Xchange App
 * Suite–like detail view (`.mail-detail`, `.person-from`, `.mail-detail-content`) and plain variants. The sender
 * ONLY from an address (a `data-address`/`title`/`mailto:` attribute, `<addr>` in a title, or a text that is a bare
 * address), never from a display name; the id from the detail's `data-cid`, else the URL.
 */
import { selectorMessage } from "./selector-webmail";
import type { Webmail } from "./webmail";

export const laposteSelectors = {
  hosts: ["webmail.laposte.net", "mail.laposte.net"],
  from: '.mail-detail .person-from[title*="@"], .mail-detail .person-from[data-address], .mail-detail .from a[href^="mailto:"], .message-header .from [title*="@"]',
  date: ".mail-detail .date, .mail-detail time, .message-header .date",
  body: ".mail-detail-content, .mail-detail .content, .message-body",
} as const;

export const laposte: Webmail = {
  id: "laposte",
  examples: [
    "https://webmail.laposte.net/appsuite/#!!&app=io.ox/mail&folder=default0/INBOX&id=default0/INBOX.48213",
    "https://webmail.laposte.net/webmail/?mid=48213",
  ],
  detect(url, doc) {
    return (
      (laposteSelectors.hosts as readonly string[]).includes(url.hostname) &&
      doc.querySelector(laposteSelectors.body) !== null
    );
  },
  opened(url, doc, now) {
    return selectorMessage(url, doc, now, laposteSelectors);
  },
};
