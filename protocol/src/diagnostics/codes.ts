/**
 * Every sentence a diagnostics check can say, with a stable DIAG_* code: what a doctor reads (French first), the
 * remedy, their English translation, and for non-ok codes the three-part documentation ("Thrown when / Likely reason /
 * How to resolve") rendered into docs/diagnostics.md (`npm run docs:diagnostics -w protocol`; a drift test checks it).
 * Texts may hold `{name}` placeholders filled from the check result's `params` (never a PIN, never an OTP).
 *
 * Codes are part of the support contract (the report and the support code carry them): never rename or reuse one.
 */
import type { CheckId, Verdict } from "./model";

export interface DiagCodeDefinition {
  /** The check that produces it; "*" for codes any check may carry (skipped, crashed). */
  check: CheckId | "*";
  verdict: Verdict;
  fr: string;
  remedyFr: string;
  en: string;
  remedyEn: string;
  thrownWhen: string;
  likelyReason: string;
  howToResolve: string;
}

const d = (x: DiagCodeDefinition) => x;
/** An "ok" code: a sentence, no remedy (the docs say "Nothing to do"). */
export const okDiagCode = (check: CheckId, fr: string, en: string): DiagCodeDefinition => ({
  check,
  verdict: "ok",
  fr,
  remedyFr: "",
  en,
  remedyEn: "",
  thrownWhen: "The check passed.",
  likelyReason: "—",
  howToResolve: "Nothing to do.",
});
const ok = okDiagCode;

