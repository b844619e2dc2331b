// @vitest-environment happy-dom
/**
 * The Internet webmails' selector sets on hand-made real-shaped fixtures ([U]: not saved from the real sites).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isAllowedSender } from "@cps-bridge/protocol/otp/rules";
import { describe, expect, it } from "vitest";
import { gmail } from "./gmail";
import { laposte } from "./laposte";
import { orange } from "./orange";
import { outlook } from "./outlook";
import { sfr } from "./sfr";
import type { Webmail } from "./webmail";
import { zimbra } from "./zimbra";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
function load(name: string): { doc: Document; url: URL } {
  const html = readFileSync(join(DIR, name), "utf8");
  const url = new URL(/url: (\S+)/.exec(html)?.[1] ?? "about:blank");
  return { doc: new DOMParser().parseFromString(html, "text/html"), url };
}
const NOW = new Date(2026, 11, 6, 9, 5, 0);
const SETS: readonly [string, Webmail][] = [
  ["gmail", gmail],
  ["outlook", outlook],
  ["orange", orange],
  ["zimbra", zimbra],
  ["sfr", sfr],
  ["laposte", laposte],
];

describe.each(SETS)("%s", (name, w) => {
  const fixture = `${name}-show.html`;

  it("recognises each example URL with its fixture", () => {
    expect(w.examples.length).toBeGreaterThanOrEqual(2);
    const { doc } = load(fixture);
    for (const e of w.examples) expect(w.detect(new URL(e), doc), e).toBe(true);
  });

  it("does not recognise the same page under another host (Zimbra: recognised by content, so it is)", () => {
    const { doc, url } = load(fixture);
    const other = new URL(url.href);
    other.hostname = "evil.example";
    expect(w.detect(other, doc)).toBe(name === "zimbra");
  });

  it("reads the exact sender, a date, an id and the text", () => {
    const { doc, url } = load(fixture);
    expect(w.detect(url, doc)).toBe(true);
    const m = w.opened(url, doc, NOW);
    expect(m?.sender).toBe("no_reply.trajectoire@sante-ra.fr");
    expect(m?.date).toBe(new Date(2026, 11, 6, 9, 2, 59, 999).getTime());
    expect(m?.id).toBeTruthy();
    expect(m?.text()).toContain("482913");
    expect(isAllowedSender(m?.sender ?? "")).toBe(true);
  });

  it("does not detect a page without a message body", () => {
    const { doc, url } = load(fixture);
    for (const el of doc.querySelectorAll(
      'div.a3s, div[aria-label="Corps du message"], div[aria-label="Message body"], #messageContent, .message-body, [data-testid="message-body"], .mail-body, #mailContent, .mail-detail-content, .mail-detail .content, .MsgBody, .MsgBody-html, .MsgBody-text',
    ))
      el.remove();
    expect(w.detect(url, doc)).toBe(false);
    expect(w.opened(url, doc, NOW)).toBeUndefined();
  });
});

describe.each([
  ["gmail", gmail],
  ["outlook", outlook],
] as const)("%s look-alike", (name, w) => {
  it("gives the real .evil.example address, which is refused", () => {
    const { doc, url } = load(`${name}-lookalike.html`);
    expect(w.detect(url, doc)).toBe(true);
    const m = w.opened(url, doc, NOW);
    expect(m?.sender).toBe("no_reply.trajectoire@sante-ra.fr.evil.example");
    expect(isAllowedSender(m?.sender ?? "")).toBe(false);
  });
});

describe("Zimbra by content", () => {
  it("is recognised on any host by its markers, and not without them", () => {
    const { doc } = load("zimbra-show.html");
    expect(zimbra.detect(new URL("https://mail.cabinet.example/?id=48213"), doc)).toBe(true);
    const bare = new DOMParser().parseFromString('<div class="MsgBody">Votre code : 482913</div>', "text/html");
    expect(zimbra.detect(new URL("https://zimbra.free.fr/?id=1"), bare)).toBe(false);
  });
});
