/**
 * The OTP e-mail, word for word as in the ViaTrajectoire médecin libéral guide (viatrajectoire-guide-excerpt.md;
 * viatrajectoire.md §2.2 [B]). The guide's screenshot comes from the training instance ("ViaTrajectoire
 * Formation"); production says "ViaTrajectoire" in the same places, so the instance name is a parameter.
 */
import { escapeHtml } from "../html";

export const OTP_SENDER = "no_reply.trajectoire@sante-ra.fr";

export function otpSubject(instance: string): string {
  return `[${instance}] Connexion OTP`;
}

export function otpText(code: string, validityMinutes: number, instance: string): string {
  return [
    "Madame, Monsieur,",
    "",
    "Suite à votre demande de connexion OTP, veuillez trouver ci-dessous le code vous permettant de vous connecter.",
    "",
    `Votre code OTP : ${code}`,
    "",
    `Attention: Ce code n'est valable que pour une durée de ${validityMinutes} minutes.`,
    `[Ce message est généré automatiquement par le logiciel ${instance}, veuillez ne pas y répondre.]`,
    "",
  ].join("\n");
}

export function otpHtml(code: string, validityMinutes: number, instance: string): string {
  const i = escapeHtml(instance);
  return [
    '<html><head><meta charset="utf-8"></head><body style="font-family:Arial,sans-serif;font-size:13px">',
    "<p>Madame, Monsieur,</p>",
    "<p>Suite à votre demande de connexion OTP, veuillez trouver ci-dessous le code vous permettant de vous connecter.</p>",
    `<p>Votre code OTP : <b>${escapeHtml(code)}</b></p>`,
    `<p>Attention: Ce code n'est valable que pour une durée de ${validityMinutes} minutes.<br>`,
    `[Ce message est généré automatiquement par le logiciel ${i}, veuillez ne pas y répondre.]</p>`,
    "</body></html>",
    "",
  ].join("\n");
}
