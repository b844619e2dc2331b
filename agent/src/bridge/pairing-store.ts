/**
 * Paired clients, one per browser profile: `{ id, label, publicKey, origin, createdAt, lastSeen }` in a per-user
 * JSON file written atomically with mode 0600 (anchors.md §(a) "Pairing" step 5). The public key is the extension's
 * non-extractable P-256 key (SPKI DER, base64); the origin is the one the pairing came from: a Firefox
 * `moz-extension://<uuid>` origin becomes acceptable at the handshake only through this list, and a key
 * authenticates only from the origin it was paired from.
 *
 * `lastSeen` is written at most once a minute per pairing, so authentication does not rewrite the file each time.
 */
import { createHash, createPublicKey } from "node:crypto";
import * as v from "valibot";
import { readFileIfExists, writePrivateFileAtomic } from "./secure-file";

export interface Pairing {
  /** First 16 hex digits of SHA-256(SPKI): stable per key, short enough to type in `cps-bridge unpair`. */
  id: string;
  label: string;
  /** SPKI DER, standard base64. */
  publicKey: string;
  origin: string;
  createdAt: string;
  lastSeen: string;
}

const PairingSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/)),
  label: v.pipe(v.string(), v.maxLength(200)),
  publicKey: v.string(),
  origin: v.pipe(v.string(), v.maxLength(300)),
  createdAt: v.string(),
  lastSeen: v.string(),
});
const FileSchema = v.object({ version: v.literal(1), pairings: v.array(PairingSchema) });

const LAST_SEEN_WRITE_EVERY_MS = 60_000;

export function pairingIdOf(spki: Uint8Array): string {
  return createHash("sha256").update(spki).digest("hex").slice(0, 16);
}

/** Checks that `spki` is an EC P-256 public key; returns its canonical SPKI DER (re-exported). */
export function canonicalP256Spki(spki: Uint8Array): Uint8Array {
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new Error("not a P-256 public key");
  }
  return new Uint8Array(key.export({ type: "spki", format: "der" }));
}

export class PairingStore {
  private pairings: Pairing[] = [];
  private readonly lastWritten = new Map<string, number>();

  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.reload();
  }

  /** Re-reads the file (the CLI may have edited it while no agent ran). A corrupt file is an error. */
  reload(): void {
    const text = readFileIfExists(this.path);
    if (text === undefined) {
      this.pairings = [];
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new Error(`pairings file ${this.path} is not valid JSON`);
    }
    const r = v.safeParse(FileSchema, raw);
    if (!r.success) throw new Error(`pairings file ${this.path} is invalid`);
    this.pairings = r.output.pairings;
  }

  list(): Pairing[] {
    return this.pairings.map((p) => ({ ...p }));
  }

  get size(): number {
    return this.pairings.length;
  }

  byId(id: string): Pairing | undefined {
    return this.pairings.find((p) => p.id === id);
  }

  byPublicKey(spkiBase64: string): Pairing | undefined {
    return this.pairings.find((p) => p.publicKey === spkiBase64);
  }

  hasOrigin(origin: string): boolean {
    return this.pairings.some((p) => p.origin === origin);
  }

  /** Adds (or, for a key already paired, relabels and re-dates) a pairing and persists it. */
  add(input: { publicKeySpki: Uint8Array; label: string; origin: string }): Pairing {
    const spki = canonicalP256Spki(input.publicKeySpki);
    const id = pairingIdOf(spki);
    const at = this.now().toISOString();
    const pairing: Pairing = {
      id,
      label: input.label,
      publicKey: Buffer.from(spki).toString("base64"),
      origin: input.origin,
      createdAt: at,
      lastSeen: at,
    };
    const next = this.pairings.filter((p) => p.id !== id);
    next.push(pairing);
    this.persist(next);
    return { ...pairing };
  }

  /** Removes a pairing by id (or unique id prefix of ≥ 4 digits). Returns the removed one. */
  remove(idOrPrefix: string): Pairing | undefined {
    const match = this.resolve(idOrPrefix);
    if (!match) return undefined;
    this.persist(this.pairings.filter((p) => p.id !== match.id));
    return match;
  }

  resolve(idOrPrefix: string): Pairing | undefined {
    const exact = this.byId(idOrPrefix);
    if (exact) return exact;
    if (idOrPrefix.length < 4) return undefined;
    const hits = this.pairings.filter((p) => p.id.startsWith(idOrPrefix));
    return hits.length === 1 ? hits[0] : undefined;
  }

  touch(id: string): void {
    const p = this.pairings.find((x) => x.id === id);
    if (!p) return;
    const now = this.now();
    p.lastSeen = now.toISOString();
    const last = this.lastWritten.get(id) ?? 0;
    if (now.getTime() - last >= LAST_SEEN_WRITE_EVERY_MS) {
      this.lastWritten.set(id, now.getTime());
      try {
        this.persist(this.pairings);
      } catch {
        /* lastSeen is informative: a failed write must not fail an authentication */
      }
    }
  }

  private persist(next: Pairing[]): void {
    writePrivateFileAtomic(this.path, `${JSON.stringify({ version: 1, pairings: next }, null, 2)}\n`);
    this.pairings = next;
  }
}
