/**
 * Every failure that can reach a user or a developer has one stable code here, with its group, whether retrying
 * can help, a French sentence and remedy (shown to doctors), their English translation, and the three-part
 * documentation ("Thrown when / Likely reason / How to resolve") rendered into docs/errors.md by
 * `npm run docs:errors -w protocol` (a unit test fails when the file is out of date).
 *
 * Codes are part of the wire contract: never rename or reuse one; add new ones at the end of their group.
 */

export type ErrorGroup = "transport" | "pcsc" | "card" | "user" | "mail" | "developer" | "token";

export interface ErrorDefinition {
  group: ErrorGroup;
  /** Can the same request succeed later without the user changing anything? (the client may retry with backoff) */
  retriable: boolean;
  /** What a doctor reads: one sentence of what happened. */
  fr: string;
  /** What a doctor should do next. */
  remedyFr: string;
  en: string;
  remedyEn: string;
  thrownWhen: string;
  likelyReason: string;
  howToResolve: string;
}

const d = (x: ErrorDefinition) => x;

export const ERRORS = {
  // ───────────────────────────── transport / health: extension ⇄ agent ─────────────────────────────
  ERR_AGENT_UNAVAILABLE: d({
    group: "transport",
    retriable: true,
    fr: "Le programme cps-bridge ne répond pas sur cet ordinateur.",
    remedyFr:
      "Démarrez-le (commande « cps-bridge start » ; « cps-bridge install » le fait démarrer à chaque ouverture de session), puis réessayez.",
    en: "The cps-bridge agent does not answer on this computer.",
    remedyEn: "Start it (`cps-bridge start`; `cps-bridge install` makes it start at every logon), then try again.",
    thrownWhen: "The extension cannot open the WebSocket to 127.0.0.1:<port>, or the connection dropped.",
    likelyReason: "The agent is not running, runs on another port, or was stopped.",
    howToResolve:
      "Run `cps-bridge status`; start it with `cps-bridge start`, or `cps-bridge install` for every logon; check the port in the extension options.",
  }),
  ERR_AGENT_UNTRUSTED: d({
    group: "transport",
    retriable: false,
    fr: "Le programme qui répond n'est pas celui avec lequel l'extension a été appairée.",
    remedyFr: "Refaites l'appairage depuis l'extension ; si cela se reproduit, prévenez votre support informatique.",
    en: "The program answering is not the agent this extension was paired with.",
    remedyEn: "Pair again from the extension; if it happens again, tell your IT support.",
    thrownWhen: "The agent's proof of its key does not verify against the key pinned at pairing.",
    likelyReason: "The agent's key was reset (reinstall, new user profile), or another program listens on the port.",
    howToResolve: "Unpair and pair again; check which process owns the port (`cps-bridge status`).",
  }),
  ERR_NOT_PAIRED: d({
    group: "transport",
    retriable: false,
    fr: "L'extension n'est pas encore appairée avec le programme cps-bridge.",
    remedyFr: "Ouvrez la page d'appairage de l'extension et saisissez le code affiché par « cps-bridge pair ».",
    en: "The extension is not paired with the cps-bridge agent yet.",
    remedyEn: "Open the extension's pairing page and type the code shown by `cps-bridge pair`.",
    thrownWhen: "A connection authenticates with a key the agent does not know, or the extension holds no key.",
    likelyReason: "First use, the pairing was revoked (`cps-bridge unpair`), or the browser profile was reset.",
    howToResolve: "Run `cps-bridge pair` and enter the code in the extension's pairing page.",
  }),
  ERR_PAIRING_CODE_WRONG: d({
    group: "transport",
    retriable: false,
    fr: "Le code d'appairage est incorrect.",
    remedyFr: "Vérifiez les 6 chiffres affichés par « cps-bridge pair » et saisissez-les à nouveau.",
    en: "The pairing code is wrong.",
    remedyEn: "Check the 6 digits shown by `cps-bridge pair` and type them again.",
    thrownWhen: "`pair.complete` carries a code that does not match the open pairing window.",
    likelyReason: "A typing mistake, or the code of an older window.",
    howToResolve: "Type the code shown now; after 5 wrong codes the window closes (ERR_PAIRING_LOCKED).",
  }),
  ERR_PAIRING_WINDOW_CLOSED: d({
    group: "transport",
    retriable: false,
    fr: "Aucun appairage n'est en cours, ou le délai de 2 minutes est dépassé.",
    remedyFr: "Relancez « cps-bridge pair » puis saisissez le nouveau code dans les 2 minutes.",
    en: "No pairing window is open, or its 2 minutes have run out.",
    remedyEn: "Run `cps-bridge pair` again and type the new code within 2 minutes.",
    thrownWhen: "`pair.complete` arrives while no pairing window is open.",
    likelyReason: "The window expired, was already used, or was never opened.",
    howToResolve: "Run `cps-bridge pair` again.",
  }),
  ERR_PAIRING_LOCKED: d({
    group: "transport",
    retriable: false,
    fr: "Trop de codes d'appairage erronés : l'appairage est bloqué pour le moment.",
    remedyFr: "Attendez une minute, puis relancez « cps-bridge pair ».",
    en: "Too many wrong pairing codes: pairing is locked for now.",
    remedyEn: "Wait a minute, then run `cps-bridge pair` again.",
    thrownWhen: "The pairing attempt limit of the window or of the agent was reached.",
    likelyReason: "Repeated typing mistakes, or a program guessing codes.",
    howToResolve: "Wait for the lockout to end and open a new window; if you did not try, check the machine.",
  }),
  ERR_VERSION_MISMATCH: d({
    group: "transport",
    retriable: false,
    fr: "L'extension et le programme cps-bridge ne sont pas de versions compatibles.",
    remedyFr: "Mettez à jour l'élément indiqué (extension ou programme cps-bridge), puis réessayez.",
    en: "The extension and the cps-bridge agent are not compatible versions.",
    remedyEn: "Update the part named (extension or agent), then try again.",
    thrownWhen: "`hello` finds different protocol major versions; `details.requiresUpdate` names the older side.",
    likelyReason: "One side was updated and the other not.",
    howToResolve: "Update the side named in `details.requiresUpdate` (`agent` or `extension`).",
  }),
  ERR_PROTOCOL: d({
    group: "transport",
    retriable: false,
    fr: "Un message mal formé a été reçu entre l'extension et le programme cps-bridge.",
    remedyFr:
      "Mettez à jour l'extension et le programme ; si cela persiste, envoyez le rapport de diagnostic au support.",
    en: "A malformed message was received between the extension and the agent.",
    remedyEn: "Update both; if it persists, send the diagnostic report to support.",
    thrownWhen:
      "A frame is not JSON, not a valid envelope, a response/event arrives where a request is expected, a request other than `hello` comes first, or a result breaks its schema (client side); `details.reason` says which.",
    likelyReason: "A client bug, a foreign client, or a corrupted frame.",
    howToResolve: "Check the client against docs/protocol.md; the agent answers and keeps the connection.",
  }),
  ERR_FRAME_TOO_LARGE: d({
    group: "transport",
    retriable: false,
    fr: "Un message trop volumineux a été refusé.",
    remedyFr: "Réessayez ; si cela persiste, envoyez le rapport de diagnostic au support.",
    en: "A message that was too large was refused.",
    remedyEn: "Try again; if it persists, send the diagnostic report to support.",
    thrownWhen: "A WebSocket frame exceeds 64 KiB; the agent closes the connection with code 1009.",
    likelyReason: "A client bug or a hostile client.",
    howToResolve: "Keep every message under 64 KiB (docs/protocol.md).",
  }),
  ERR_ORIGIN_NOT_ALLOWED: d({
    group: "transport",
    retriable: false,
    fr: "Une page ou une extension non autorisée a tenté de contacter le programme cps-bridge ; elle a été refusée.",
    remedyFr: "Aucune action n'est nécessaire. Si l'extension cps-bridge elle-même est refusée, refaites l'appairage.",
    en: "A page or extension that is not allowed tried to reach the agent and was refused.",
    remedyEn: "Nothing to do. If the cps-bridge extension itself is refused, pair again.",
    thrownWhen: "The WebSocket handshake carries an Origin that is not a configured or paired extension origin.",
    likelyReason: "A web page or another extension probing the port, or an extension id not in the agent's list.",
    howToResolve: "Only the cps-bridge extension may connect; Firefox origins are accepted after pairing.",
  }),
  ERR_HOST_NOT_ALLOWED: d({
    group: "transport",
    retriable: false,
    fr: "Une connexion avec un nom d'hôte inattendu a été refusée.",
    remedyFr: "Aucune action n'est nécessaire.",
    en: "A connection with an unexpected host name was refused.",
    remedyEn: "Nothing to do.",
    thrownWhen: "The handshake's Host header is not `127.0.0.1:<port>` or `localhost:<port>`.",
    likelyReason: "A DNS-rebinding attempt from a web page.",
    howToResolve: "Connect to ws://127.0.0.1:<port> exactly.",
  }),
  ERR_NOT_AUTHENTICATED: d({
    group: "transport",
    retriable: false,
    fr: "Le programme cps-bridge a refusé une demande faite avant l'authentification de l'extension.",
    remedyFr: "Rechargez l'extension ; si cela persiste, refaites l'appairage.",
    en: "The agent refused a request made before the extension authenticated.",
    remedyEn: "Reload the extension; if it persists, pair again.",
    thrownWhen: "Any method other than `hello`, `pair.*` and `auth.*` is called on an unauthenticated connection.",
    likelyReason: "A client that skipped authentication, or a foreign client.",
    howToResolve: "Send `hello`, then `auth.challenge`/`auth.prove`, before any other method.",
  }),
  ERR_AUTH_FAILED: d({
    group: "transport",
    retriable: false,
    fr: "L'authentification entre l'extension et le programme cps-bridge a échoué.",
    remedyFr: "Refaites l'appairage depuis l'extension.",
    en: "Authentication between the extension and the agent failed.",
    remedyEn: "Pair again from the extension.",
    thrownWhen: "`auth.prove` carries a signature that does not verify, over another challenge, or a replayed one.",
    likelyReason: "A replay, a key mismatch, or a corrupted key store.",
    howToResolve: "Unpair (`cps-bridge unpair <id>`) and pair again.",
  }),
  ERR_RATE_LIMITED: d({
    group: "transport",
    retriable: true,
    fr: "Trop de tentatives en peu de temps : patientez quelques secondes.",
    remedyFr: "Attendez quelques secondes avant de réessayer.",
    en: "Too many attempts in a short time: wait a few seconds.",
    remedyEn: "Wait a few seconds before trying again.",
    thrownWhen: "Pairing, authentication or PIN attempts exceed their rate; `details.retryAfterMs` says when.",
    likelyReason: "Repeated attempts, or a program hammering the agent.",
    howToResolve: "Wait `details.retryAfterMs` before the next attempt.",
  }),
  ERR_TOO_MANY_REQUESTS: d({
    group: "transport",
    retriable: true,
    fr: "Le programme cps-bridge est occupé par trop de demandes simultanées.",
    remedyFr: "Réessayez dans un instant.",
    en: "The agent is busy with too many simultaneous requests.",
    remedyEn: "Try again in a moment.",
    thrownWhen: "A connection has more requests in flight than the agent's cap, or the connection cap is reached.",
    likelyReason: "A client that does not wait for responses.",
    howToResolve: "Wait for responses before sending more (cap in docs/protocol.md).",
  }),
  ERR_TIMEOUT: d({
    group: "transport",
    retriable: true,
    fr: "Le programme cps-bridge n'a pas répondu à temps.",
    remedyFr: "Réessayez ; si cela persiste, redémarrez le programme cps-bridge.",
    en: "The agent did not answer in time.",
    remedyEn: "Try again; if it persists, restart the agent.",
    thrownWhen: "A request got no response within its deadline.",
    likelyReason: "A card or reader that stopped answering, or an overloaded machine.",
    howToResolve: "Retry; check `cps-bridge card` and the agent log.",
  }),
  ERR_PORT_IN_USE: d({
    group: "transport",
    retriable: false,
    fr: "Le port choisi pour le programme cps-bridge est déjà utilisé par un autre programme.",
    remedyFr:
      "Retirez le port de la configuration pour que cps-bridge en choisisse un libre, ou choisissez-en un autre (« cps-bridge start --port N ») et indiquez-le dans les options de l'extension.",
    en: "The port chosen for the cps-bridge agent is already used by another program.",
    remedyEn:
      "Remove the port from the configuration so cps-bridge picks a free one, or choose another (`cps-bridge start --port N`) and set it in the extension options.",
    thrownWhen:
      "`cps-bridge start` with a port given by `--port` or `config.json` cannot listen on it (EADDRINUSE); `details.port` names it.",
    likelyReason: "Another program, or another user's agent, listens on that port.",
    howToResolve:
      "Drop the explicit port (the agent then takes the first free port of 17777–17786), or pick another port and set it in the extension options.",
  }),
  ERR_NO_FREE_PORT: d({
    group: "transport",
    retriable: false,
    fr: "Aucun des ports prévus pour le programme cps-bridge (17777 à 17786) n'est libre sur cet ordinateur.",
    remedyFr:
      "Fermez la session d'un utilisateur qui n'en a plus besoin, ou choisissez un port libre (« cps-bridge start --port N ») et indiquez-le dans les options de l'extension.",
    en: "None of the ports reserved for the cps-bridge agent (17777 to 17786) is free on this computer.",
    remedyEn:
      "Log out a user who no longer needs it, or choose a free port (`cps-bridge start --port N`) and set it in the extension options.",
    thrownWhen:
      "`cps-bridge start` without an explicit port finds every port of the fallback range taken; `details.ports` lists them.",
    likelyReason: "Ten users' agents already run on this machine (terminal server), or other programs hold the ports.",
    howToResolve:
      "Free a port of the range, or configure an explicit port outside it (`config.json` `port` or `--port`) and the same port in the extension options.",
  }),
  ERR_AGENT_UPDATE_REQUIRED: d({
    group: "transport",
    retriable: false,
    fr: "Le programme cps-bridge installé sur cet ordinateur est trop ancien pour cette extension.",
    remedyFr:
      "Mettez à jour l'agent cps-bridge : téléchargez sa dernière version, installez-la (« cps-bridge install »), puis réessayez.",
    en: "The cps-bridge agent installed on this computer is too old for this extension.",
    remedyEn:
      "Update the cps-bridge agent: download its latest release, install it (`cps-bridge install`), then retry.",
    thrownWhen:
      'Shown for ERR_VERSION_MISMATCH with `details.requiresUpdate: "agent"`: the agent speaks an older protocol major, or its release is below MIN_AGENT_RELEASE (protocol/src/version.ts).',
    likelyReason: "The extension updated itself from its store; the agent was not updated.",
    howToResolve:
      'Install the agent release matching the extension (docs/packaging-extension.md "Versions"); `cps-bridge --version` shows the installed one.',
  }),
  ERR_EXTENSION_UPDATE_REQUIRED: d({
    group: "transport",
    retriable: false,
    fr: "L'extension cps-bridge de ce navigateur est trop ancienne pour le programme cps-bridge installé.",
    remedyFr:
      "Mettez à jour l'extension cps-bridge depuis la boutique du navigateur (Chrome, Edge : page des extensions › Mettre à jour ; Firefox : Modules › Rechercher des mises à jour), puis rechargez la page.",
    en: "The cps-bridge extension of this browser is too old for the installed cps-bridge agent.",
    remedyEn:
      "Update the cps-bridge extension from the browser's store (Chrome, Edge: extensions page › Update; Firefox: Add-ons › Check for updates), then reload the page.",
    thrownWhen:
      'Shown for ERR_VERSION_MISMATCH with `details.requiresUpdate: "extension"`: the extension speaks an older protocol major, or its release is below MIN_EXTENSION_RELEASE (protocol/src/version.ts).',
    likelyReason:
      "Extension updates are held back (managed browser, store review pending) while the agent was upgraded.",
    howToResolve: "Update the extension from its store, or ask the administrator to deploy the matching release.",
  }),
  ERR_SERVICE_INSTALL_FAILED: d({
    group: "transport",
    retriable: false,
    fr: "Le démarrage automatique du programme cps-bridge n'a pas pu être installé.",
    remedyFr:
      "Relancez « cps-bridge install » ; si l'erreur revient, lancez « cps-bridge start » à la main et transmettez ce message au support.",
    en: "The automatic start of the cps-bridge agent could not be installed.",
    remedyEn:
      "Run `cps-bridge install` again; if it fails again, run `cps-bridge start` by hand and send this message to support.",
    thrownWhen:
      "`cps-bridge install` or `uninstall` cannot copy the program, write the service file (systemd user unit, LaunchAgent, Run value), or the service manager (`systemctl --user enable`, `launchctl bootstrap`, `reg add`) refuses it; `details.step` names the step and `details.output` the manager's first line.",
    likelyReason:
      "A full disk or a read-only home directory, a service file edited by hand, or a session without a user service manager.",
    howToResolve:
      "Read `details.step`: free disk space or fix the permissions of the directory it names, then install again. Everything written before the failing step is kept, so `cps-bridge uninstall` still cleans up.",
  }),
  ERR_SERVICE_UNSUPPORTED: d({
    group: "transport",
    retriable: false,
    fr: "Cet ordinateur n'offre pas de démarrage automatique que cps-bridge sache installer.",
    remedyFr:
      "Ajoutez « cps-bridge start » aux programmes lancés à l'ouverture de session de votre bureau, ou lancez-le à la main.",
    en: "This computer offers no automatic start that cps-bridge can install.",
    remedyEn: "Add `cps-bridge start` to your desktop's startup programs, or run it by hand.",
    thrownWhen:
      "`cps-bridge install` on an OS other than Linux, macOS and Windows, on a Linux without `systemctl` (no systemd), or with `CPS_BRIDGE_HOME` set on Windows (a Run value carries no environment).",
    likelyReason: "A Linux distribution without systemd, or a portable install.",
    howToResolve:
      "Use the desktop's own autostart (an XDG `.desktop` file in ~/.config/autostart running `cps-bridge start`), or start the agent by hand.",
  }),
  ERR_AGENT_STOP_FAILED: d({
    group: "transport",
    retriable: true,
    fr: "Le programme cps-bridge ne s'est pas arrêté.",
    remedyFr:
      "Attendez quelques secondes et relancez « cps-bridge stop » ; sinon fermez votre session ou redémarrez l'ordinateur.",
    en: "The cps-bridge agent did not stop.",
    remedyEn: "Wait a few seconds and run `cps-bridge stop` again; otherwise log out or restart the computer.",
    thrownWhen:
      "`cps-bridge stop` (or `install`/`uninstall`, which stop the running agent first) asked the agent to stop on its control channel, then sent SIGTERM, and its process still runs after the wait; `details.pid` names it.",
    likelyReason:
      "The agent hangs in a card or middleware call, or the pid in the lock file now belongs to another process.",
    howToResolve:
      "Look at the process `details.pid` (`ps`, Task Manager); end it if it is cps-bridge. `cps-bridge status` tells a live agent from a stale lock.",
  }),

  // ───────────────────────────── PC/SC: service, readers, card presence ─────────────────────────────
  ERR_PCSC_SERVICE_DOWN: d({
    group: "pcsc",
    retriable: true,
    fr: "Le service de carte à puce de l'ordinateur ne fonctionne pas.",
    remedyFr:
      "Branchez le lecteur de carte ; sous Windows le service « Carte à puce » redémarre alors seul. Sinon redémarrez l'ordinateur.",
    en: "The computer's smart card service is not running.",
    remedyEn: "Plug the card reader in (Windows restarts the Smart Card service then); otherwise restart the computer.",
    thrownWhen: "The PC/SC service (pcscd, SCardSvr) is stopped or unreachable; the agent retries with backoff.",
    likelyReason: "The service stopped (Windows stops it when the last reader is unplugged), or pcscd crashed.",
    howToResolve: 'Linux: `systemctl start pcscd`; Windows: plug a reader or start "Carte à puce"; macOS: replug.',
  }),
  ERR_NO_READERS: d({
    group: "pcsc",
    retriable: true,
    fr: "Aucun lecteur de carte n'est détecté.",
    remedyFr:
      "Branchez le lecteur. Un lecteur SESAM-Vitale en mode PSS/GALSS n'est pas visible : passez-le en mode PC/SC.",
    en: "No card reader is detected.",
    remedyEn: "Plug the reader in. A SESAM-Vitale reader in PSS/GALSS mode is not visible: switch it to PC/SC mode.",
    thrownWhen: "The PC/SC service lists no reader.",
    likelyReason: "Reader unplugged, missing driver, or a reader in proprietary (PSS/GALSS) mode.",
    howToResolve: "Replug; install the reader's PC/SC driver; switch a SESAM-Vitale reader to PC/SC mode.",
  }),
  ERR_READER_NOT_FOUND: d({
    group: "pcsc",
    retriable: false,
    fr: "Le lecteur demandé n'existe pas ou n'est plus branché.",
    remedyFr: "Choisissez un lecteur dans la liste affichée.",
    en: "The reader asked for does not exist or was unplugged.",
    remedyEn: "Choose a reader from the list shown.",
    thrownWhen: "A request names a reader the agent does not see.",
    likelyReason: "The reader was unplugged, or a typo in `--reader`.",
    howToResolve: "Use a name from `readers.list` (or `cps-bridge card`).",
  }),
  ERR_NO_CARD: d({
    group: "pcsc",
    retriable: true,
    fr: "Aucune carte n'est insérée dans le lecteur.",
    remedyFr: "Insérez votre carte CPS, puce vers le haut et vers le lecteur.",
    en: "No card is inserted in the reader.",
    remedyEn: "Insert your CPS card, chip up and towards the reader.",
    thrownWhen: "A card operation targets a reader with no card.",
    likelyReason: "The card is not inserted or not pushed in fully.",
    howToResolve: "Insert the CPS card.",
  }),
  ERR_CARD_REMOVED: d({
    group: "pcsc",
    retriable: true,
    fr: "La carte a été retirée pendant l'opération.",
    remedyFr: "Réinsérez la carte CPS et laissez-la dans le lecteur jusqu'à la fin, puis réessayez.",
    en: "The card was removed during the operation.",
    remedyEn: "Reinsert the CPS card and leave it in until the end, then try again.",
    thrownWhen: "The card left the reader between or during the APDUs of an operation.",
    likelyReason: "The card was pulled out, or a loose contact.",
    howToResolve: "Reinsert the card and retry; every lock was released.",
  }),
  ERR_CARD_MUTE: d({
    group: "pcsc",
    retriable: true,
    fr: "La carte ne répond pas.",
    remedyFr:
      "Retirez la carte, vérifiez son sens (puce vers le haut, vers le lecteur), nettoyez la puce et réinsérez-la.",
    en: "The card does not answer.",
    remedyEn: "Take the card out, check its orientation (chip up, towards the reader), clean the chip, reinsert it.",
    thrownWhen: "A card is present but gives no ATR (SCARD_W_UNRESPONSIVE_CARD) or stops answering.",
    likelyReason: "Card inserted upside down, dirty or damaged chip, or a faulty reader.",
    howToResolve: "Reinsert the right way; try another reader; a damaged card must be replaced.",
  }),
  ERR_READER_BUSY: d({
    group: "pcsc",
    retriable: true,
    fr: "Le lecteur est utilisé en exclusivité par un autre logiciel.",
    remedyFr:
      "Fermez les autres logiciels qui utilisent la carte (logiciel de facturation, CPS Gestion), puis réessayez.",
    en: "The reader is held exclusively by another program.",
    remedyEn: "Close other programs using the card (billing software, CPS Gestion), then try again.",
    thrownWhen: "PC/SC answers SCARD_E_SHARING_VIOLATION.",
    likelyReason: "Another application opened the card in exclusive mode.",
    howToResolve: "Close the other application or wait for it to finish.",
  }),
  ERR_CARD_COMMUNICATION: d({
    group: "pcsc",
    retriable: true,
    fr: "La communication avec la carte a échoué.",
    remedyFr: "Réinsérez la carte ; si cela persiste, essayez un autre lecteur.",
    en: "Communication with the card failed.",
    remedyEn: "Reinsert the card; if it persists, try another reader.",
    thrownWhen: "A transmit fails, or the card answers with a malformed response (no status word, wrong length).",
    likelyReason: "Bad contact, a faulty reader, or a card answering garbage.",
    howToResolve: "Reinsert; clean the chip; try another reader.",
  }),
  ERR_PCSC_FAILURE: d({
    group: "pcsc",
    retriable: true,
    fr: "Le service de carte à puce a signalé une erreur inattendue.",
    remedyFr: "Réessayez ; si cela persiste, débranchez et rebranchez le lecteur.",
    en: "The smart card service reported an unexpected error.",
    remedyEn: "Try again; if it persists, unplug and replug the reader.",
    thrownWhen: "Any other SCARD_E_* / SCARD_W_* code; `details.pcscCode` carries it (e.g. 0x80100017).",
    likelyReason: "A reader or driver problem.",
    howToResolve: "Replug the reader; look up `details.pcscCode`; send the diagnostic report to support.",
  }),

  // ───────────────────────────── card, certificate and PIN ─────────────────────────────
  ERR_NOT_A_CPS: d({
    group: "card",
    retriable: false,
    fr: "La carte insérée n'est pas une carte CPS.",
    remedyFr: "Retirez-la et insérez votre carte CPS (carte de professionnel de santé).",
    en: "The inserted card is not a CPS card.",
    remedyEn: "Take it out and insert your CPS (health professional) card.",
    thrownWhen:
      "The card's ATR is a Vitale, bank, CNIe or other known non-CPS card, or an unknown card without the CPS application; `details.cardType` says which.",
    likelyReason: "The patient's Carte Vitale or a bank card left in the reader.",
    howToResolve: "Insert the CPS card; the French label of `details.cardType` says what was found.",
  }),
  ERR_UNSUPPORTED_CARD: d({
    group: "card",
    retriable: false,
    fr: "Cette carte CPS est d'une génération trop ancienne pour cps-bridge.",
    remedyFr: "Demandez le renouvellement de votre carte à l'ANS (carte CPS3 ou CPS4).",
    en: "This CPS card is of a generation cps-bridge does not support.",
    remedyEn: "Ask ANS for a card renewal (CPS3 or CPS4).",
    thrownWhen: "A CPS2ter or unrecognised CPx generation is asked to log in.",
    likelyReason: "A very old card still in use.",
    howToResolve: "Renew the card; CPS2ter is no longer supported by the Cryptolib either.",
  }),
  ERR_CARD_DATA_INVALID: d({
    group: "card",
    retriable: false,
    fr: "Les données de la carte sont illisibles ou incohérentes.",
    remedyFr: "Réinsérez la carte ; si cela persiste, la carte est peut-être endommagée : contactez l'ANS.",
    en: "The card's data is unreadable or inconsistent.",
    remedyEn: "Reinsert the card; if it persists the card may be damaged: contact ANS.",
    thrownWhen: "The PKCS#15 structure, a TLV, the serial or the certificate DER fails to parse.",
    likelyReason: "A damaged card, or a card profile the agent does not know.",
    howToResolve: "Retry; then send the diagnostic report (it contains the ATR, not the certificate).",
  }),
  ERR_CARD_OPERATION_FAILED: d({
    group: "card",
    retriable: false,
    fr: "La carte a refusé l'opération demandée.",
    remedyFr: "Réinsérez la carte et réessayez ; si cela persiste, envoyez le rapport de diagnostic au support.",
    en: "The card refused the operation.",
    remedyEn: "Reinsert the card and try again; if it persists, send the diagnostic report to support.",
    thrownWhen: "The card answers an unexpected status word; `details.sw` carries it (e.g. 6A88).",
    likelyReason: "A card in an unexpected state, or another application changed the card's selection.",
    howToResolve: "Reinsert the card; look up `details.sw` in docs/errors.md's status-word table.",
  }),
  ERR_PIN_INCORRECT: d({
    group: "card",
    retriable: false,
    fr: "Code porteur incorrect.",
    remedyFr: "Vérifiez votre code à 4 chiffres. Attention : la carte se bloque après 3 erreurs.",
    en: "Wrong PIN.",
    remedyEn: "Check your 4-digit PIN. The card locks after 3 wrong entries.",
    thrownWhen: "VERIFY answers 63Cx with x > 0; `details.triesLeft` = x.",
    likelyReason: "A typing mistake.",
    howToResolve: "Type the right PIN; show `details.triesLeft` to the user.",
  }),
  ERR_PIN_BLOCKED: d({
    group: "card",
    retriable: false,
    fr: "Votre carte CPS est bloquée (3 codes erronés).",
    remedyFr:
      "Débloquez-la avec le code de déblocage à 8 chiffres (courrier reçu avec la carte) dans CPS Gestion, ou contactez l'ANS / votre CPAM.",
    en: "Your CPS card is blocked (3 wrong PINs).",
    remedyEn: "Unblock it with the 8-digit unblocking code (letter sent with the card) in CPS Gestion, or contact ANS.",
    thrownWhen: "VERIFY or the PIN counter answers 6983 / 63C0, or the counter reads 0.",
    likelyReason: "Three consecutive wrong PINs.",
    howToResolve: "Unblock in CPS Gestion with the PUK; if the unblock counter is exhausted, order a new card.",
  }),
  ERR_PIN_LAST_TRY: d({
    group: "card",
    retriable: false,
    fr: "Il ne reste qu'un essai : une erreur de plus bloquera votre carte.",
    remedyFr: "Confirmez explicitement avant de saisir votre code, ou débloquez d'abord avec CPS Gestion.",
    en: "One try left: one more mistake will block your card.",
    remedyEn: "Confirm explicitly before typing your PIN, or unblock first with CPS Gestion.",
    thrownWhen:
      "`pin.verify` is asked while 1 try remains and `confirmLastTry` is not set; no PIN was sent to the card.",
    likelyReason: "Two earlier wrong PINs.",
    howToResolve: "Ask the user to confirm, then call again with `confirmLastTry: true`.",
  }),
  ERR_PIN_FORMAT: d({
    group: "card",
    retriable: false,
    fr: "Le code porteur doit comporter 4 chiffres.",
    remedyFr: "Saisissez les 4 chiffres de votre code porteur.",
    en: "The PIN must be 4 digits.",
    remedyEn: "Type the 4 digits of your PIN.",
    thrownWhen: "The PIN is not 4 to 8 ASCII digits; nothing was sent to the card.",
    likelyReason: "A typing mistake.",
    howToResolve: "Send digits only (4 for CPS cards).",
  }),
  ERR_PIN_REQUIRED: d({
    group: "card",
    retriable: false,
    fr: "La carte demande votre code porteur.",
    remedyFr: "Saisissez votre code porteur dans la fenêtre cps-bridge.",
    en: "The card asks for your PIN.",
    remedyEn: "Type your PIN in the cps-bridge window.",
    thrownWhen: "A signature is asked while the PIN is not verified in this card session (SW 6982).",
    likelyReason: "The card was reset or reinserted since the PIN was typed.",
    howToResolve: "Call `pin.verify` first.",
  }),
  ERR_CERT_EXPIRED: d({
    group: "card",
    retriable: false,
    fr: "Le certificat de votre carte CPS a expiré.",
    remedyFr: "Votre carte doit être renouvelée : contactez l'ANS (esante.gouv.fr, espace CPS).",
    en: "Your CPS card's certificate has expired.",
    remedyEn: "The card must be renewed: contact ANS (esante.gouv.fr, CPS space).",
    thrownWhen: "The authentication certificate's notAfter is in the past.",
    likelyReason: "The card reached its end of validity (3 years for CPS3, 6 for recent cards).",
    howToResolve: "Order the renewal; meanwhile log in with e-CPS.",
  }),
  ERR_CERT_NOT_YET_VALID: d({
    group: "card",
    retriable: false,
    fr: "Le certificat de votre carte CPS n'est pas encore valide.",
    remedyFr: "Vérifiez la date et l'heure de l'ordinateur ; sinon attendez la date de début de validité.",
    en: "Your CPS card's certificate is not valid yet.",
    remedyEn: "Check the computer's date and time; otherwise wait for the start of validity.",
    thrownWhen: "The authentication certificate's notBefore is in the future.",
    likelyReason: "The computer's clock is wrong, or a brand-new card.",
    howToResolve: "Fix the clock; or wait until notBefore.",
  }),
  ERR_CERT_UNTRUSTED: d({
    group: "card",
    retriable: false,
    fr: "Le certificat de la carte n'est pas émis par l'autorité de certification IGC-Santé.",
    remedyFr: "Utilisez votre carte CPS officielle ; une carte de test n'est acceptée qu'en mode test.",
    en: "The card's certificate is not issued by the IGC-Santé authority.",
    remedyEn: "Use your official CPS card; a test card is accepted in test mode only.",
    thrownWhen: "The certificate does not chain to an IGC-Santé root (or to a test root in test mode).",
    likelyReason: "A test card used in production, or a forged card.",
    howToResolve: "Use a production card, or run the agent in test mode against the test bench.",
  }),
  ERR_SIGNATURE_INVALID: d({
    group: "card",
    retriable: true,
    fr: "La signature produite par la carte est invalide.",
    remedyFr: "Réinsérez la carte et réessayez ; si cela persiste, la carte est peut-être défectueuse.",
    en: "The signature produced by the card is invalid.",
    remedyEn: "Reinsert the card and try again; if it persists the card may be faulty.",
    thrownWhen: "The agent's own check of the card's signature against the certificate's public key fails.",
    likelyReason: "A communication error, or a key that does not match the certificate.",
    howToResolve: "Retry; send the diagnostic report to support.",
  }),

  // ───────────────────────────── user ─────────────────────────────
  ERR_USER_CANCELLED: d({
    group: "user",
    retriable: false,
    fr: "Opération annulée.",
    remedyFr: "Recommencez quand vous le souhaitez.",
    en: "Cancelled.",
    remedyEn: "Start again whenever you like.",
    thrownWhen: "The user closed the PIN or pairing window, or clicked Cancel.",
    likelyReason: "The user's choice.",
    howToResolve: "Nothing; offer to start again.",
  }),
  ERR_USER_TIMEOUT: d({
    group: "user",
    retriable: false,
    fr: "Le délai de saisie est dépassé.",
    remedyFr: "Recommencez la connexion et saisissez votre code dans les 2 minutes.",
    en: "The time to answer ran out.",
    remedyEn: "Start the login again and type your PIN within 2 minutes.",
    thrownWhen: "A PIN or confirmation window stayed unanswered past its deadline.",
    likelyReason: "The user was away, or the window was hidden behind another.",
    howToResolve: "Start again.",
  }),

  // ───────────────────────────── otp: the e-mailed login code (issue 11, docs/otp.md) ─────────────────────────────
  OTP_MAILBOX_NOT_CONFIGURED: d({
    group: "mail",
    retriable: false,
    fr: "Aucune boîte mail n'est configurée pour recevoir le code de connexion.",
    remedyFr:
      "Configurez votre boîte mail dans les options de l'extension (section « Code reçu par e-mail »), ou saisissez le code vous-même.",
    en: "No mailbox is configured to receive the login code.",
    remedyEn: "Set up your mailbox in the extension's options (e-mailed code section), or type the code yourself.",
    thrownWhen: "`otp.wait` or `mailbox.test` (without full settings) runs before `mailbox.configure` saved settings.",
    likelyReason: "First use, or the agent's mailbox settings file was removed.",
    howToResolve: "Call `mailbox.configure` (the options page does) then `mailbox.test`.",
  }),
  OTP_IMAP_AUTH: d({
    group: "mail",
    retriable: false,
    fr: "Le serveur de messagerie a refusé l'identifiant ou le mot de passe.",
    remedyFr:
      "Vérifiez l'adresse et le mot de passe ; chez Gmail, Outlook ou Yahoo, créez un « mot de passe d'application » et utilisez-le ici.",
    en: "The mail server refused the user name or password.",
    remedyEn: "Check the address and password; with Gmail, Outlook or Yahoo create an app password and use it here.",
    thrownWhen: "The IMAP LOGIN/AUTHENTICATE command is answered NO (imapflow `authenticationFailed`).",
    likelyReason: "A wrong or changed password, or a provider that requires an app password for IMAP.",
    howToResolve:
      "Type the password again (an app password where the provider requires one) and run « Tester la connexion ».",
  }),
  OTP_IMAP_TLS: d({
    group: "mail",
    retriable: false,
    fr: "La connexion sécurisée au serveur de messagerie a échoué (certificat non reconnu).",
    remedyFr:
      "Vérifiez le nom du serveur et le mode de sécurité (SSL/TLS ou STARTTLS) ; si le problème persiste, prévenez votre support informatique.",
    en: "The secure connection to the mail server failed (certificate not trusted).",
    remedyEn:
      "Check the server name and the security mode (SSL/TLS or STARTTLS); if it persists, tell your IT support.",
    thrownWhen:
      "The TLS handshake fails: untrusted or expired certificate, name mismatch, or TLS spoken to a plain port.",
    likelyReason:
      "A wrong host or port, a TLS-intercepting antivirus or proxy, or a server with a self-signed certificate.",
    howToResolve: "Use the provider's documented host, port and mode; check `details.reason` (the TLS error code).",
  }),
  OTP_IMAP_UNREACHABLE: d({
    group: "mail",
    retriable: true,
    fr: "Le serveur de messagerie est injoignable.",
    remedyFr:
      "Vérifiez votre connexion Internet et le nom du serveur ; en attendant, saisissez le code reçu par e-mail vous-même.",
    en: "The mail server cannot be reached.",
    remedyEn: "Check your Internet connection and the server name; meanwhile type the e-mailed code yourself.",
    thrownWhen: "DNS fails, the connection is refused or times out, or it drops and does not come back while waiting.",
    likelyReason: "No network, a typo in the host, a firewall blocking the IMAP port, or the server is down.",
    howToResolve:
      "Check host and port (`cps-bridge mailbox test`), the network and the firewall; the agent retries with backoff.",
  }),
  OTP_TIMEOUT: d({
    group: "mail",
    retriable: true,
    fr: "Aucun code de connexion n'est arrivé par e-mail dans le délai.",
    remedyFr: "Regardez vos courriers indésirables, ou demandez un nouveau code sur le portail.",
    en: "No login code arrived by e-mail in time.",
    remedyEn: "Look in your spam folder, or ask the portal for a new code.",
    thrownWhen: "`otp.wait` reaches its `timeoutMs` without a mail passing the rules of docs/otp.md.",
    likelyReason:
      "The mail is late, went to spam, came from a sender not in the allow-list, or was sent to another address.",
    howToResolve:
      "Check the spam folder and the sender allow-list; `details.rejected` counts mails refused by each rule.",
  }),
  OTP_CANCELLED: d({
    group: "mail",
    retriable: false,
    fr: "L'attente du code de connexion a été annulée.",
    remedyFr: "Rien à faire : une nouvelle attente a pris le relais, ou vous avez quitté la page.",
    en: "Waiting for the login code was cancelled.",
    remedyEn: "Nothing to do: a newer wait took over, or you left the page.",
    thrownWhen: "`otp.cancel` was called, or a second `otp.wait` replaced this one.",
    likelyReason: "The doctor reloaded the code page or asked for a new code.",
    howToResolve: "None; the newer wait answers.",
  }),
  OTP_AUTH_FAILED: d({
    group: "mail",
    retriable: false,
    fr: "Un e-mail de code a été refusé : son authenticité (DKIM/SPF) n'a pas été confirmée par votre serveur.",
    remedyFr:
      "Ne saisissez pas ce code ; demandez un nouveau code sur le portail et prévenez votre support informatique s'il se reproduit.",
    en: "A code e-mail was refused: your server did not confirm its authenticity (DKIM/SPF).",
    remedyEn: "Do not type that code; ask the portal for a new one and tell your IT support if it happens again.",
    thrownWhen:
      "A mail from an allowed sender carries an `Authentication-Results` header with dkim/spf/dmarc fail (a warning; the wait goes on).",
    likelyReason: "A spoofed mail (phishing), or a forwarding that broke the signature.",
    howToResolve:
      "Check the mail's headers; fix the forwarding, or add the forwarder's verified sender to the allow-list.",
  }),

  // ───────────────────────────── developer ─────────────────────────────
  ERR_INVALID_PARAMS: d({
    group: "developer",
    retriable: false,
    fr: "Une demande invalide a été refusée.",
    remedyFr: "Mettez à jour l'extension ; si cela persiste, envoyez le rapport de diagnostic au support.",
    en: "An invalid request was refused.",
    remedyEn: "Update the extension; if it persists, send the diagnostic report to support.",
    thrownWhen: "A request's params do not match the method's schema; `details.issues` lists the fields.",
    likelyReason: "A client bug or an outdated client.",
    howToResolve: "Fix the call against docs/protocol.md.",
  }),
  ERR_UNKNOWN_METHOD: d({
    group: "developer",
    retriable: false,
    fr: "Le programme cps-bridge ne connaît pas cette demande.",
    remedyFr: "Mettez à jour le programme cps-bridge.",
    en: "The agent does not know this request.",
    remedyEn: "Update the agent.",
    thrownWhen: "A request names a method the agent does not implement.",
    likelyReason: "An extension newer than the agent, or a typo.",
    howToResolve: "Check `hello`'s `capabilities`; update the agent.",
  }),
  ERR_ACTION_PENDING: d({
    group: "developer",
    retriable: true,
    fr: "Une autre opération sur la carte est déjà en cours.",
    remedyFr: "Terminez l'opération en cours (fenêtre du code porteur ouverte ?) puis réessayez.",
    en: "Another card operation is already running.",
    remedyEn: "Finish the running operation (is a PIN window open?) then try again.",
    thrownWhen: "A card operation is asked with `wait: false` while another runs on the same reader.",
    likelyReason: "Two tabs or two clicks asking at once.",
    howToResolve: "Wait for the running operation, or call without `wait: false` to queue.",
  }),
  ERR_INVALID_ORIGIN: d({
    group: "developer",
    retriable: false,
    fr: "Ce site n'est pas autorisé à demander une connexion par carte CPS.",
    remedyFr: "Connectez-vous depuis le portail officiel (adresse en https).",
    en: "This site may not ask for a CPS card login.",
    remedyEn: "Log in from the official portal (https address).",
    thrownWhen:
      "`login.sign` gets an origin that is not https (http://localhost is accepted in test mode only), has a path, or exceeds 255 characters; or `verifyLoginToken` is given such an origin by the portal server. `details.reason` says which rule.",
    likelyReason: "A page served over http, or a client passing a URL instead of an origin.",
    howToResolve: "Pass the tab's origin, serialised as ASCII (punycode), e.g. `https://trajectoire.sante-ra.fr`.",
  }),
  ERR_INVALID_NONCE: d({
    group: "developer",
    retriable: false,
    fr: "La demande de connexion du portail est invalide.",
    remedyFr: "Rechargez la page de connexion du portail et réessayez.",
    en: "The portal's login request is invalid.",
    remedyEn: "Reload the portal's login page and try again.",
    thrownWhen:
      "`login.sign` (or `verifyLoginToken` on the portal server) gets a challenge nonce that is not 44 to 128 base64 characters.",
    likelyReason: "A portal bug, or a stale login page.",
    howToResolve: "Generate at least 32 random bytes, base64-encoded, per login attempt.",
  }),
  ERR_INTERNAL: d({
    group: "developer",
    retriable: true,
    fr: "Une erreur interne est survenue dans cps-bridge.",
    remedyFr: "Réessayez ; si cela persiste, envoyez le rapport de diagnostic au support.",
    en: "An internal error happened in cps-bridge.",
    remedyEn: "Try again; if it persists, send the diagnostic report to support.",
    thrownWhen: "An unexpected exception; the agent logs it and keeps serving.",
    likelyReason: "A bug.",
    howToResolve: "Send the agent log (it is redacted) with the time of the failure.",
  }),

  // ───────────────────────────── token verification (portal server side) ─────────────────────────────
  ERR_TOKEN_MALFORMED: d({
    group: "token",
    retriable: false,
    fr: "Le jeton de connexion reçu est mal formé.",
    remedyFr: "Réessayez la connexion par carte CPS.",
    en: "The login token received is malformed.",
    remedyEn: "Try the CPS card login again.",
    thrownWhen:
      "`verifyLoginToken` gets a token whose size, JSON, fields, format (`cps-bridge:1.x`), algorithm or certificate encoding is not valid; `details.reason` says which.",
    likelyReason: "A client bug, or a token of another format version.",
    howToResolve: "Send the token exactly as `login.sign` returned it.",
  }),
  ERR_TOKEN_SIGNATURE_INVALID: d({
    group: "token",
    retriable: false,
    fr: "La signature du jeton de connexion est invalide.",
    remedyFr: "Rechargez la page de connexion et réessayez.",
    en: "The login token's signature is invalid.",
    remedyEn: "Reload the login page and try again.",
    thrownWhen:
      "The signature does not verify over H(origin) ‖ H(nonce) rebuilt from the server's own origin and nonce.",
    likelyReason: "A tampered token, a token made for another origin, or for another (replayed or expired) nonce.",
    howToResolve: "Issue a fresh nonce per attempt and verify against the origin the server is served from.",
  }),
  ERR_TOKEN_CERT_INVALID: d({
    group: "token",
    retriable: false,
    fr: "Le certificat contenu dans le jeton de connexion n'est pas valide.",
    remedyFr: "Vérifiez la validité de votre carte CPS dans cps-bridge.",
    en: "The certificate in the login token is not valid.",
    remedyEn: "Check your CPS card's validity in cps-bridge.",
    thrownWhen:
      "The token's certificate is expired, not yet valid, lacks digitalSignature, or does not chain to a trust anchor; `details.reason` says which.",
    likelyReason: "An expired card, a test card on a production portal, or a forged certificate.",
    howToResolve: "Renew the card, or configure the right trust anchors.",
  }),
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === "string" && Object.hasOwn(ERRORS, x);
}

/** Details carried next to a code on the wire. Never holds a PIN, an OTP or a national identifier. */
export type ErrorDetails = Record<
  string,
  string | number | boolean | null | undefined | Record<string, unknown> | readonly unknown[]
>;

/**
 * The one error class both sides throw. `code` is stable; `message` is a developer message (English);
 * user-facing text comes from `ERRORS[code].fr` / `.remedyFr`.
 */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  constructor(code: ErrorCode, message?: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].en, options);
    this.name = "BridgeError";
    this.code = code;
    this.details = details;
  }
  get retriable(): boolean {
    return ERRORS[this.code].retriable;
  }
}

export function isBridgeError(e: unknown, code?: ErrorCode): e is BridgeError {
  return e instanceof BridgeError && (code === undefined || e.code === code);
}
