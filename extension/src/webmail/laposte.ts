/**
 * La Poste Mail (webmail.laposte.net): an opened message. [U] every selector: the real DOM is not available here
 * (fixtures/laposte-show.html is hand-made, not saved from the site); the selectors tolerate an Open-Xchange App
 * Suite–like detail view (`.mail-detail`, `.person-from`, `.mail-detail-content`) and plain variants. The sender
 * ONLY from an address (a `data-address`/`title`/`mailto:` attribute, `<addr>` in a title, or a text that is a bare
 * address), never from a display name; the id from the detail's `data-cid`, else the URL.
 */
import { parseShownDate, textOf, type Webmail } from "./webmail";

export const laposteSelectors = {
  hosts: ["webmail.laposte.net", "mail.laposte.net"],
  from: '.mail-detail .person-from[title*="@"], .mail-detail .person-from[data-address], .mail-detail .from a[href^="mailto:"], .message-header .from [title*="@"]',
  date: ".mail-detail .date, .mail-detail time, .message-header .date",
  body: ".mail-detail-content, .mail-detail .content, .message-body",
} as const;

const ADDRESS = /^[^\s<>@"',;]+@[^\s<>@"',;]+$/;
/** The bare address of a value: `Name <a@b>`, `mailto:a@b` or exactly `a@b`; a display name is never taken. */
function addressOf(value: string | null | undefined): string | undefined {
  const v = (value ?? "")
    .trim()
    .replace(/^mailto:/i, "")
    .replace(/\?.*$/, "");
  const angle = /<([^<>\s]+)>\s*$/.exec(v)?.[1];
  const a = angle ?? v;
  return ADDRESS.test(a) ? a.toLowerCase() : undefined;
}

/** The sender: the first From element with an address in an attribute, or whose whole text is a bare address. */
function senderOf(doc: Document): string | undefined {
  for (const el of doc.querySelectorAll(laposteSelectors.from)) {
    for (const attr of ["data-email", "email", "data-address", "title", "href", "aria-label"]) {
      const a = addressOf(el.getAttribute(attr));
      if (a) return a;
    }
    const t = addressOf(textOf(el));
    if (t) return t;
  }
  return undefined;
}

/** The message id: an id attribute of the opened message, else the URL (a query parameter, else the fragment). */
function idOf(url: URL, _doc: Document, body: Element | null): string | undefined {
  const holder = body?.closest("[data-message-id], [data-mid], [data-cid], [data-id]");
  const attr = ["data-message-id", "data-mid", "data-cid", "data-id"].map((a) => holder?.getAttribute(a)).find(Boolean);
  const param = ["id", "mid", "msgId", "uid", "_uid"].map((p) => url.searchParams.get(p)).find(Boolean);
  const hash = /(?:^|[/=])([\w.:%-]{1,200})$/.exec(url.hash.replace(/^#/, ""))?.[1];
  const id = (attr || param || hash || "").trim();
  return /^[\w.:%/=+-]{1,300}$/.test(id) ? id : undefined;
}

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
    const body = doc.querySelector(laposteSelectors.body);
    const id = idOf(url, doc, body);
    const from = senderOf(doc);
    const d = doc.querySelector(laposteSelectors.date);
    const date = parseShownDate(d?.getAttribute("datetime") || d?.getAttribute("title") || textOf(d), now);
    if (!id || !from || date === undefined || !body) return undefined;
    return { sender: from, date, id, text: () => textOf(body) };
  },
};