export const DIAG_CODES = {
  // ─────────────────────────── the agent itself ───────────────────────────
  DIAG_AGENT_RUNNING: ok(
    "agent.running",
    "Le programme cps-bridge fonctionne (port {port}).",
    "The cps-bridge agent is running (port {port}).",
  ),
  DIAG_AGENT_NOT_RUNNING: d({
    check: "agent.running",
    verdict: "warning",
    fr: "Le programme cps-bridge n'est pas démarré : l'extension du navigateur ne peut pas lire la carte.",
    remedyFr:
      "Démarrez-le avec « cps-bridge start » ; « cps-bridge install » le fait démarrer à chaque ouverture de session.",
    en: "The cps-bridge agent is not running: the browser extension cannot read the card.",
    remedyEn: "Start it with `cps-bridge start`; `cps-bridge install` makes it start at every logon.",
    thrownWhen: "`cps-bridge diagnose` finds no running agent for this user (no live instance lock / state file).",
    likelyReason: "The agent was never started, was stopped, or is not installed as a login service.",
    howToResolve: "Run `cps-bridge start`; see docs/agent.md to start it at login.",
  }),
  DIAG_SKIPPED: d({
    check: "*",
    verdict: "skipped",
    fr: "Non vérifié : la vérification « {dependency} » doit d'abord réussir.",
    remedyFr: "Corrigez d'abord le problème signalé plus haut.",
    en: "Not checked: the “{dependency}” check must pass first.",
    remedyEn: "Fix the problem shown above first.",
    thrownWhen: "A check this one depends on failed or was skipped (the result's `skippedBecause`).",
    likelyReason: "An earlier problem in the chain (no service, no reader, no card, not a CPS…).",
    howToResolve: "Resolve the first blocking problem; run the diagnostics again.",
  }),
  DIAG_CHECK_CRASHED: d({
    check: "*",
    verdict: "failed",
    fr: "Une vérification s'est arrêtée sur une erreur inattendue ({detail}).",
    remedyFr: "Relancez le diagnostic ; si cela se reproduit, transmettez le rapport à votre support.",
    en: "A check stopped on an unexpected error ({detail}).",
    remedyEn: "Run the diagnostics again; if it happens again, send the report to your support desk.",
    thrownWhen: "A check threw instead of returning a verdict (the runner isolates it; the other checks still run).",
    likelyReason: "A defect in cps-bridge, or an environment it does not expect.",
    howToResolve: "Send the report (it names the check); the agent log holds the stack trace.",
  }),

  // ─────────────────────────── PC/SC and readers ───────────────────────────
  DIAG_PCSC_UP: ok("pcsc.service", "Le service carte à puce fonctionne.", "The smart card service is running."),
  DIAG_PCSC_DOWN: d({
    check: "pcsc.service",
    verdict: "failed",
    fr: "Le service carte à puce de l'ordinateur ne fonctionne pas : aucune carte ne peut être lue.",
    remedyFr: "{startCommand}",
    en: "The computer's smart card service is not running: no card can be read.",
    remedyEn: "{startCommandEn}",
    thrownWhen: "The agent cannot establish a PC/SC context (SCardEstablishContext fails / pcscd unreachable).",
    likelyReason:
      "Linux: pcscd is not installed or its socket is stopped; Windows: the « Carte à puce » (SCardSvr) service is stopped or disabled; macOS: rare, the system's CryptoTokenKit service restarts itself.",
    howToResolve:
      "Linux: `sudo apt install pcscd && sudo systemctl enable --now pcscd.socket`; Windows: services.msc → « Carte à puce » → Démarrer, type Automatique; macOS: unplug and replug the reader.",
  }),
  DIAG_READERS_OK: ok(
    "readers.visible",
    "{count} lecteur(s) de carte détecté(s) : {names}.",
    "{count} card reader(s) detected: {names}.",
  ),
  DIAG_NO_READER: d({
    check: "readers.visible",
    verdict: "failed",
    fr: "Aucun lecteur de carte n'est détecté.",
    remedyFr: "Branchez le lecteur de carte (câble USB), attendez quelques secondes, puis relancez le diagnostic.",
    en: "No card reader is detected.",
    remedyEn: "Plug in the card reader (USB cable), wait a few seconds, then run the diagnostics again.",
    thrownWhen: "PC/SC runs but lists no reader, and no USB smart-card device is seen either.",
    likelyReason: "The reader is unplugged, its cable or USB port is faulty, or it is a keyboard reader switched off.",
    howToResolve: "Plug the reader in (another USB port), check its light; `pcsc_scan` should list it.",
  }),
  DIAG_USB_OK: ok(
    "readers.usb",
    "Les lecteurs USB sont vus par le service carte à puce.",
    "The USB readers are seen by the smart card service.",
  ),
  DIAG_USB_READER_NOT_PCSC: d({
    check: "readers.usb",
    verdict: "failed",
    fr: "Un lecteur de carte est branché ({device}) mais le service carte à puce ne le voit pas.",
    remedyFr:
      "S'il s'agit d'un lecteur SESAM-Vitale, passez-le en mode PC/SC (menu du lecteur ou mise à jour de son logiciel) ; sinon installez son pilote.",
    en: "A card reader is plugged in ({device}) but the smart card service does not see it.",
    remedyEn:
      "If it is a SESAM-Vitale reader, switch it to PC/SC mode (reader menu or firmware update); otherwise install its driver.",
    thrownWhen:
      "PC/SC lists no reader while the OS's USB device list holds a smart-card class device (0x0B) or a known SESAM-Vitale reader.",
    likelyReason:
      "A SESAM-Vitale reader left in its proprietary PSS/GALSS mode (e.g. Ingenico 0B00:0090 needs application EI96S ≥ 4.0 for PC/SC), or a reader whose driver (libccid / vendor driver) is missing (research/cps-card.md §5.3).",
    howToResolve:
      "Switch the reader to PC/SC mode or update it (vendor's procedure); install libccid / the vendor driver; `pcsc_scan` must then list it.",
  }),

  // ─────────────────────────── the card ───────────────────────────
  DIAG_CARD_PRESENT: ok(
    "card.present",
    "Une carte est dans le lecteur « {reader} ».",
    "A card is in reader “{reader}”.",
  ),
  DIAG_NO_CARD: d({
    check: "card.present",
    verdict: "failed",
    fr: "Aucune carte n'est insérée.",
    remedyFr: "Insérez votre carte CPS, puce vers le haut, jusqu'au bout.",
    en: "No card is inserted.",
    remedyEn: "Insert your CPS card, chip up, all the way in.",
    thrownWhen: "Readers are visible but none holds a card.",
    likelyReason: "The card is not inserted, not fully inserted, or in another computer's reader.",
    howToResolve: "Insert the card; the reader's light should change.",
  }),
  DIAG_CARD_CPS: ok("card.type", "{card} reconnue.", "{card} recognised."),
  DIAG_CARD_CONTACTLESS: d({
    check: "card.type",
    verdict: "warning",
    fr: "{card} lue sans contact : la connexion par carte se fait par la puce à contact.",
    remedyFr: "Insérez la carte dans la fente du lecteur plutôt que de la poser dessus.",
    en: "{card} read contactless: card login uses the contact chip.",
    remedyEn: "Insert the card into the reader's slot rather than laying it on top.",
    thrownWhen: "The card answered through a contactless interface (ATR of the contactless CPS3 face).",
    likelyReason: "A dual reader used in contactless mode.",
    howToResolve: "Insert the card in the contact slot.",
  }),
  DIAG_CARD_OLD_CPS: d({
    check: "card.type",
    verdict: "failed",
    fr: "{card} : cette carte ne permet pas la connexion au portail.",
    remedyFr: "Commandez une carte CPS récente auprès de l'ANS (espace CPS de votre ordre ou esante.gouv.fr).",
    en: "{card}: this card cannot log in to the portal.",
    remedyEn: "Order a recent CPS card from the ANS (your professional order's CPS space or esante.gouv.fr).",
    thrownWhen:
      "The card is of the CPS family but of a generation without an authentication certificate usable here (CPS2ter, unknown CPx).",
    likelyReason: "A very old card kept by mistake.",
    howToResolve: "Use the current CPS3/CPS4 card; order a replacement if none.",
  }),
  DIAG_CARD_NOT_CPS: d({
    check: "card.type",
    verdict: "failed",
    fr: "{advice}",
    remedyFr: "Retirez cette carte et insérez votre carte CPS.",
    en: "{adviceEn}",
    remedyEn: "Remove this card and insert your CPS card.",
    thrownWhen:
      "The ATR is that of a Carte Vitale, a CNIe, a bank card or an unknown card (ATR table, cps-card.md §1.4).",
    likelyReason: "The patient's Carte Vitale (or another card) left in the reader — ANS test TST_SSL_004.",
    howToResolve: "Insert the CPS card in the reader used for login (a two-slot reader: the CPS slot).",
  }),
  DIAG_CARD_MUTE: d({
    check: "card.type",
    verdict: "failed",
    fr: "La carte ne répond pas : elle est peut-être insérée à l'envers ou sale.",
    remedyFr:
      "Retirez la carte, vérifiez le sens (puce vers le haut, vers le lecteur), nettoyez la puce, réinsérez-la.",
    en: "The card does not answer: it may be upside down or dirty.",
    remedyEn: "Remove the card, check its direction (chip up, towards the reader), clean the chip, insert it again.",
    thrownWhen: "A card is present but gives no valid ATR (PC/SC reports it mute / unresponsive).",
    likelyReason: "Card upside down (« carte à l'envers »), dirty or damaged chip, faulty reader contact.",
    howToResolve: "Reinsert correctly; try another reader; a damaged card must be replaced.",
  }),
  DIAG_CARD_UNREADABLE: d({
    check: "card.type",
    verdict: "failed",
    fr: "La carte CPS n'a pas pu être lue ({error}).",
    remedyFr: "Retirez et réinsérez la carte ; si cela persiste, essayez un autre lecteur.",
    en: "The CPS card could not be read ({error}).",
    remedyEn: "Remove and reinsert the card; if it persists, try another reader.",
    thrownWhen: "The card is a CPS by its ATR but reading its certificate or files failed.",
    likelyReason: "A transient reader error, another program holding the card, or a damaged card.",
    howToResolve: "Reinsert; close other card software; the code in the message is documented in docs/errors.md.",
  }),

  // ─────────────────────────── certificate ───────────────────────────
  DIAG_CERT_VALID: ok(
    "cert.validity",
    "Certificat valide jusqu'au {notAfter} ({days} jours).",
    "Certificate valid until {notAfter} ({days} days).",
  ),
  DIAG_CERT_EXPIRING: d({
    check: "cert.validity",
    verdict: "warning",
    fr: "Le certificat de la carte expire dans {days} jours ({notAfter}).",
    remedyFr: "Commandez dès maintenant le renouvellement de votre carte CPS.",
    en: "The card's certificate expires in {days} days ({notAfter}).",
    remedyEn: "Order the renewal of your CPS card now.",
    thrownWhen: "The authentication certificate's notAfter is less than 30 days away.",
    likelyReason: "The card reaches the end of its life (about 3 years).",
    howToResolve: "Order a renewal (the new card arrives by mail); the current one works until the date.",
  }),
  DIAG_CERT_EXPIRED: d({
    check: "cert.validity",
    verdict: "failed",
    fr: "Le certificat de la carte a expiré le {notAfter}.",
    remedyFr: "Utilisez votre nouvelle carte CPS si vous l'avez reçue, sinon commandez-en une.",
    en: "The card's certificate expired on {notAfter}.",
    remedyEn: "Use your new CPS card if you received it, otherwise order one.",
    thrownWhen: "The authentication certificate's notAfter is in the past (by this computer's clock).",
    likelyReason: "An old card kept after renewal, or the computer's clock is far ahead (see clock.skew).",
    howToResolve: "Use the renewed card; check the date of the computer.",
  }),
  DIAG_CERT_NOT_YET_VALID: d({
    check: "cert.validity",
    verdict: "failed",
    fr: "Le certificat de la carte n'est valable qu'à partir du {notBefore}.",
    remedyFr: "Vérifiez la date de l'ordinateur ; sinon attendez cette date ou utilisez votre carte actuelle.",
    en: "The card's certificate is only valid from {notBefore}.",
    remedyEn: "Check the computer's date; otherwise wait for that date or use your current card.",
    thrownWhen: "The authentication certificate's notBefore is in the future (by this computer's clock).",
    likelyReason: "The computer's clock is late, or a brand-new card used before its start date.",
    howToResolve: "Set the clock (automatic time); use the previous card meanwhile.",
  }),
  DIAG_CERT_CHAIN_OK: ok(
    "cert.chain",
    "Certificat émis par l'IGC-Santé ({issuer}).",
    "Certificate issued by IGC-Santé ({issuer}).",
  ),
  DIAG_CERT_CHAIN_TEST: d({
    check: "cert.chain",
    verdict: "ok",
    fr: "Certificat de la PKI de test ({issuer}) : accepté en mode test seulement.",
    remedyFr: "Sur un vrai poste, utilisez une carte CPS de production.",
    en: "Certificate from the test PKI ({issuer}): accepted in test mode only.",
    remedyEn: "On a real workstation, use a production CPS card.",
    thrownWhen: "The certificate chains to the test bench PKI and the agent runs in test mode.",
    likelyReason: "A developer or CI run on the test bench.",
    howToResolve: "Nothing in tests; in production this card would be refused.",
  }),
  DIAG_CERT_UNTRUSTED: d({
    check: "cert.chain",
    verdict: "failed",
    fr: "Le certificat de la carte n'est pas émis par l'IGC-Santé ({issuer}).",
    remedyFr: "Utilisez votre carte CPS (celle de l'ANS) ; si c'est bien elle, contactez le support de l'ANS.",
    en: "The card's certificate is not issued by IGC-Santé ({issuer}).",
    remedyEn: "Use your CPS card (issued by the ANS); if it is, contact the ANS support.",
    thrownWhen:
      "The authentication certificate does not chain to an IGC-Santé anchor (nor to the test PKI in test mode).",
    likelyReason: "A test card on a real workstation, a card of another scheme, or an anchor list too old.",
    howToResolve: "Check the card; update cps-bridge (it carries the IGC-Santé anchors).",
  }),
  DIAG_REVOCATION_OK: ok(
    "cert.revocation",
    "Le certificat n'est pas révoqué (liste de l'IGC-Santé du {thisUpdate}).",
    "The certificate is not revoked (IGC-Santé list of {thisUpdate}).",
  ),
  DIAG_CERT_REVOKED: d({
    check: "cert.revocation",
    verdict: "failed",
    fr: "Le certificat de la carte a été révoqué le {revokedAt}.",
    remedyFr: "Cette carte ne peut plus servir : contactez l'ANS pour en obtenir une nouvelle.",
    en: "The card's certificate was revoked on {revokedAt}.",
    remedyEn: "This card can no longer be used: contact the ANS for a new one.",
    thrownWhen: "The certificate's serial is listed in the issuing CA's CRL (checked only when the doctor opts in).",
    likelyReason: "The card was declared lost or stolen, or replaced by a new one.",
    howToResolve: "Use the replacement card; otherwise order one from the ANS.",
  }),
  DIAG_REVOCATION_UNAVAILABLE: d({
    check: "cert.revocation",
    verdict: "warning",
    fr: "La liste de révocation n'a pas pu être consultée ({detail}).",
    remedyFr: "Vérifiez la connexion Internet puis relancez ; ce contrôle est facultatif.",
    en: "The revocation list could not be fetched ({detail}).",
    remedyEn: "Check the Internet connection and run again; this check is optional.",
    thrownWhen: "The CRL cannot be downloaded, does not parse, is not the issuer's, or is past its nextUpdate.",
    likelyReason: "No Internet access, a proxy, or the IGC-Santé CRL server unavailable.",
    howToResolve: "Retry later; the login itself does not need this check.",
  }),

  // ─────────────────────────── PIN ───────────────────────────
  DIAG_PIN_OK: ok("pin.status", "Code porteur : {tries} essais sur {max}.", "PIN: {tries} of {max} tries left."),
  DIAG_PIN_LAST_TRY: d({
    check: "pin.status",
    verdict: "warning",
    fr: "Attention : il ne reste qu'un essai de code porteur avant le blocage de la carte.",
    remedyFr: "Ne tapez le code que si vous en êtes sûr ; sinon retrouvez-le (courrier de l'ANS) avant.",
    en: "Warning: one PIN try left before the card blocks.",
    remedyEn: "Type the PIN only if you are sure of it; otherwise find it first (the ANS letter).",
    thrownWhen: "The card's PIN try counter is 1 (read without spending a try).",
    likelyReason: "Two wrong PINs typed before (in cps-bridge or another software).",
    howToResolve: "Type the right PIN once: the counter goes back to 3.",
  }),
  DIAG_PIN_BLOCKED: d({
    check: "pin.status",
    verdict: "failed",
    fr: "La carte CPS est bloquée : le code porteur a été mal saisi 3 fois.",
    remedyFr:
      "Débloquez-la avec le code de déblocage (PUK, courrier de l'ANS) dans « CPS Gestion » ; sans PUK ou s'il est épuisé, commandez une nouvelle carte.",
    en: "The CPS card is blocked: the PIN was typed wrong 3 times.",
    remedyEn:
      "Unblock it with the unblocking code (PUK, the ANS letter) in “CPS Gestion”; without a PUK, or once it is used up, order a new card.",
    thrownWhen: "The card's PIN try counter is 0 (status 63C0 / 6983, read without spending a try).",
    likelyReason: "Three wrong PINs (cps-card.md §5.3).",
    howToResolve:
      "Unblock with the PUK in CPS Gestion (cpgesw64/cpgeslux); if the PUK is exhausted, the card must be replaced.",
  }),

  // ─────────────────────────── middleware (PKCS#11) ───────────────────────────
  DIAG_CRYPTOLIB_OK: ok(
    "middleware.installed",
    "La Cryptolib CPS est installée ({module}).",
    "The CPS Cryptolib is installed ({module}).",
  ),
  DIAG_OPENSC_ONLY: d({
    check: "middleware.installed",
    verdict: "warning",
    fr: "La Cryptolib CPS n'est pas installée ; OpenSC ({module}) peut lire une CPS3 mais pas une CPS4.",
    remedyFr:
      "Installez la Cryptolib CPS de l'ANS (esante.gouv.fr, rubrique Cryptolib CPS) pour tous les usages de la carte.",
    en: "The CPS Cryptolib is not installed; OpenSC ({module}) can read a CPS3 but not a CPS4.",
    remedyEn: "Install the ANS CPS Cryptolib (esante.gouv.fr, CPS Cryptolib section) for every use of the card.",
    thrownWhen: "No Cryptolib module file is found, but OpenSC's PKCS#11 module is.",
    likelyReason: "A Linux workstation set up with the distribution's OpenSC only.",
    howToResolve: "Install the Cryptolib CPS (RPM/MSI/PKG from the ANS); OpenSC alone is enough for a CPS3.",
  }),
  DIAG_CRYPTOLIB_OBSOLETE: d({
    check: "middleware.installed",
    verdict: "failed",
    fr: "Seule une ancienne Cryptolib CPS est installée ({module}) : elle ne gère pas les cartes actuelles.",
    remedyFr: "Désinstallez-la et installez la Cryptolib CPS 5.2 ou plus récente (esante.gouv.fr).",
    en: "Only an old CPS Cryptolib is installed ({module}): it does not handle current cards.",
    remedyEn: "Uninstall it and install CPS Cryptolib 5.2 or later (esante.gouv.fr).",
    thrownWhen: "Only obsolete module names (cps_pkcs11_*, 4.x era, cps-card.md §4.1) are found.",
    likelyReason: "A workstation never updated since the CPS2ter years.",
    howToResolve: "Install the current Cryptolib; the installer replaces the old modules.",
  }),
  DIAG_CRYPTOLIB_MISSING: d({
    check: "middleware.installed",
    verdict: "failed",
    fr: "Aucun logiciel de lecture de carte CPS (Cryptolib CPS) n'est installé : le navigateur ne peut pas utiliser la carte.",
    remedyFr:
      "Téléchargez et installez la Cryptolib CPS depuis esante.gouv.fr (rubrique « Cryptolib CPS »), puis redémarrez le navigateur.",
    en: "No CPS card middleware (CPS Cryptolib) is installed: the browser cannot use the card.",
    remedyEn: "Download and install the CPS Cryptolib from esante.gouv.fr (“Cryptolib CPS”), then restart the browser.",
    thrownWhen: "None of the Cryptolib's module files (nor OpenSC's) exists at its per-OS location (cps-card.md §4.1).",
    likelyReason: "A new computer, or the Cryptolib was uninstalled; the portal's card login then always fails.",
    howToResolve: "Install the Cryptolib CPS (needs administrator rights); cps-bridge's own login does not need it.",
  }),
  DIAG_MIDDLEWARE_FITS_CARD: ok(
    "middleware.version",
    "Le logiciel installé gère cette carte ({card}).",
    "The installed middleware handles this card ({card}).",
  ),
  DIAG_MIDDLEWARE_NO_CPS4: d({
    check: "middleware.version",
    verdict: "failed",
    fr: "Votre carte est une CPS4 : elle demande la Cryptolib CPS 5.2 ou plus récente, absente de cet ordinateur.",
    remedyFr: "Installez la dernière Cryptolib CPS (esante.gouv.fr), puis redémarrez le navigateur.",
    en: "Your card is a CPS4: it needs CPS Cryptolib 5.2 or later, which this computer lacks.",
    remedyEn: "Install the latest CPS Cryptolib (esante.gouv.fr), then restart the browser.",
    thrownWhen:
      "The card is a CPS4 and no Cryptolib 5.x module (cps3_pkcs11) is installed (OpenSC has no CPS4 driver).",
    likelyReason: "A renewed card (CPS4) on a workstation set up for the CPS3 (cps-card.md §5.3, #1722).",
    howToResolve: "Install Cryptolib ≥ 5.2.1.",
  }),
  DIAG_CACHE_OK: ok(
    "middleware.cache",
    "Le cache de la Cryptolib est sain ({files} fichiers).",
    "The Cryptolib's cache is sound ({files} files).",
  ),
  DIAG_CACHE_DAMAGED: d({
    check: "middleware.cache",
    verdict: "failed",
    fr: "Le cache de la Cryptolib CPS contient {count} fichier(s) abîmé(s) ({dir}) : la carte peut paraître illisible.",
    remedyFr: "Videz le cache (bouton « Corriger » ou la commande indiquée), puis retirez et réinsérez la carte.",
    en: "The CPS Cryptolib's cache holds {count} damaged file(s) ({dir}): the card may look unreadable.",
    remedyEn: "Clear the cache (the “Fix” button or the command shown), then remove and reinsert the card.",
    thrownWhen: "A file of the Cryptolib cache directory is empty or unreadable.",
    likelyReason: "A card pulled or a computer shut down while the Cryptolib wrote its cache (#1102, #1413).",
    howToResolve: "Move the cache directory aside (the fix does it, or `sudo mv` it); the Cryptolib rebuilds it.",
  }),

  DIAG_REGISTERED_OK: ok(
    "middleware.registered",
    "Le module de sécurité de la carte est déclaré dans vos navigateurs ({count} profil(s)).",
    "The card's security module is registered in your browsers ({count} profile(s)).",
  ),
  DIAG_REGISTERED_PARTIAL: d({
    check: "middleware.registered",
    verdict: "warning",
    fr: "Le module de sécurité de la carte n'est pas déclaré dans : {profiles}. Ce navigateur-là ne pourra pas utiliser la carte.",
    remedyFr:
      "Cliquez sur « Corriger » pour chaque profil (ou utilisez le navigateur où il est déclaré), puis redémarrez le navigateur.",
    en: "The card's security module is not registered in: {profiles}. That browser cannot use the card.",
    remedyEn: "Click “Fix” for each profile (or use the browser where it is registered), then restart the browser.",
    thrownWhen:
      "Some browser profiles' NSS databases (Firefox pkcs11.txt, Chromium ~/.pki/nssdb) list the Cryptolib's or OpenSC's PKCS#11 module and others do not.",
    likelyReason:
      "The Cryptolib installer registers the module in the profiles that existed then; a new Firefox profile or a second browser came later.",
    howToResolve:
      "Apply the fix `middleware.register` with that database as target (modutil -add), or load the module in Firefox's « Périphériques de sécurité »; restart the browser.",
  }),
  DIAG_NOT_REGISTERED: d({
    check: "middleware.registered",
    verdict: "failed",
    fr: "Aucun de vos navigateurs ({profiles}) ne connaît le module de sécurité de la carte : le portail ne recevra pas votre certificat.",
    remedyFr: "Cliquez sur « Corriger » pour déclarer le module, puis redémarrez le navigateur.",
    en: "None of your browsers ({profiles}) knows the card's security module: the portal will not receive your certificate.",
    remedyEn: "Click “Fix” to register the module, then restart the browser.",
    thrownWhen:
      "No browser profile's NSS database lists a PKCS#11 module able to read a CPS card (or the file it lists is gone).",
    likelyReason:
      "The Cryptolib was installed before the browser profile existed, registration was refused, or the Cryptolib was uninstalled/upgraded and left a stale path.",
    howToResolve:
      "Apply the fix `middleware.register` (modutil -force -add of the installed module), or in Firefox: Paramètres → Vie privée et sécurité → Périphériques de sécurité → Charger; restart the browser.",
  }),
  DIAG_REGISTERED_NO_PROFILE: d({
    check: "middleware.registered",
    verdict: "warning",
    fr: "Aucun profil de navigateur n'a été trouvé pour vérifier que le module de sécurité y est déclaré.",
    remedyFr:
      "Ouvrez une fois votre navigateur puis relancez le diagnostic ; sous Windows et macOS, Chrome et Edge utilisent le magasin du système.",
    en: "No browser profile was found to check that the security module is registered in it.",
    remedyEn:
      "Open your browser once and run the diagnostics again; on Windows and macOS, Chrome and Edge use the system store.",
    thrownWhen: "No Firefox profiles.ini profile and (on Linux) no ~/.pki/nssdb exist for this user.",
    likelyReason:
      "The browser was never started by this user, the agent runs as another user, or the browser keeps its profile elsewhere (Chrome/Edge on Windows/macOS use the system store).",
    howToResolve:
      "Start the browser once; check that the agent runs as the doctor's user; on Windows check the certificate propagation service.",
  }),

  DIAG_TOKEN_OK: ok(
    "middleware.token",
    "Le module de sécurité voit la carte (« {token} »).",
    "The security module sees the card (“{token}”).",
  ),
  DIAG_TOKEN_NOT_SEEN: d({
    check: "middleware.token",
    verdict: "failed",
    fr: "Le module de sécurité ({module}) ne voit pas votre carte : le navigateur ne pourra pas s'en servir.",
    remedyFr:
      "Retirez et réinsérez la carte ; si cela persiste, réinstallez la Cryptolib CPS puis redémarrez l'ordinateur.",
    en: "The security module ({module}) does not see your card: the browser will not be able to use it.",
    remedyEn: "Remove and reinsert the card; if it persists, reinstall the CPS Cryptolib and restart the computer.",
    thrownWhen: "The PKCS#11 module loads but lists no token holding the certificate the agent read from the card.",
    likelyReason:
      "A module too old for the card, another program holding the card exclusively, a damaged Cryptolib cache, or OpenSC with a CPS4.",
    howToResolve:
      "Check middleware.version and middleware.cache; `pkcs11-tool --module <module> -L -O` shows what it sees.",
  }),
  DIAG_MODULE_ERROR: d({
    check: "middleware.token",
    verdict: "failed",
    fr: "Le module de sécurité ({module}) n'a pas pu être chargé ({detail}).",
    remedyFr: "Réinstallez la Cryptolib CPS (esante.gouv.fr), puis redémarrez l'ordinateur.",
    en: "The security module ({module}) could not be loaded ({detail}).",
    remedyEn: "Reinstall the CPS Cryptolib (esante.gouv.fr), then restart the computer.",
    thrownWhen:
      "Loading the PKCS#11 module or its C_Initialize fails, or it does not answer within 8 s (child process).",
    likelyReason: "A broken or partial installation, a 32/64-bit mismatch, missing dependencies (PC/SC library).",
    howToResolve: "Reinstall the middleware; `pkcs11-tool --module <module> -I` reproduces the failure.",
  }),

  // ─────────────────────────── portal and clock ───────────────────────────
  DIAG_PORTAL_OK: ok("portal.reachable", "Le portail {portal} répond.", "The portal {portal} answers."),
  DIAG_PORTAL_UNREACHABLE: d({
    check: "portal.reachable",
    verdict: "failed",
    fr: "Le portail {portal} ne répond pas ({detail}).",
    remedyFr:
      "Vérifiez la connexion Internet ; si elle fonctionne, le portail est peut-être en maintenance : réessayez plus tard.",
    en: "The portal {portal} does not answer ({detail}).",
    remedyEn: "Check the Internet connection; if it works, the portal may be under maintenance: try later.",
    thrownWhen:
      "An HTTPS request to the configured portal fails (DNS, connection, TLS, timeout of 4 s, or a 5xx answer).",
    likelyReason: "No Internet access, a proxy or firewall, or the portal down.",
    howToResolve: "Open the portal in the browser; check the network; retry later.",
  }),
  DIAG_CLOCK_OK: ok(
    "clock.skew",
    "L'horloge de l'ordinateur est à l'heure ({skew} s d'écart).",
    "The computer's clock is right ({skew} s off).",
  ),
  DIAG_CLOCK_SKEW: d({
    check: "clock.skew",
    verdict: "warning",
    fr: "L'horloge de l'ordinateur est décalée de {minutes} minutes par rapport au portail.",
    remedyFr: "Activez le réglage automatique de la date et de l'heure.",
    en: "The computer's clock is {minutes} minutes off the portal's.",
    remedyEn: "Turn on automatic date and time.",
    thrownWhen: "The portal's HTTP Date differs from this computer's clock by 2 minutes or more.",
    likelyReason: "Automatic time is off, or the machine's battery-backed clock drifted.",
    howToResolve: "Enable NTP / automatic time (Windows: Settings → Time; Linux: `timedatectl set-ntp true`).",
  }),
  DIAG_CLOCK_WRONG: d({
    check: "clock.skew",
    verdict: "failed",
    fr: "L'horloge de l'ordinateur est décalée de {minutes} minutes : les certificats et les codes reçus par e-mail paraissent invalides.",
    remedyFr: "Remettez l'ordinateur à l'heure (réglage automatique de la date et de l'heure), puis relancez.",
    en: "The computer's clock is {minutes} minutes off: certificates and e-mailed codes look invalid.",
    remedyEn: "Set the computer's clock (automatic date and time), then run again.",
    thrownWhen: "The portal's HTTP Date differs from this computer's clock by one hour or more.",
    likelyReason: "Wrong time zone handling, a dead clock battery, or automatic time off.",
    howToResolve: "Set the clock right; the certificate dates and the 10-minute OTP window depend on it.",
  }),
} as const satisfies Record<string, DiagCodeDefinition>;

