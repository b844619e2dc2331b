/**
 * Orange Mail (messagerie.orange.fr, mail01.orange.fr and the other mailNN.orange.fr): an opened message.
 * [U] every selector: the real Orange DOM is not available here (fixtures/orange-show.html is hand-made from its
 * known structure, not saved from the site). Tolerated variants are joined in each selector; the sender ONLY from
 * an address (a `data-email`/`title`/`mailto:` attribute, `<addr>` in a title, or a text that is a bare address),
 * never from a display name; the message id from the message container's data attribute, else the URL.
 */
import { selectorMessage } from "./selector-webmail";
import type { Webmail } from "./webmail";

export const orangeSelectors = {
  hosts: /^(messagerie|mail\d{0,3})\.orange\.fr$/,
  from: '.message-header .from [data-email], .message-header .from [title*="@"], .message-header .from a[href^="mailto:"], [data-testid="message-sender"] [title*="@"], [data-testid="message-sender-email"]',
  date: '.message-header .date, [data-testid="message-date"], .message-header time',
  body: '#messageContent, .message-body, [data-testid="message-body"]',
} as const;

export const orange: Webmail = {
  id: "orange",
  examples: [
    "https://messagerie.orange.fr/#/mail/INBOX/48213",
    "https://mail01.orange.fr/appsuite/?mid=48213#/mail/INBOX",
    "https://messagerie.orange.fr/mail/read?id=INBOX%2F48213",
  ],
  detect(url, doc) {
    return orangeSelectors.hosts.test(url.hostname) && doc.querySelector(orangeSelectors.body) !== null;
  },
  opened(url, doc, now) {
    return selectorMessage(url, doc, now, orangeSelectors);
  },
};
