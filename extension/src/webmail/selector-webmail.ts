/**
 * What the Internet webmails' selector sets share (issue 11 §2): the bare address of an attribute or text (never a
 * display name), and the opened message read from three selectors (from, date, body) with the message id from an
 * attribute of the message or the URL. Each webmail's own file keeps only its hosts, selectors and examples.
 */
import { type OpenedMessage, parseShownDate, textOf } from "./webmail";

const ADDRESS = /^[^\s<>@"',;]+@[^\s<>@"',;]+$/;

/** The bare address of a value: `Name <a@b>`, `mailto:a@b` or exactly `a@b`; a display name is never taken. */
export function addressOf(value: string | null | undefined): string | undefined {
  const v = (value ?? "")
    .trim()
    .replace(/^mailto:/i, "")
    .replace(/\?.*$/, "");
  const angle = /<([^<>\s]+)>\s*$/.exec(v)?.[1];
  const a = angle ?? v;
  return ADDRESS.test(a) ? a.toLowerCase() : undefined;
}

/** The sender: the first From element with an address in an attribute, or whose whole text is a bare address. */
function senderOf(doc: Document, from: string): string | undefined {
  for (const el of doc.querySelectorAll(from)) {
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
function idOf(url: URL, body: Element | null): string | undefined {
  const holder = body?.closest("[data-message-id], [data-mid], [data-cid], [data-id]");
  const attr = ["data-message-id", "data-mid", "data-cid", "data-id"].map((a) => holder?.getAttribute(a)).find(Boolean);
  const param = ["id", "mid", "msgId", "uid", "_uid"].map((p) => url.searchParams.get(p)).find(Boolean);
  const hash = /(?:^|[/=])([\w.:%-]{1,200})$/.exec(url.hash.replace(/^#/, ""))?.[1];
  const id = (attr || param || hash || "").trim();
  return /^[\w.:%/=+-]{1,300}$/.test(id) ? id : undefined;
}

export interface MessageSelectors {
  from: string;
  date: string;
  body: string;
}

/** The opened message by selectors; undefined unless id, sender, date and body are all found. */
export function selectorMessage(url: URL, doc: Document, now: Date, s: MessageSelectors): OpenedMessage | undefined {
  const body = doc.querySelector(s.body);
  const id = idOf(url, body);
  const from = senderOf(doc, s.from);
  const d = doc.querySelector(s.date);
  const date = parseShownDate(d?.getAttribute("datetime") || d?.getAttribute("title") || textOf(d), now);
  if (!id || !from || date === undefined || !body) return undefined;
  return { sender: from, date, id, text: () => textOf(body) };
}