export type DiagCode = keyof typeof DIAG_CODES;

/** Codes other modules register (middleware checks, browser checks) without editing this table. */
const EXTRA: Record<string, DiagCodeDefinition> = {};
export function registerDiagCodes(codes: Record<string, DiagCodeDefinition>): void {
  for (const [k, v] of Object.entries(codes)) {
    if (k in DIAG_CODES || (k in EXTRA && EXTRA[k] !== v)) throw new Error(`diagnostic code ${k} defined twice`);
    EXTRA[k] = v;
  }
}

export function diagCode(code: string): DiagCodeDefinition | undefined {
  return (DIAG_CODES as Record<string, DiagCodeDefinition>)[code] ?? EXTRA[code];
}

export function allDiagCodes(): Record<string, DiagCodeDefinition> {
  return { ...DIAG_CODES, ...EXTRA };
}

function fill(text: string, params: Record<string, string | number> | undefined): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (params && k in params ? String(params[k]) : m));
}

/** The sentence and remedy of a code in a language, placeholders filled; unknown codes say so (never throw). */
export function renderDiag(
  code: string,
  params: Record<string, string | number> | undefined,
  lang: "fr" | "en",
): { text: string; remedy: string } {
  const def = diagCode(code);
  if (!def) return { text: code, remedy: "" };
  return lang === "fr"
    ? { text: fill(def.fr, params), remedy: fill(def.remedyFr, params) }
    : { text: fill(def.en, params), remedy: fill(def.remedyEn, params) };
}
