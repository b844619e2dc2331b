import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import {
  allowedOrigins,
  DEFAULT_SETTINGS,
  loadSettings,
  normaliseOrigin,
  parseSettings,
  saveSettings,
} from "./settings";

beforeEach(() => fakeBrowser.reset());

describe("settings", () => {
  it("defaults: port 17777, the two ViaTrajectoire hosts, automatic language", async () => {
    expect(await loadSettings()).toEqual({
      agentPort: 17777,
      portalOrigins: ["https://trajectoire.sante-ra.fr", "https://viatrajectoire.fr"],
      developerOrigins: [],
      language: "auto",
    });
  });

  it("normalises origins and refuses anything that is not one", () => {
    expect(normaliseOrigin(" https://ViaTrajectoire.fr/ ")).toBe("https://viatrajectoire.fr");
    expect(normaliseOrigin("https://viatrajectoire.fr/Login.aspx")).toBeUndefined();
    expect(normaliseOrigin("http://viatrajectoire.fr")).toBeUndefined();
    expect(normaliseOrigin("http://localhost:8443")).toBeUndefined();
    expect(normaliseOrigin("http://localhost:8443", { developer: true })).toBe("http://localhost:8443");
    expect(normaliseOrigin("http://127.0.0.1:9000/", { developer: true })).toBe("http://127.0.0.1:9000");
    expect(normaliseOrigin("http://example.com", { developer: true })).toBeUndefined();
    expect(normaliseOrigin("https://user:pw@viatrajectoire.fr")).toBeUndefined();
    expect(normaliseOrigin("not a url")).toBeUndefined();
  });

  it("repairs a damaged stored value field by field", () => {
    expect(parseSettings({ agentPort: 80, portalOrigins: ["https://a.fr", 3, "ftp://x"], language: "de" })).toEqual({
      ...DEFAULT_SETTINGS,
      portalOrigins: ["https://a.fr"],
    });
    expect(parseSettings("garbage")).toEqual(DEFAULT_SETTINGS);
  });

  it("round-trips through storage.local and lists every allowed origin", async () => {
    await saveSettings({
      ...DEFAULT_SETTINGS,
      agentPort: 18000,
      developerOrigins: ["http://localhost:8443"],
      language: "en",
    });
    const s = await loadSettings();
    expect(s.agentPort).toBe(18000);
    expect(s.language).toBe("en");
    expect(allowedOrigins(s)).toEqual([...DEFAULT_SETTINGS.portalOrigins, "http://localhost:8443"]);
  });
});
