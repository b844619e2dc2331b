/**
 * Gmail (mail.google.com, an opened conversation). [U] every selector: the real Gmail DOM is not available here;
 * they follow Gmail's long-standing obfuscated class names (fixtures/gmail-*.html are hand-made, not saved from the
 * real site). Tolerated variants: the message container `div.adn` or any `[data-message-id]`; the message id from
 * `data-legacy-message-id`, else `data-message-id`; the sender ONLY from the `email` attribute of `span.gD[email]`
 * (or any `[email]` in the header `.gE`/`.iw`), never from the shown name; the date from `span.g3[title]`. The last
 * message of the conversation that shows a body is the one read.
 */

import { addressOf } from "./selector-webmail";
import { parseShownDate, textOf, type Webmail } from "./webmail";

export const gmailSelectors = {
  hosts: ["mail.google.com"],
  message: "div.adn, [data-message-id]",
  from: "span.gD[email], .gE [email], .iw [email]",
  date: "span.g3[title]",
  body: "div.a3s",
} as const;

function openedMessage(doc: Document): Element | undefined {
  const bodies = [...doc.querySelectorAll(gmailSelectors.body)];
  for (let i = bodies.length - 1; i >= 0; i--) {
    const m = bodies[i]?.closest(gmailSelectors.message);
    if (m) return m;
  }
  return undefined;
}

export const gmail: Webmail = {
  id: "gmail",
  examples: [
    "https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKmhPqZbRvLtnTcwNpGxS",
    "https://mail.google.com/mail/u/1/#search/trajectoire/FMfcgzQXJWDsKmhPqZbRvLtnTcwNpGxS",
    "https://mail.google.com/mail/u/0/?ui=2#label/Portail/FMfcgzQXJWDsKmhPqZbRvLtnTcwNpGxS",
  ],
  detect(url, doc) {
    return (
      (gmailSelectors.hosts as readonly string[]).includes(url.hostname) &&
      doc.querySelector(gmailSelectors.body) !== null
    );
  },
  opened(_url, doc, now) {
    const m = openedMessage(doc);
    if (!m) return undefined;
    const id = (m.getAttribute("data-legacy-message-id") || m.getAttribute("data-message-id") || "").trim();
    const from = addressOf(m.querySelector(gmailSelectors.from)?.getAttribute("email"));
    const date = parseShownDate(m.querySelector(gmailSelectors.date)?.getAttribute("title") ?? "", now);
    const body = m.querySelector(gmailSelectors.body);
    if (!id || !from || date === undefined || !body) return undefined;
    return { sender: from, date, id: id.slice(0, 200), text: () => textOf(body) };
  },
};
