import { describe, expect, it } from "vitest";
import { originOfSender } from "./sender-origin";

const top = (url: string, tabUrl: string | undefined = url) => ({
  id: "x",
  url,
  frameId: 0,
  tab: { id: 4, ...(tabUrl ? { url: tabUrl } : {}) },
});

describe("originOfSender", () => {
  it("serialises the top-level document's origin (punycode, no path, default port dropped)", () => {
    expect(originOfSender(top("https://viatrajectoire.fr:443/Portail/Login.aspx?x=1#y"))).toEqual({
      origin: "https://viatrajectoire.fr",
      tabId: 4,
    });
    expect(originOfSender(top("https://bücher.example/a")).origin).toBe("https://xn--bcher-kva.example");
  });

  it("uses the frame URL when the tab URL is not visible to the extension", () => {
    expect(originOfSender(top("https://trajectoire.sante-ra.fr/x", undefined)).origin).toBe(
      "https://trajectoire.sante-ra.fr",
    );
  });

  it("accepts http only on loopback (the mock portal); the allow-list decides the rest", () => {
    expect(originOfSender(top("http://localhost:8443/Login.aspx")).origin).toBe("http://localhost:8443");
    expect(() => originOfSender(top("http://viatrajectoire.fr/"))).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ORIGIN" }),
    );
  });

  it.each([
    ["no tab (another extension page)", { id: "x", url: "https://a.fr/", frameId: 0 }],
    ["a sub-frame", { ...top("https://a.fr/"), frameId: 2 }],
    ["frame and tab disagree", top("https://a.fr/", "https://b.fr/")],
    ["no URL", { id: "x", frameId: 0, tab: { id: 1 } }],
    ["a file page", top("file:///home/x.html")],
  ])("refuses %s", (_n, sender) => {
    expect(() => originOfSender(sender)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ORIGIN" }));
  });
});
