import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, defaultConfig, loadConfig } from "./config";

const file = (content: unknown) => {
  const p = join(mkdtempSync(join(tmpdir(), "cps-config-")), "config.json");
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
};

describe("config", () => {
  it("defaults: 127.0.0.1:17777, the pinned Chrome origin, not test mode", () => {
    const c = loadConfig(undefined);
    expect(c).toMatchObject({ host: "127.0.0.1", port: 17777, testMode: false });
    expect(c.allowedOrigins).toEqual(["chrome-extension://banlgmakknkcdfmohidddadanllieedl"]);
    expect(loadConfig(join(tmpdir(), "does-not-exist.json")).port).toBe(17777);
  });

  it("merges the file, then flags", () => {
    const p = file({
      port: 18000,
      allowedOrigins: ["chrome-extension://abcdefghijklmnopabcdefghijklmnop"],
      limits: { maxConnections: 4 },
    });
    const c = loadConfig(p, { port: 19000, testMode: true });
    expect(c.port).toBe(19000);
    expect(c.testMode).toBe(true);
    expect(c.allowedOrigins).toHaveLength(2);
    expect(c.limits.maxConnections).toBe(4);
    expect(c.limits.maxUnauthenticated).toBe(4); // clamped to maxConnections
    expect(c.limits.maxInFlightPerConnection).toBe(defaultConfig().limits.maxInFlightPerConnection);
  });

  it("a port from the file or a flag is explicit (only it is tried); the default lets start take the range", () => {
    expect(loadConfig(undefined).portExplicit).toBe(false);
    expect(loadConfig(file({ logLevel: "info" })).portExplicit).toBe(false);
    expect(loadConfig(file({ port: 18000 }))).toMatchObject({ port: 18000, portExplicit: true });
    expect(loadConfig(undefined, { port: 17777 })).toMatchObject({ port: 17777, portExplicit: true });
  });

  it("refuses to listen anywhere but 127.0.0.1", () => {
    expect(() => loadConfig(file({ host: "0.0.0.0" }))).toThrow(/Adresse d'écoute refusée/);
    expect(() => loadConfig(undefined, { host: "::" })).toThrow(ConfigError);
  });

  it("refuses web origins, unknown keys, test mode from the file, and broken JSON", () => {
    expect(() => loadConfig(file({ allowedOrigins: ["https://evil.example"] }))).toThrow(/allowedOrigins/);
    expect(() => loadConfig(file({ prot: 1 }))).toThrow(ConfigError);
    expect(() => loadConfig(file({ testMode: true }))).toThrow(ConfigError);
    expect(() => loadConfig(file("{"))).toThrow(/JSON/);
    expect(() => loadConfig(undefined, { testAnchorsFile: "x.pem" })).toThrow(/--test-mode/);
  });
});
