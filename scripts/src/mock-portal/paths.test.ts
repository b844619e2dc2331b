import { describe, expect, it } from "vitest";
import { aspNetUrlEncode, DEFAULT_RETURN, loginUrlFor, PATHS, safeReturnUrl } from "./paths";

describe("paths", () => {
  it("builds the login URL as ASP.NET does (lower-case escapes, viatrajectoire.md §2.1)", () => {
    expect(loginUrlFor("/Trajectoire/pages/AccesRestreint/Angular/App.aspx/Sanitaire/TDB/Demandeur")).toBe(
      "/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fSanitaire%2fTDB%2fDemandeur",
    );
    expect(aspNetUrlEncode("/a?b=c&d")).toBe("%2fa%3fb%3dc%26d");
  });

  it("follows only local ReturnUrls (no open redirect)", () => {
    expect(safeReturnUrl(PATHS.account)).toBe(PATHS.account);
    expect(safeReturnUrl("/x?y=1")).toBe("/x?y=1");
    for (const bad of [
      null,
      "",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
      "/a\nb",
      "x/y",
    ]) {
      expect(safeReturnUrl(bad)).toBe(DEFAULT_RETURN);
    }
  });

  it("encodes dossier numbers in dossier URLs", () => {
    expect(PATHS.dossier("GrandAge", "GA-2025/1")).toBe(
      "/Trajectoire/pages/AccesRestreint/Angular/App.aspx/GrandAge/Dossier/GA-2025%2F1",
    );
  });
});
