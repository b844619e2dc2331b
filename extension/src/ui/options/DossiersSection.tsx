/**
 * Options: what the dossier overlay remembers (docs/dossiers.md) and « Tout effacer », which removes every dossier
 * memory of every portal from storage.local at once. The next dashboard visit starts afresh (nothing marked new).
 */
import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { clearAllMemories, MEMORY_PREFIX } from "../../dossiers/storage";

async function storedCount(): Promise<{ portals: number; dossiers: number; bytes: number }> {
  const all = (await browser.storage.local.get(null)) as Record<string, unknown>;
  let portals = 0;
  let dossiers = 0;
  let bytes = 0;
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith(MEMORY_PREFIX)) continue;
    portals++;
    dossiers += Object.keys((v as { current?: object }).current ?? {}).length;
    bytes += JSON.stringify(v).length;
  }
  return { portals, dossiers, bytes };
}

export function DossiersSection() {
  const [info, setInfo] = useState<{ portals: number; dossiers: number; bytes: number }>();
  const [done, setDone] = useState<string>();
  const refresh = () => void storedCount().then(setInfo, () => setInfo(undefined));
  useEffect(refresh, []);
  return (
    <main class="page">
      <section class="card" aria-labelledby="dossiers-title" id="cpsb-dossiers-options">
        <h2 id="dossiers-title">Suivi des dossiers</h2>
        <p>
          Pour signaler ce qui a changé depuis votre dernière visite, cps-bridge garde dans ce navigateur, pour chaque
          dossier de votre tableau de bord : son numéro, ses codes de statut, une empreinte des réponses des
          établissements et la date de dernière modification — jamais le nom ni la date de naissance d'un patient. Un
          dossier non revu depuis 90 jours est oublié.
        </p>
        <p id="cpsb-dossiers-count">
          {info === undefined
            ? "…"
            : info.dossiers === 0
              ? "Aucun dossier mémorisé."
              : `${info.dossiers} dossier${info.dossiers > 1 ? "s" : ""} mémorisé${info.dossiers > 1 ? "s" : ""} (${Math.ceil(info.bytes / 1024)} Ko).`}
        </p>
        <button
          type="button"
          class="btn"
          id="cpsb-dossiers-clear"
          onClick={async () => {
            const n = await clearAllMemories();
            setDone(n > 0 ? "Tout est effacé." : "Il n'y avait rien à effacer.");
            refresh();
          }}
        >
          Tout effacer
        </button>
        {done && <p role="status">{done}</p>}
      </section>
    </main>
  );
}
