/**
 * SFR Mail (webmail.sfr.fr): an opened message. [U] every selector: the real SFR DOM is not available here
 * (fixtures/sfr-show.html is hand-made from its known structure, not saved from the site). Tolerated variants are
 * joined in each selector; the sender ONLY from an address (a `data-email`/`title`/`mailto:` attribute, `<addr>` in
 * a title, or a text that is a bare address), never from a display name; the id from the message container's data
 * attribute, else the URL.
 */
import { parseShownDate, textOf, type Webmail } from "./webmail";

export const sfrSelectors = {
  hosts: ["webmail.sfr.fr", "messagerie.sfr.fr"],
  from: '.mail-header .from [data-email], .mail-header .from [title*="@"], .mail-header .from a[href^="mailto:"], .message-header .sender [title*="@"], .message-header .sender-email',
  date: ".mail-header .date, .message-header .date, .mail-header time",
  body: ".mail-body, .message-body, #mailContent",
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
  for (const el of doc.querySelectorAll(sfrSelectors.from)) {
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

export const sfr: Webmail = {
  id: "sfr",
  examples: ["https://webmail.sfr.fr/webmail/read?id=48213&folder=INBOX", "https://webmail.sfr.fr/#/mail/INBOX/48213"],
  detect(url, doc) {
    return (
      (sfrSelectors.hosts as readonly string[]).includes(url.hostname) && doc.querySelector(sfrSelectors.body) !== null
    );
  },
  opened(url, doc, now) {
    const body = doc.querySelector(sfrSelectors.body);
    const id = idOf(url, doc, body);
    const from = senderOf(doc);
    const d = doc.querySelector(sfrSelectors.date);
    const date = parseShownDate(d?.getAttribute("datetime") || d?.getAttribute("title") || textOf(d), now);
    if (!id || !from || date === undefined || !body) return undefined;
    return { sender: from, date, id, text: () => textOf(body) };
  },
};
