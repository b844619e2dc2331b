/**
 * Zimbra (Free's zimbra.free.fr and any self-hosted Zimbra, classic Ajax and HTML clients): an opened message.
 * Recognised by its CONTENT markers (Zimbra's shell/skin ids and message-view classes), not by a host. [U] every
 * selector: the real DOM is not available here (fixtures/zimbra-show.html is hand-made, not saved from the site).
 * The sender ONLY from an address (the bubble's `email`/`data-email` attribute, `<addr>` in a title, `mailto:`,
 * or a text that is a bare address), never from a display name; the id from the message view's data attribute,
 * else the URL (`id=`).
 */
import { parseShownDate, textOf, type Webmail } from "./webmail";

export const zimbraSelectors = {
  app: '#skin_outer, .DwtShell, .ZmMailMsgView, .ZhAppContent, [id^="zv__"]',
  from: '.MsgHdrValue .addrBubble[email], .MsgHdrValue [data-email], .MsgHdrValue [title*="@"], .MsgHdrValue a[href^="mailto:"], .ZmMailMsgView .From [email]',
  date: ".MsgHdrTable .DateCol, .MsgHdrDate, td.DateCol",
  body: ".MsgBody, .MsgBody-html, .MsgBody-text",
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
  for (const el of doc.querySelectorAll(zimbraSelectors.from)) {
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

export const zimbra: Webmail = {
  id: "zimbra",
  examples: [
    "https://zimbra.free.fr/?id=48213#1",
    "https://zimbra.free.fr/h/search?mesg=welcome&id=48213&action=view",
    "https://mail.cabinet-medical.example/zimbra/mail?id=48213",
  ],
  detect(_url, doc) {
    return doc.querySelector(zimbraSelectors.app) !== null && doc.querySelector(zimbraSelectors.body) !== null;
  },
  opened(url, doc, now) {
    const body = doc.querySelector(zimbraSelectors.body);
    const id = idOf(url, doc, body);
    const from = senderOf(doc);
    const d = doc.querySelector(zimbraSelectors.date);
    const date = parseShownDate(d?.getAttribute("datetime") || d?.getAttribute("title") || textOf(d), now);
    if (!id || !from || date === undefined || !body) return undefined;
    return { sender: from, date, id, text: () => textOf(body) };
  },
};
