/**
 * The pairing with the agent: this browser profile's P-256 private key (generated non-extractable, kept as a
 * CryptoKey object in IndexedDB — the key bytes never exist in JavaScript), the clientId the agent gave it, and the
 * agent's public key pinned at pairing (anchors.md §(a) "Pairing" steps 1 and 5).
 * IndexedDB rather than `storage.local`: only IndexedDB can hold a CryptoKey (structured clone), and a restarted
 * service worker finds it there.
 */

export interface Pairing {
  clientId: string;
  privateKey: CryptoKey;
  /** base64 SPKI of our public key (what the agent stored). */
  publicKey: string;
  /** base64 SPKI of the agent's key, pinned. */
  agentPublicKey: string;
  /** The port the pairing was made on (informative: the agent key, not the port, is what is trusted). */
  port: number;
  label: string;
  createdAt: number;
}

export interface PairingStore {
  load(): Promise<Pairing | undefined>;
  save(pairing: Pairing): Promise<void>;
  clear(): Promise<void>;
}

const DB_NAME = "cps-bridge";
const DB_VERSION = 1;
const STORE = "pairing";
const KEY = "current";

function promisify<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IndexedDbPairingStore implements PairingStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly factory: IDBFactory = indexedDB) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = this.factory.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.db;
  }

  private async tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    const tx = db.transaction(STORE, mode);
    const result = promisify(run(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result;
  }

  async load(): Promise<Pairing | undefined> {
    const p = (await this.tx("readonly", (s) => s.get(KEY))) as Pairing | undefined;
    if (p === undefined || typeof p.clientId !== "string" || !(p.privateKey instanceof CryptoKey)) return undefined;
    return p;
  }

  async save(pairing: Pairing): Promise<void> {
    await this.tx("readwrite", (s) => s.put(pairing, KEY));
  }

  async clear(): Promise<void> {
    await this.tx("readwrite", (s) => s.delete(KEY));
  }
}

/** In-memory store for unit tests of the client. */
export class MemoryPairingStore implements PairingStore {
  constructor(public pairing?: Pairing) {}
  async load() {
    return this.pairing;
  }
  async save(p: Pairing) {
    this.pairing = p;
  }
  async clear() {
    this.pairing = undefined;
  }
}
