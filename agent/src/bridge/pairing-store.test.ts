import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PairingStore, pairingIdOf } from "./pairing-store";

const spki = (curve = "prime256v1") =>
  new Uint8Array(generateKeyPairSync("ec", { namedCurve: curve }).publicKey.export({ type: "spki", format: "der" }));
const file = () => join(mkdtempSync(join(tmpdir(), "cps-pairings-")), "pairings.json");

describe("PairingStore", () => {
  it("adds, persists with mode 0600, lists, resolves and removes pairings", () => {
    const path = file();
    const s = new PairingStore(path, () => new Date("2026-01-01T00:00:00Z"));
    const key = spki();
    const p = s.add({ publicKeySpki: key, label: "Chrome", origin: "chrome-extension://abc" });
    expect(p.id).toBe(pairingIdOf(key));
    expect(p).toMatchObject({ label: "Chrome", createdAt: "2026-01-01T00:00:00.000Z", lastSeen: p.createdAt });
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = new PairingStore(path);
    expect(again.list()).toEqual([p]);
    expect(again.byPublicKey(p.publicKey)?.id).toBe(p.id);
    expect(again.hasOrigin("chrome-extension://abc")).toBe(true);
    expect(again.resolve(p.id.slice(0, 6))?.id).toBe(p.id);
    expect(again.resolve(p.id.slice(0, 3))).toBeUndefined();
    expect(again.remove(p.id)?.id).toBe(p.id);
    expect(new PairingStore(path).size).toBe(0);
  });

  it("re-pairing the same key replaces the entry instead of duplicating it", () => {
    const s = new PairingStore(file());
    const key = spki();
    s.add({ publicKeySpki: key, label: "A", origin: "o" });
    s.add({ publicKeySpki: key, label: "B", origin: "o" });
    expect(s.list().map((p) => p.label)).toEqual(["B"]);
  });

  it("refuses keys that are not P-256", () => {
    const s = new PairingStore(file());
    expect(() => s.add({ publicKeySpki: spki("secp384r1"), label: "x", origin: "o" })).toThrow();
    expect(() => s.add({ publicKeySpki: new Uint8Array([1, 2, 3]), label: "x", origin: "o" })).toThrow();
    expect(s.size).toBe(0);
  });

  it("refuses a corrupt file instead of silently forgetting pairings", () => {
    const path = file();
    writeFileSync(path, "{oops");
    expect(() => new PairingStore(path)).toThrow(/not valid JSON/);
    writeFileSync(path, JSON.stringify({ version: 1, pairings: [{ id: "x" }] }));
    expect(() => new PairingStore(path)).toThrow(/invalid/);
  });

  it("writes lastSeen at most once a minute", () => {
    const path = file();
    let t = Date.parse("2026-01-01T00:00:00Z");
    const s = new PairingStore(path, () => new Date(t));
    const p = s.add({ publicKeySpki: spki(), label: "A", origin: "o" });
    t += 1000;
    s.touch(p.id);
    const first = JSON.parse(readFileSync(path, "utf8")).pairings[0].lastSeen;
    t += 1000;
    s.touch(p.id);
    expect(JSON.parse(readFileSync(path, "utf8")).pairings[0].lastSeen).toBe(first);
    expect(s.byId(p.id)?.lastSeen).toBe(new Date(t).toISOString());
  });
});
