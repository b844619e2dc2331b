/**
 * middleware.registered: in each of this user's browser profiles, a PKCS#11 module that can read a CPS card (the
 * Cryptolib, else OpenSC as the CPS3 stand-in) is registered — Firefox's per-profile pkcs11.txt, Chromium's
 * ~/.pki/nssdb on Linux (agent/src/middleware/nss-profiles.ts). Without it the browser never offers the card's
 * certificate and the portal answers « La lecture de la carte CPS a échoué » even with a perfect card.
 *
 * Verdicts: every profile found has one → ok; some do → warning (the doctor may use the other browser); none does →
 * failed, blocking. No profile at all → warning (nothing to judge: a browser never started, or Chrome/Edge on
 * Windows/macOS, which use the system store — not read here, said in the facts).
 * Fix `middleware.register` (target: one database directory, which must be one this check found): `modutil -force
 * -add` of the installed module, then the browser must be restarted. Without modutil, or on Windows/macOS, the exact
 * steps are given instead.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { findModules, underRoot } from "../../middleware/cryptolib";
import { findBrowserDbs, registrationOf, tildePath } from "../../middleware/nss-profiles";
import type { AgentCheck, CheckOutcome } from "../check";
import type { DiagContext } from "../context";
import { registerFix } from "../fixes";

const run = promisify(execFile);
/** The name cps-bridge registers the module under (what Firefox's « Périphériques de sécurité » then lists). */
export const REGISTERED_NAME = "CPS (cps-bridge)";

async function moduleToRegister(ctx: DiagContext): Promise<string | undefined> {
  const found = await findModules(ctx.fsRoot, ctx.os);
  return (found.find((m) => m.kind === "cryptolib") ?? found.find((m) => m.kind === "opensc"))?.path;
}

function manualSteps(ctx: DiagContext, dir: string, module: string): string {
  if (ctx.os === "linux") return `modutil -force -dbdir "sql:${dir}" -add "${REGISTERED_NAME}" -libfile "${module}"`;
  return (
    "Firefox : Paramètres → Vie privée et sécurité → Périphériques de sécurité → Charger → " +
    `nom « ${REGISTERED_NAME} », fichier ${module} ; puis redémarrez Firefox.`
  );
}

const AFTER = {
  afterFr: "Redémarrez le navigateur pour qu'il charge le module.",
  afterEn: "Restart the browser so that it loads the module.",
};

export const middlewareRegistered: AgentCheck = {
  id: "middleware.registered",
  dependsOn: ["middleware.installed"],
  codes: ["DIAG_REGISTERED_OK", "DIAG_REGISTERED_PARTIAL", "DIAG_NOT_REGISTERED", "DIAG_REGISTERED_NO_PROFILE"],
  summary:
    "Each browser profile (Firefox pkcs11.txt, Chromium ~/.pki/nssdb) has the Cryptolib's (or OpenSC's) PKCS#11 module registered, its file present (fix: modutil -add).",
  async run(ctx): Promise<CheckOutcome> {
    const dbs = await findBrowserDbs(ctx.fsRoot, ctx.os, ctx.homeDir, ctx.env);
    const regs = await Promise.all(dbs.map((db) => registrationOf(db, ctx.fsRoot)));
    const label = (r: (typeof regs)[number]) => `${r.db.browser}:${r.db.profile}`;
    const facts = {
      profiles: regs.map(
        (r) =>
          `${label(r)} ${tildePath(r.db.dir, ctx.homeDir)} → ${r.registered ?? (r.missingFiles.length ? `absent (${r.missingFiles.join(", ")})` : "—")}`,
      ),
      systemStore:
        ctx.os === "win32" || ctx.os === "darwin"
          ? "Chrome/Edge use the system store (Cryptolib minidriver / tokend): not checked"
          : null,
      obsolete: regs.flatMap((r) => r.obsolete),
    };
    if (regs.length === 0) return { verdict: "warning", code: "DIAG_REGISTERED_NO_PROFILE", facts };
    const missing = regs.filter((r) => !r.registered);
    const module = await moduleToRegister(ctx);
    const fixes = module
      ? missing.map((r) => ({
          id: "middleware.register",
          target: r.db.dir,
          needsAdmin: ctx.os !== "linux",
          ...(ctx.os !== "linux" ? { steps: manualSteps(ctx, r.db.dir, module) } : {}),
          ...AFTER,
        }))
      : [];
    const names = missing.map(label).join(", ");
    if (missing.length === 0)
      return { verdict: "ok", code: "DIAG_REGISTERED_OK", params: { count: regs.length }, facts };
    if (missing.length < regs.length)
      return { verdict: "warning", code: "DIAG_REGISTERED_PARTIAL", params: { profiles: names }, facts, fixes };
    return { verdict: "failed", code: "DIAG_NOT_REGISTERED", params: { profiles: names }, facts, fixes };
  },
};

registerFix({
  id: "middleware.register",
  check: "middleware.registered",
  async apply(ctx, target) {
    const dbs = await findBrowserDbs(ctx.fsRoot, ctx.os, ctx.homeDir, ctx.env);
    const db = dbs.find((d) => d.dir === target) ?? (dbs.length === 1 && !target ? dbs[0] : undefined);
    if (!db)
      return {
        applied: false,
        steps: `Base inconnue : ${target ?? "(aucune)"} — bases trouvées : ${dbs.map((d) => d.dir).join(", ") || "aucune"}.`,
      };
    const module = await moduleToRegister(ctx);
    if (!module) return { applied: false, steps: "Installez d'abord la Cryptolib CPS (https://esante.gouv.fr)." };
    if (ctx.os !== "linux") return { applied: false, steps: manualSteps(ctx, db.dir, module) };
    const dbArg = `sql:${underRoot(ctx.fsRoot, db.dir)}`;
    const lib = underRoot(ctx.fsRoot, module);
    const modutil = async (args: string[]) => run("modutil", ["-force", "-dbdir", dbArg, ...args], { timeout: 20_000 });
    try {
      await modutil(["-add", REGISTERED_NAME, "-libfile", lib]);
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
      if (err.code === "ENOENT") return { applied: false, steps: manualSteps(ctx, db.dir, module) };
      const text = `${err.stdout ?? ""}${err.stderr ?? ""}`;
      if (!/already exists/i.test(text)) {
        ctx.log.warn({ err: text.slice(0, 300) }, "modutil -add failed");
        return { applied: false, steps: manualSteps(ctx, db.dir, module) };
      }
      // a module of that name points at a file that is gone: replace it
      await modutil(["-delete", REGISTERED_NAME]);
      await modutil(["-add", REGISTERED_NAME, "-libfile", lib]);
    }
    return { applied: true, steps: AFTER.afterFr };
  },
});
