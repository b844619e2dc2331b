/**
 * middleware.cache: the Cryptolib's file cache (cps-card.md §4.1) holds no damaged entry — a corrupt or
 * incoherent cache made cards unusable in Cryptolib 5.0.4 / 5.0.31 (#1102, #1413). "Damaged" here is an empty or
 * unreadable file [I]; the fix moves the cache aside (never deletes it), and the Cryptolib rebuilds it.
 */

import { rename } from "node:fs/promises";
import { cacheState, underRoot } from "../../middleware/cryptolib";
import type { AgentCheck, CheckOutcome } from "../check";
import { registerFix } from "../fixes";

export const middlewareCache: AgentCheck = {
  id: "middleware.cache",
  dependsOn: ["middleware.installed"],
  codes: ["DIAG_CACHE_OK", "DIAG_CACHE_DAMAGED"],
  summary:
    "The Cryptolib's file cache has no empty or unreadable entry (fix: move it aside, the Cryptolib rebuilds it).",
  async run(ctx): Promise<CheckOutcome> {
    const s = await cacheState(ctx.fsRoot, ctx.os);
    if (!s?.present)
      return {
        verdict: "ok",
        code: "DIAG_CACHE_OK",
        params: { files: 0 },
        facts: { cache: s?.dir ?? null, present: false },
      };
    const facts = { cache: s.dir, files: s.files, damaged: s.damaged };
    if (s.damaged.length === 0) return { verdict: "ok", code: "DIAG_CACHE_OK", params: { files: s.files }, facts };
    const steps =
      ctx.os === "win32"
        ? `Fermez le navigateur, puis renommez le dossier ${s.dir} (droits administrateur).`
        : `sudo mv "${s.dir}" "${s.dir}.old"`;
    return {
      verdict: "failed",
      code: "DIAG_CACHE_DAMAGED",
      params: { count: s.damaged.length, dir: s.dir },
      facts,
      fixes: [
        s.writable
          ? {
              id: "middleware.clear-cache",
              target: s.dir,
              needsAdmin: false,
              afterFr: "Retirez et réinsérez la carte.",
              afterEn: "Remove and reinsert the card.",
            }
          : { id: "middleware.clear-cache", target: s.dir, needsAdmin: true, steps },
      ],
    };
  },
};

registerFix({
  id: "middleware.clear-cache",
  check: "middleware.cache",
  async apply(ctx) {
    const s = await cacheState(ctx.fsRoot, ctx.os);
    if (!s?.present) return { applied: false, steps: "no Cryptolib cache" };
    if (!s.writable) return { applied: false, steps: `sudo mv "${s.dir}" "${s.dir}.old"` };
    const real = underRoot(ctx.fsRoot, s.dir);
    await rename(real, `${real}.old-${ctx.now().toISOString().replace(/[:.]/g, "-")}`);
    return { applied: true, steps: "Retirez et réinsérez la carte." };
  },
});
