/**
 * SFR Mail (webmail.sfr.fr): an opened message. [U] every selector: the real SFR DOM is not available here
 * (fixtures/sfr-show.html is hand-made from its known structure, not saved from the site). Tolerated variants are
 * joined in each selector; the sender ONLY from an address (a `data-email`/`title`/`mailto:` attribute, `<addr>` in
 * a title, or a text that is a bare address), never from a display name; the id from the message container's data
 * attribute, else the URL.
 */
import { selectorMessage } from "./selector-webmail";
import type { Webmail } from "./webmail";

export const sfrSelectors = {
  hosts: ["webmail.sfr.fr", "messagerie.sfr.fr"],
  from: '.mail-header .from [data-email], .mail-header .from [title*="@"], .mail-header .from a[href^="mailto:"], .message-header .sender [title*="@"], .message-header .sender-email',
  date: ".mail-header .date, .message-header .date, .mail-header time",
  body: ".mail-body, .message-body, #mailContent",
} as const;

export const sfr: Webmail = {
  id: "sfr",
  examples: ["https://webmail.sfr.fr/webmail/read?id=48213&folder=INBOX", "https://webmail.sfr.fr/#/mail/INBOX/48213"],
  detect(url, doc) {
    return (
      (sfrSelectors.hosts as readonly string[]).includes(url.hostname) && doc.querySelector(sfrSelectors.body) !== null
    );
  },
  opened(url, doc, now) {
    return selectorMessage(url, doc, now, sfrSelectors);
  },
};
