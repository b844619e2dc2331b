import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateAgentKey } from "./agent-key";

describe("agent key", () => {
  it("is created once (0600), then reloaded identical, and signs P1363 ECDSA-SHA256 verifiable by WebCrypto", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "cps-key-")), "agent-key.json");
    const k1 = loadOrCreateAgentKey(path);
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).toBe(0o600);
    const k2 = loadOrCreateAgentKey(path);
    expect(Buffer.from(k2.publicKeySpki).equals(Buffer.from(k1.publicKeySpki))).toBe(true);
    expect(k1.publicKeyRaw.length).toBe(65);
    const data = new TextEncoder().encode("transcript");
    const sig = k2.sign(data);
    expect(sig.length).toBe(64);
    const pub = createPublicKey({ key: Buffer.from(k1.publicKeySpki), format: "der", type: "spki" });
    expect(verify("sha256", data, { key: pub, dsaEncoding: "ieee-p1363" }, sig)).toBe(true);
    // Same check as the extension does it.
    const wc = await crypto.subtle.importKey("spki", k1.publicKeySpki, { name: "ECDSA", namedCurve: "P-256" }, false, [
      "verify",
    ]);
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, wc, sig, data)).toBe(true);
    const raw = await crypto.subtle.importKey("raw", k1.publicKeyRaw, { name: "ECDSA", namedCurve: "P-256" }, true, [
      "verify",
    ]);
    expect(new Uint8Array(await crypto.subtle.exportKey("spki", raw))).toEqual(k1.publicKeySpki);
  });

  it("refuses a corrupt key file rather than replacing the identity", () => {
    const path = join(mkdtempSync(join(tmpdir(), "cps-key-")), "agent-key.json");
    writeFileSync(path, "garbage");
    expect(() => loadOrCreateAgentKey(path)).toThrow(/not valid JSON/);
  });
});
