/**
 * French interface texts (the reference language). Error texts are NOT here: they come from
 * protocol/src/errors.ts (`fr`, `remedyFr`) so that the agent, the extension and the docs say the same thing.
 * Placeholders: `{name}`.
 */
export const fr = {
  "app.name": "cps-bridge",

  // Situation headlines (shared/situation.ts); the remedy under each comes from errors.ts.
  "situation.agent-connecting": "Connexion au programme cps-bridge…",
  "situation.agent-unavailable": "Le programme cps-bridge ne répond pas",
  "situation.agent-unpaired": "Extension pas encore appairée",
  "situation.agent-error": "Connexion au programme cps-bridge impossible",
  "situation.pcsc-down": "Le service carte à puce est arrêté",
  "situation.readers-loading": "Recherche des lecteurs…",
  "situation.no-reader": "Aucun lecteur de carte détecté",
  "situation.no-card": "Aucune carte dans le lecteur",
  "situation.card-mute": "La carte ne répond pas",
  "situation.not-a-cps": "{card} insérée : ce n'est pas une carte CPS",
  "situation.unsupported-cps": "Cette carte CPS ne permet pas la connexion",
  "situation.card-reading": "Lecture de la carte…",
  "situation.card-error": "Carte illisible",
  "situation.cert-expired": "Le certificat de la carte a expiré",
  "situation.cert-not-yet-valid": "Le certificat de la carte n'est pas encore valide",
  "situation.cert-untrusted": "Certificat de carte non reconnu",
  "situation.pin-blocked": "Carte CPS bloquée",
  "situation.pin-last-try": "Attention : dernier essai du code porteur",
  "situation.ready": "Carte CPS prête",
  "situation.ready.detail": "Vous pouvez vous connecter au portail avec votre carte.",
  "situation.card-reading.detail": "Un instant : cps-bridge lit le titulaire et le certificat.",
  "situation.agent-connecting.detail": "Un instant.",
  "situation.readers-loading.detail": "Un instant.",

  // Badge (short texts: at most 3 characters fit)
  "badge.title": "cps-bridge — {situation}",

  // Agent line
  "agent.label": "Programme cps-bridge",
  "agent.connectedLine": "Programme cps-bridge connecté",
  "agent.connecting": "connexion…",
  "agent.unavailable": "ne répond pas",
  "agent.unpaired": "non appairé",
  "agent.error": "erreur",
  "agent.port": "port {port}",

  // Card details
  "card.reader": "Lecteur",
  "card.type": "Carte",
  "card.holder": "Titulaire",
  "card.rpps": "N° RPPS",
  "card.adeli": "N° ADELI",
  "card.structureId": "Identifiant",
  "card.profession": "Profession",
  "card.certificate": "Certificat",
  "card.validFromTo": "du {from} au {to}",
  "card.expiresInDays": "expire dans {n} jours",
  "card.expiresInOneDay": "expire demain",
  "card.expiresToday": "expire aujourd'hui",
  "card.expiredDaysAgo": "expiré depuis {n} jours",
  "card.expired": "expiré",
  "card.notYetValid": "pas encore valide",
  "card.testChain": "carte de test (acceptée en mode test uniquement)",
  "card.pin": "Code porteur",
  "card.pinTries": "{n} essais restants sur {max}",
  "card.pinOneTry": "1 seul essai restant sur {max}",
  "card.pinBlocked": "bloqué",
  "card.stale": "Dernier état connu, mise à jour en cours…",

  // Actions
  "action.pair": "Appairer l'extension",
  "action.repair": "Refaire l'appairage",
  "action.options": "Réglages",
  "action.retry": "Réessayer",
  "action.diagnostics": "Lancer le diagnostic",
  "action.cancel": "Annuler",
  "action.close": "Fermer",
  "action.save": "Enregistrer",

  // Pairing page
  "pair.title": "Appairer l'extension avec le programme cps-bridge",
  "pair.why":
    "L'appairage permet au programme cps-bridge de reconnaître cette extension, et elle seule, avant de donner accès à votre carte CPS. Il se fait une seule fois par navigateur.",
  "pair.step1": "Sur cet ordinateur, lancez la commande :",
  "pair.step2": "Le programme affiche un code à 7 chiffres, valable 2 minutes.",
  "pair.step3": "Saisissez ce code ci-dessous, puis cliquez sur « Appairer ».",
  "pair.codeLabel": "Code d'appairage (7 chiffres)",
  "pair.submit": "Appairer",
  "pair.working": "Appairage en cours…",
  "pair.success": "Appairage réussi : l'extension est reliée au programme cps-bridge.",
  "pair.successNext": "Vous pouvez fermer cette page.",
  "pair.alreadyPaired": "Cette extension est déjà appairée. Un nouvel appairage remplacera l'ancien.",
  "pair.codeFormat": "Le code comporte 7 chiffres (exactement 6 chiffres si « cps-bridge pair » n'en affiche que 6).",
  "pair.agentDown": "Le programme cps-bridge ne répond pas sur le port {port}.",
  "pair.agentStart": "Démarrez-le avec la commande :",
  "pair.waitingAgent": "La page réessaie toute seule dès que le programme répond.",

  // PIN window
  "pin.title": "Code porteur de votre carte CPS",
  "pin.asks": "Ce site demande une connexion avec votre carte CPS :",
  "pin.onlyIfYou": "Ne saisissez votre code que si vous venez vous-même de demander cette connexion.",
  "pin.holder": "Carte de {name}",
  "pin.tries": "Il vous reste {n} essais sur {max}.",
  "pin.oneTry": "Il ne vous reste qu'un seul essai.",
  "pin.label": "Code porteur (4 chiffres)",
  "pin.submit": "Valider",
  "pin.working": "Vérification…",
  "pin.signing": "Connexion en cours…",
  "pin.lastTryConfirm": "J'ai bien compris : une erreur de plus bloquera ma carte.",
  "pin.wrong": "Code incorrect. Il vous reste {n} essais.",
  "pin.wrongOne": "Code incorrect. Il ne vous reste qu'un seul essai.",
  "pin.success": "Connexion autorisée. Cette fenêtre va se fermer.",
  "pin.expired": "Cette demande n'est plus valable. Recommencez la connexion depuis le portail.",
  "pin.unblockTitle": "Comment débloquer la carte",
  "pin.unblock1": "Ouvrez le logiciel CPS Gestion (installé avec la Cryptolib CPS).",
  "pin.unblock2":
    "Choisissez de débloquer la carte et saisissez le code de déblocage à 8 chiffres reçu par courrier avec votre carte.",
  "pin.unblock3": "Choisissez un nouveau code porteur.",
  "pin.unblock4":
    "Vous n'avez plus ce courrier, ou le déblocage est refusé : contactez l'ANS (esante.gouv.fr, rubrique carte CPS), qui émet les cartes.",

  // Options
  "options.title": "Réglages de cps-bridge",
  "options.agent": "Programme cps-bridge",
  "options.port": "Port du programme sur cet ordinateur",
  "options.portHelp": "À changer seulement si vous avez démarré le programme avec « --port ». Par défaut : {port}.",
  "options.portInvalid": "Le port doit être un nombre entre 1024 et 65535.",
  "options.pairing": "Appairage",
  "options.paired": "Cette extension est appairée avec le programme cps-bridge.",
  "options.notPaired": "Cette extension n'est pas encore appairée.",
  "options.forget": "Oublier l'appairage",
  "options.forgotten": "Appairage oublié. Refaites-le pour utiliser votre carte.",
  "options.portals": "Portails autorisés à demander une connexion par carte CPS",
  "options.portalsHelp":
    "Une adresse par ligne, en https. cps-bridge prend en charge https://trajectoire.sante-ra.fr et https://viatrajectoire.fr : retirez-en une pour qu'il n'y intervienne plus.",
  "options.originInvalid": "Adresse non valable : {value}",
  "options.portalUnsupported":
    "cps-bridge ne prend pas en charge ce portail : {value}. Portails pris en charge : https://trajectoire.sante-ra.fr et https://viatrajectoire.fr (pour les tests : http://localhost ou http://127.0.0.1).",
  "options.language": "Langue",
  "options.languageAuto": "Celle du navigateur",
  "options.developer": "Section développeur",
  "options.developerHelp":
    "Adresses supplémentaires pour les tests, par exemple le portail de test http://localhost:8443. Le programme ne les accepte qu'en mode test.",
  "options.saved": "Réglages enregistrés.",
  // Portal login assistant (content script on the portal's login pages: docs/login-assistant.md)
  "portal.brand": "Assistant de connexion par carte CPS",
  "portal.login.button": "Se connecter avec ma carte CPS",
  "portal.login.pinInWindow": "Votre code porteur se saisit dans la fenêtre cps-bridge, jamais dans cette page.",
  "portal.login.waitingPin": "Saisissez votre code porteur dans la fenêtre cps-bridge qui vient de s'ouvrir.",
  "portal.login.submitting": "Code accepté : connexion au portail…",
  "portal.login.blocked":
    "Connexion par carte impossible pour l'instant : faites d'abord ce qui est indiqué ci-dessus.",
  "portal.login.wait": "Un instant : cps-bridge vérifie votre carte.",
  "portal.login.lastTry":
    "Il ne vous reste qu'un essai : la fenêtre du code vous demandera de confirmer avant de l'utiliser.",
  "portal.login.failed": "La connexion n'a pas abouti",
  "portal.login.refused": "Le portail a refusé la connexion",
  "portal.real.explain":
    "Ce portail fait la connexion par carte avec le navigateur et le composant Cryptolib CPS. cps-bridge vérifie votre carte avant que vous cliquiez sur « Se connecter par carte CPS ».",
  "portal.preflight.title": "Connexion par carte CPS arrêtée avant l'échec",
  "portal.preflight.why": "cps-bridge a vérifié votre carte à l'instant : la connexion par carte échouerait.",
  "portal.preflight.whyLastTry":
    "Il ne reste qu'un essai du code porteur : une erreur de plus bloquera votre carte. Continuez seulement si vous êtes sûr de votre code.",
  "portal.preflight.continue": "Continuer quand même",
  "portal.preflight.dismiss": "Fermer",
  "portal.failure.title": "cps-bridge a vérifié votre carte à l'instant",
  "portal.failure.cardExplains": "Voici ce qui empêche la connexion par carte :",
  "portal.failure.cardFine": "Votre carte CPS et votre lecteur fonctionnent : l'échec ne vient pas d'eux.",
  "portal.failure.cardFineCauses": "Causes probables, de la plus fréquente à la plus rare :",
  "portal.failure.causeBrowser":
    "Le navigateur a gardé en mémoire un échec précédent : fermez-le complètement (toutes ses fenêtres), puis réessayez.",
  "portal.failure.causeCryptolib":
    "Le composant Cryptolib CPS n'est pas installé ou est trop ancien (version 5.2.1 au moins pour une carte CPS4) : l'outil de vérification du ministère ci-dessous le dit.",
  "portal.failure.causeCancelled": "Le choix du certificat ou la saisie du code porteur a été annulé.",
  "portal.failure.unknown": "cps-bridge ne peut pas vérifier votre carte en ce moment :",
  "portal.failure.otherWays": "Autres moyens de vous connecter",
  "portal.failure.ecps": "Se connecter par e-CPS",
  "portal.failure.ecpsHelp": "avec l'application e-CPS de votre téléphone",
  "portal.failure.password": "Identifiant et mot de passe",
  "portal.failure.passwordHelp":
    "puis le code reçu par e-mail ; possible seulement si vous vous êtes déjà connecté une fois par carte ou e-CPS",
  "portal.failure.retry": "Réessayer la connexion par carte",
  "portal.failure.portalHelp": "Les aides du portail restent disponibles ci-dessous.",
  "portal.method.highlight": "cps-bridge : utilisez ce moyen de connexion",
} as const;

export type MessageKey = keyof typeof fr;
