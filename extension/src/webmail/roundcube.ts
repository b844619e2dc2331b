/**
 * Roundcube (1.6, elastic and larry skins): the full view `?_task=mail&_action=show&_uid=…` and the preview frame
 * `…&_action=preview&_framed=1`. Selectors checked against pages saved from a real Roundcube over the real dovecot
 * (fixtures/roundcube-*.html, refresh-roundcube.ts). The sender is the address in the From link's `title` (Roundcube
 * writes the real address there; a display name never replaces it). Roundcube is self-hosted on any host: it is
 * recognised by its content (`rcmail` page markers), not by a host name.
 */
import { parseShownDate, textOf, type Webmail } from "./webmail";

export const roundcubeSelectors = {
  /** Roundcube's mail task body class (both skins): with the URL parameters, what tells a Roundcube page. */
  app: "body.task-mail",
  from: "td.header.from a.rcmContactAddress[title]",
  date: "td.header.date",
  body: "#messagebody",
} as const;

function uidOf(url: URL): string | undefined {
  const uid = url.searchParams.get("_uid");
  const mbox = url.searchParams.get("_mbox") ?? "INBOX";
  return uid && /^[\w.-]{1,40}$/.test(uid) ? `${mbox.slice(0, 100)}/${uid}` : undefined;
}

export const roundcube: Webmail = {
  id: "roundcube",
  examples: [
    "http://127.0.0.1:8025/?_task=mail&_mbox=INBOX&_uid=3&_action=show",
    "http://127.0.0.1:8025/?_task=mail&_mbox=INBOX&_uid=3&_action=preview&_framed=1",
    "https://webmail.cabinet-medical.example/roundcube/?_task=mail&_action=show&_uid=12&_mbox=INBOX",
  ],
  detect(url, doc) {
    const action = url.searchParams.get("_action");
    return (
      url.searchParams.get("_task") === "mail" &&
      (action === "show" || action === "preview") &&
      doc.querySelector(roundcubeSelectors.body) !== null &&
      doc.querySelector(roundcubeSelectors.app) !== null
    );
  },
  opened(url, doc, now) {
    const id = uidOf(url);
    const from = doc.querySelector<HTMLElement>(roundcubeSelectors.from)?.getAttribute("title")?.trim();
    const date = parseShownDate(textOf(doc.querySelector(roundcubeSelectors.date)), now);
    const body = doc.querySelector(roundcubeSelectors.body);
    if (!id || !from || date === undefined || !body) return undefined;
    return { sender: from, date, id, text: () => textOf(body) };
  },
};
