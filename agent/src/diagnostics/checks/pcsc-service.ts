/** pcsc.service: is the OS's smart card service (pcscd / Windows « Carte à puce » SCardSvr) running? */
import type { AgentCheck, CheckOutcome } from "../check";

/** `cmd`: the exact command shown as the fix's steps (language-neutral; the remedy says the rest in fr/en). */
const START: Record<string, { fr: string; en: string; cmd?: string }> = {
  linux: {
    fr: "Démarrez le service : « sudo systemctl enable --now pcscd.socket » (paquet pcscd), puis relancez le diagnostic.",
    en: "Start the service: `sudo systemctl enable --now pcscd.socket` (package pcscd), then run again.",
    cmd: "sudo systemctl enable --now pcscd.socket",
  },
  win32: {
    fr: "Ouvrez « Services » (services.msc), démarrez « Carte à puce » et mettez son démarrage sur Automatique.",
    en: "Open Services (services.msc), start “Smart Card” and set its startup to Automatic.",
    cmd: "services.msc",
  },
  darwin: {
    fr: "Débranchez puis rebranchez le lecteur ; si rien ne change, redémarrez l'ordinateur.",
    en: "Unplug and replug the reader; if nothing changes, restart the computer.",
  },
};

export const pcscService: AgentCheck = {
  id: "pcsc.service",
  dependsOn: [],
  codes: ["DIAG_PCSC_UP", "DIAG_PCSC_DOWN"],
  summary: "The PC/SC service answers (the agent can establish a context).",
  async run(ctx): Promise<CheckOutcome> {
    const state = ctx.cards.pcscState();
    if (state === "up") return { verdict: "ok", code: "DIAG_PCSC_UP", facts: { pcsc: state } };
    const s = START[ctx.os] ?? START.linux!;
    return {
      verdict: "failed",
      code: "DIAG_PCSC_DOWN",
      params: { startCommand: s.fr, startCommandEn: s.en },
      facts: { pcsc: state, os: ctx.os },
      fixes: [{ id: "pcsc.start", needsAdmin: true, steps: s.cmd ?? s.fr }],
    };
  },
};
