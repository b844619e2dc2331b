/**
 * middleware.token: the installed PKCS#11 module really sees the card — it lists a token holding the very
 * authentication certificate the agent read from the card (SHA-256 match). Probed through pkcs11js in a child
 * process with a timeout (agent/src/middleware/pkcs11-probe.ts); no login, no PIN.
 */
import { findModules, underRoot } from "../../middleware/cryptolib";
import { probeModule } from "../../middleware/pkcs11-probe";
import type { AgentCheck, CheckOutcome } from "../check";
import { pickCard } from "./card-present";

const norm = (h: string) => h.toLowerCase().replace(/[^0-9a-f]/g, "");

export const middlewareToken: AgentCheck = {
  id: "middleware.token",
  dependsOn: ["middleware.installed", "middleware.version", "card.type"],
  codes: ["DIAG_TOKEN_OK", "DIAG_TOKEN_NOT_SEEN", "DIAG_MODULE_ERROR"],
  summary:
    "The installed PKCS#11 module (Cryptolib, else OpenSC) lists a token with the card's authentication certificate (pkcs11js, child process, 8 s).",
  async run(ctx): Promise<CheckOutcome> {
    const modules = await findModules(ctx.fsRoot, ctx.os);
    const mod = modules.find((m) => m.kind === "cryptolib") ?? modules.find((m) => m.kind === "opensc");
    if (!mod)
      return { verdict: "failed", code: "DIAG_MODULE_ERROR", params: { module: "?", detail: "no module" }, facts: {} };
    const want = (await pickCard(ctx))?.certificate?.fingerprint;
    const path = underRoot(ctx.fsRoot, mod.path);
    try {
      const probe = await probeModule(path);
      const facts = {
        module: mod.path,
        library: `${probe.library} ${probe.libraryVersion}`,
        tokens: probe.tokens.map((t) => `${t.label} (${t.certificates.length} cert.)`),
      };
      const token = probe.tokens.find((t) => t.certificates.some((c) => want && norm(c.fingerprint) === norm(want)));
      if (token)
        return { verdict: "ok", code: "DIAG_TOKEN_OK", params: { token: token.label, module: mod.path }, facts };
      return {
        verdict: "failed",
        code: "DIAG_TOKEN_NOT_SEEN",
        params: { module: mod.path, tokens: probe.tokens.length },
        facts,
      };
    } catch (e) {
      return {
        verdict: "failed",
        code: "DIAG_MODULE_ERROR",
        params: { module: mod.path, detail: (e as Error).message.slice(0, 120) },
        facts: { module: mod.path },
      };
    }
  },
};
