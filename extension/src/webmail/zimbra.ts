/**
 * Zimbra (Free's zimbra.free.fr and any self-hosted Zimbra, classic Ajax and HTML clients): an opened message.
 * Recognised by its CONTENT markers (Zimbra's shell/skin ids and message-view classes), not by a host. [U] every
 * selector: the real DOM is not available here (fixtures/zimbra-show.html is hand-made, not saved from the site).
 * The sender ONLY from an address (the bubble's `email`/`data-email` attribute, `<addr>` in a title, `mailto:`,
 * or a text that is a bare address), never from a display name; the id from the message view's data attribute,
 * else the URL (`id=`).
 */
import { selectorMessage } from "./selector-webmail";
import type { Webmail } from "./webmail";

export const zimbraSelectors = {
  app: '#skin_outer, .DwtShell, .ZmMailMsgView, .ZhAppContent, [id^="zv__"]',
  from: '.MsgHdrValue .addrBubble[email], .MsgHdrValue [data-email], .MsgHdrValue [title*="@"], .MsgHdrValue a[href^="mailto:"], .ZmMailMsgView .From [email]',
  date: ".MsgHdrTable .DateCol, .MsgHdrDate, td.DateCol",
  body: ".MsgBody, .MsgBody-html, .MsgBody-text",
} as const;

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
    return selectorMessage(url, doc, now, zimbraSelectors);
  },
};
