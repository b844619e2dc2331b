/**
 * Where the dossier memory lives: `storage.local` (it must outlive the browser's restart to say what changed since
 * the last visit), one key per portal origin, `cpsb.dossiers.v1:<origin>`. Only diff-store.ts's `DossierMemory`
 * goes there (numbers, codes, digests, instants). « Tout effacer » removes every such key.
 */
import { browser } from "wxt/browser";
import { type DossierMemory, isMemory } from "./diff-store";
import { WATCH_SNAPSHOT_PREFIX } from "./watch-storage";

export const MEMORY_PREFIX = "cpsb.dossiers.v1:";

export function memoryKey(origin: string): string {
  return `${MEMORY_PREFIX}${origin}`;
}

export async function loadMemory(origin: string): Promise<DossierMemory | undefined> {
  const key = memoryKey(origin);
  const got = (await browser.storage.local.get(key)) as Record<string, unknown>;
  return isMemory(got[key]) ? got[key] : undefined;
}

export async function saveMemory(origin: string, memory: DossierMemory): Promise<void> {
  await browser.storage.local.set({ [memoryKey(origin)]: memory });
}

/**
 * « Tout effacer »: every dossier memory of every portal and the background watch's snapshots (its settings and
 * counts-only state stay: a watch left on starts afresh, its next cycle a baseline). Returns how many were removed.
 */
export async function clearAllMemories(): Promise<number> {
  const all = (await browser.storage.local.get(null)) as Record<string, unknown>;
  const keys = Object.keys(all).filter((k) => k.startsWith(MEMORY_PREFIX) || k.startsWith(WATCH_SNAPSHOT_PREFIX));
  if (keys.length > 0) await browser.storage.local.remove(keys);
  return keys.length;
}
