import { describe, expect, it } from "vitest";
import { WEBMAILS } from "./webmail-reader";
import { enabledServiceFor, INTERNET_WEBMAILS, patternMatches, webmailOriginPatterns } from "./webmail-services";

describe("the Internet webmails offered in the options", () => {
  it("every service has a selector set, and its origins cover every example URL of that set", () => {
    for (const s of INTERNET_WEBMAILS) {
      const w = WEBMAILS.find((x) => x.id === s.id);
      expect(w, s.id).toBeDefined();
      const examples = (w?.examples ?? []).map((e) => new URL(e)).filter((u) => !u.hostname.endsWith(".example"));
      expect(examples.length, s.id).toBeGreaterThan(0);
      for (const u of examples)
        expect(
          s.origins.some((p) => patternMatches(p, u)),
          u.href,
        ).toBe(true);
    }
  });
  it("origins are https match patterns only, and the loopback Roundcube is not among the services", () => {
    for (const p of webmailOriginPatterns()) expect(p).toMatch(/^https:\/\/(\*\.)?[a-z0-9.-]+\/\*$/);
    expect(INTERNET_WEBMAILS.some((s) => s.id === "roundcube")).toBe(false);
  });
  it("patterns: exact host, subdomain wildcard, scheme; no look-alike host matches", () => {
    expect(patternMatches("https://mail.google.com/*", new URL("https://mail.google.com/mail/u/0/"))).toBe(true);
    expect(patternMatches("https://mail.google.com/*", new URL("http://mail.google.com/"))).toBe(false);
    expect(patternMatches("https://mail.google.com/*", new URL("https://mail.google.com.evil.fr/"))).toBe(false);
    expect(patternMatches("https://*.orange.fr/*", new URL("https://mail01.orange.fr/appsuite/"))).toBe(true);
    expect(patternMatches("https://*.orange.fr/*", new URL("https://orange.fr/"))).toBe(true);
    expect(patternMatches("https://*.orange.fr/*", new URL("https://evilorange.fr/"))).toBe(false);
    expect(patternMatches("not a pattern", new URL("https://orange.fr/"))).toBe(false);
  });
  it("a page is served only when its service is enabled", () => {
    const u = new URL("https://mail.google.com/mail/u/0/#inbox/X");
    expect(enabledServiceFor(u, [])).toBeUndefined();
    expect(enabledServiceFor(u, ["outlook"])).toBeUndefined();
    expect(enabledServiceFor(u, ["gmail"])?.id).toBe("gmail");
  });
});
