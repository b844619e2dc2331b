/** The code step's words (issue 11), French first. Error sentences come from protocol/src/errors.ts (i18n errorText). */
import type { UiLanguage } from "../shared/state";

const FR = {
  waiting: (sender: string) => `cps-bridge attend le code envoyé par e-mail par ${sender}…`,
  validity: (mmss: string) => `Code valable encore ${mmss}.`,
  expired: "Le code a expiré : demandez-en un nouveau avec « Renvoyer le code ».",
  filled: (source: string) => `Code inséré automatiquement (${source}). Vérifiez-le puis cliquez sur « Valider ».`,
  filledSubmitting: (source: string) => `Code inséré automatiquement (${source}) ; validation en cours…`,
  fromMailbox: "reçu dans votre boîte aux lettres",
  fromWebmail: "lu dans votre webmail",
  typedByHand: "Vous avez saisi le code vous-même : cps-bridge n'attend plus.",
  receivedButTyped: "Un code est arrivé, mais le champ contient déjà une saisie.",
  insert: "Insérer le code reçu",
  manual: (sender: string) =>
    `Vous pouvez saisir le code à la main : il est dans l'e-mail de ${sender}. Si rien n'arrive, cliquez sur « Renvoyer le code ».`,
  webmailStill: "cps-bridge lit encore le code si vous ouvrez l'e-mail dans votre webmail.",
  resendHint: "Pas de code ? Cliquez sur « Renvoyer le code » du portail (un nouveau code annule le précédent).",
  warning:
    "Attention : un e-mail de code a été refusé (authenticité DKIM/SPF non confirmée). Ne saisissez pas un code venu d'un autre expéditeur.",
};

const EN: typeof FR = {
  waiting: (sender) => `cps-bridge is waiting for the code e-mailed by ${sender}…`,
  validity: (mmss) => `Code valid for another ${mmss}.`,
  expired: "The code has expired: ask for a new one with « Renvoyer le code ».",
  filled: (source) => `Code filled in automatically (${source}). Check it, then click « Valider ».`,
  filledSubmitting: (source) => `Code filled in automatically (${source}); submitting…`,
  fromMailbox: "received in your mailbox",
  fromWebmail: "read in your webmail",
  typedByHand: "You typed the code yourself: cps-bridge stopped waiting.",
  receivedButTyped: "A code arrived, but the field already holds what you typed.",
  insert: "Insert the received code",
  manual: (sender) =>
    `You can type the code yourself: it is in the e-mail from ${sender}. If nothing arrives, click « Renvoyer le code ».`,
  webmailStill: "cps-bridge still reads the code if you open the e-mail in your webmail.",
  resendHint: "No code? Click the portal's « Renvoyer le code » (a new code cancels the previous one).",
  warning:
    "Warning: a code e-mail was refused (DKIM/SPF authenticity not confirmed). Do not type a code from another sender.",
};

export function otpStrings(lang: UiLanguage): typeof FR {
  return lang === "en" ? EN : FR;
}

export function mmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
