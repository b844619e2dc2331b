/**
 * The dossier overlay on a dashboard page: read the table (portal/dashboard.ts), diff it against the memory
 * (diff-store.ts), save the new memory, run the features (features/dossier-features.ts). `runOverlay` (run.ts) is the
 * pure part (tests and the bench call it); `startDossierOverlay` adds the storage and the doctor's settings.
 */
import { originEnabled } from "../features/assistant";
import { loadSettings } from "../shared/settings";
import type { DossierMemory } from "./diff-store";
import { runOverlay } from "./run";
import { loadMemory, saveMemory } from "./storage";

export { type OverlayOptions, type OverlayRun, runOverlay } from "./run";

/** Content-script start (entrypoints/dossiers.content): only on origins the doctor enabled in the options. */
export async function startDossierOverlay(
  doc: Document = document,
  location: Location = window.location,
): Promise<void> {
  const url = new URL(location.href);
  const settings = await loadSettings().catch(() => undefined);
  if (!settings || !originEnabled(url.origin, settings)) return;
  let current: AbortController | undefined;
  const run = (memory: DossierMemory | undefined) => {
    current?.abort();
    const mine = new AbortController();
    current = mine;
    runOverlay(
      {
        doc,
        url,
        memory,
        now: Date.now(),
        save: (m) => saveMemory(url.origin, m),
        onAcknowledged: (m) => run(m),
      },
      mine.signal,
    );
  };
  run(await loadMemory(url.origin).catch(() => undefined));
}
