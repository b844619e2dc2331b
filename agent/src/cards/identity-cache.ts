/**
 * Identities by card serial, so that a card taken out and put back costs only its serial read (EF.SN.ICC), not the
 * PKCS#15 walk and the certificate (issue 3). Bounded (least recently used out first); in memory only — nothing
 * about a holder is written to disk.
 */
import type { CardIdentity } from "./driver";

export class IdentityCache {
  private readonly map = new Map<string, CardIdentity>();
  constructor(private readonly capacity = 16) {}

  get(key: string): CardIdentity | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, identity: CardIdentity): void {
    this.map.delete(key);
    this.map.set(key, identity);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
