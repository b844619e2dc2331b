import { generateAuthKeyPair, signTranscript } from "@cps-bridge/protocol/auth-transcript";
import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { IndexedDbPairingStore, type Pairing } from "./pairing-store";

async function pairing(): Promise<Pairing> {
  const keys = await generateAuthKeyPair(false);
  return {
    clientId: "client-abcdef12",
    privateKey: keys.privateKey,
    publicKey: "AAAA",
    agentPublicKey: "BBBB",
    port: 17777,
    label: "Chrome — test",
    createdAt: 1,
  };
}

describe("IndexedDbPairingStore", () => {
  it("keeps the CryptoKey itself (non-extractable, still able to sign) across store instances", async () => {
    const idb = new IDBFactory();
    const p = await pairing();
    await new IndexedDbPairingStore(idb).save(p);
    // A new instance on the same database: what a restarted service worker sees.
    const loaded = await new IndexedDbPairingStore(idb).load();
    expect(loaded?.clientId).toBe("client-abcdef12");
    expect(loaded?.privateKey).toBeInstanceOf(CryptoKey);
    expect(loaded?.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("pkcs8", loaded!.privateKey)).rejects.toThrow();
    const sig = await signTranscript(loaded!.privateKey, new Uint8Array([1, 2, 3]));
    expect(sig).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });

  it("returns undefined when nothing is stored, and after clear()", async () => {
    const idb = new IDBFactory();
    const store = new IndexedDbPairingStore(idb);
    expect(await store.load()).toBeUndefined();
    await store.save(await pairing());
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });

  it("ignores a malformed record rather than trusting it", async () => {
    const idb = new IDBFactory();
    const store = new IndexedDbPairingStore(idb);
    await store.save({ clientId: "x", privateKey: "not a key" } as unknown as Pairing);
    expect(await store.load()).toBeUndefined();
  });
});
