// @vitest-environment happy-dom
/** The webmail readers on pages saved from a real Roundcube (fixtures/refresh-roundcube.ts). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { roundcube, roundcubeSelectors } from "./roundcube";
import { parseShownDate } from "./webmail";
import { detectWebmail, readCandidate, WEBMAILS } from "./webmail-reader";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
function load(name: string): { doc: Document; url: URL } {
  const html = readFileSync(join(DIR, name), "utf8");
  const url = new URL(/^\s*url: (\S+)/m.exec(html)?.[1] ?? "about:blank");
  return { doc: new DOMParser().parseFromString(html.replace(/<link [^>]*>/g, ""), "text/html"), url };
}
/** The fixtures were saved on 2026-12-06 (« Aujourd’hui »). */
const SAVED_DAY = new Date(2026, 11, 6, 9, 5, 0);

describe("webmail readers", () => {
  it("each detector recognises its example URLs' pages and no other webmail claims them", () => {
    for (const w of WEBMAILS) expect(w.examples.length).toBeGreaterThan(1);
    const { doc } = load("roundcube-show.html");
    for (const e of roundcube.examples) expect(detectWebmail(new URL(e), doc)?.id).toBe("roundcube");
  });

  it.each([
    ["from", roundcubeSelectors.from, 1],
    ["date", roundcubeSelectors.date, 1],
    ["body", roundcubeSelectors.body, 1],
    ["app", roundcubeSelectors.app, 1],
  ] as const)("Roundcube selector %s matches %i in the show and preview pages, 0 in the list", (_n, sel, count) => {
    for (const f of ["roundcube-show.html", "roundcube-preview.html"])
      expect(load(f).doc.querySelectorAll(sel).length, f).toBe(count);
    if (sel !== roundcubeSelectors.app) expect(load("roundcube-list.html").doc.querySelectorAll(sel).length).toBe(0);
  });

  it("reads the portal's code from an opened message (full view and preview frame)", () => {
    for (const f of ["roundcube-show.html", "roundcube-preview.html"]) {
      const { doc, url } = load(f);
      expect(readCandidate(url, doc, SAVED_DAY)).toEqual({
        code: "542642",
        mailDate: new Date(2026, 11, 6, 9, 2, 59, 999).getTime(),
        sender: "no_reply.trajectoire@sante-ra.fr",
        mailId: "INBOX/3",
        webmail: "roundcube",
      });
    }
  });

  it("reads nothing from a look-alike sender's message, nor from the list (no message opened)", () => {
    const l = load("roundcube-show-lookalike.html");
    expect(readCandidate(l.url, l.doc, SAVED_DAY)).toBeUndefined();
    const list = load("roundcube-list.html");
    expect(readCandidate(list.url, list.doc, SAVED_DAY)).toBeUndefined();
  });

  it("does not take a page that merely has Roundcube's URL parameters", () => {
    const doc = new DOMParser().parseFromString('<div id="messagebody">Votre code OTP : 123456</div>', "text/html");
    expect(detectWebmail(new URL("https://evil.example/?_task=mail&_action=show&_uid=1"), doc)).toBeUndefined();
  });

  it("parses the plausible shown dates to the end of the minute, local time", () => {
    const now = new Date(2026, 11, 6, 10, 0, 0);
    const end = (y: number, mo: number, d: number, h: number, m: number) => new Date(y, mo, d, h, m, 59, 999).getTime();
    expect(parseShownDate("Aujourd’hui 09:02", now)).toBe(end(2026, 11, 6, 9, 2));
    expect(parseShownDate("Today 09:02", now)).toBe(end(2026, 11, 6, 9, 2));
    expect(parseShownDate("Hier 23:59", now)).toBe(end(2026, 11, 5, 23, 59));
    expect(parseShownDate("2026-12-06 09:02", now)).toBe(end(2026, 11, 6, 9, 2));
    expect(parseShownDate("06/12/2026 09:02", now)).toBe(end(2026, 11, 6, 9, 2));
    expect(parseShownDate("6 déc. 2026 09h02", now)).toBe(end(2026, 11, 6, 9, 2));
    expect(parseShownDate("sans heure", now)).toBeUndefined();
  });
});
