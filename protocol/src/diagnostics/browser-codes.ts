/**
 * The DIAG_* codes of the browser-side checks (the extension runs them, extension/src/diagnostics/checks/), kept in
 * protocol with the agent's so that every code a doctor sees comes from the one contract, docs/diagnostics.md lists
 * them, and renderDiag, the report and the viewer page know them. Importing this module registers them (idempotent).
 */
import { type DiagCodeDefinition, okDiagCode, registerDiagCodes } from "./codes";

const ok = okDiagCode;

export const BROWSER_DIAG_CODES: Record<string, DiagCodeDefinition> = {
  DIAG_BROWSER_SUPPORTED: ok(
    "browser.version",
    "Navigateur pris en charge ({browser} {version}).",
    "Supported browser ({browser} {version}).",
  ),
  DIAG_BROWSER_TOO_OLD: {
    check: "browser.version",
    verdict: "failed",
    fr: "Ce navigateur est trop ancien ({browser} {version}) : il faut au moins la version {minimum}.",
    remedyFr: "Mettez à jour {browser} (menu Aide › À propos), puis redémarrez-le.",
    en: "This browser is too old ({browser} {version}): version {minimum} or later is needed.",
    remedyEn: "Update {browser} (Help › About), then restart it.",
    thrownWhen: "The user agent names Chrome/Chromium < 116 or Firefox < 115 (wxt.config.ts minimum versions).",
    likelyReason: "Automatic browser updates are disabled (managed workstation).",
    howToResolve: "Update the browser, or ask the workstation's administrator to.",
  },
  DIAG_BROWSER_UNKNOWN: {
    check: "browser.version",
    verdict: "warning",
    fr: "Navigateur non reconnu : cps-bridge est testé sur Chrome, Chromium, Edge et Firefox.",
    remedyFr: "Si la connexion échoue, essayez avec Chrome ou Firefox à jour.",
    en: "Unrecognised browser: cps-bridge is tested on Chrome, Chromium, Edge and Firefox.",
    remedyEn: "If login fails, try an up-to-date Chrome or Firefox.",
    thrownWhen: "The user agent names neither Chrome/Chromium nor Firefox.",
    likelyReason: "Another Chromium- or Gecko-based browser, or a modified user agent.",
    howToResolve: "Use a supported browser; the report's facts carry the user agent.",
  },
  DIAG_EXTENSION_VERSION: ok(
    "browser.extension",
    "Extension cps-bridge version {version} (protocole {protocol}).",
    "cps-bridge extension version {version} (protocol {protocol}).",
  ),
  DIAG_AGENT_VERSION_OK: ok(
    "agent.version",
    "Le programme cps-bridge ({agentVersion}) et l'extension parlent des protocoles compatibles ({agentProtocol} / {extensionProtocol}).",
    "The cps-bridge agent ({agentVersion}) and the extension speak compatible protocols ({agentProtocol} / {extensionProtocol}).",
  ),
  DIAG_AGENT_VERSION_UPDATE_AGENT: {
    check: "agent.version",
    verdict: "failed",
    fr: "Le programme cps-bridge ({agentVersion}, protocole {agentProtocol}) est trop ancien pour cette extension (il faut au moins la version {minAgentVersion}, protocole {extensionProtocol}).",
    remedyFr:
      "Mettez à jour l'agent cps-bridge : téléchargez sa dernière version, installez-la (« cps-bridge install »), puis relancez-le.",
    en: "The cps-bridge agent ({agentVersion}, protocol {agentProtocol}) is too old for this extension (release {minAgentVersion} or later, protocol {extensionProtocol}, is needed).",
    remedyEn:
      "Update the cps-bridge agent: download its latest release, install it (`cps-bridge install`), then restart it.",
    thrownWhen:
      "checkCompatibility (protocol/src/version.ts) says the agent must be updated: older protocol major, or release below MIN_AGENT_RELEASE.",
    likelyReason: "The extension updated itself from the store; the agent did not.",
    howToResolve: "Install the agent release matching the extension (docs/agent.md).",
  },
  DIAG_AGENT_VERSION_UPDATE_EXTENSION: {
    check: "agent.version",
    verdict: "failed",
    fr: "L'extension cps-bridge est trop ancienne pour ce programme (protocole {extensionProtocol}, le programme parle {agentProtocol}).",
    remedyFr:
      "Mettez à jour l'extension cps-bridge depuis la boutique du navigateur (Chrome, Edge : page des extensions › Mettre à jour ; Firefox : Modules › Rechercher des mises à jour), puis rechargez la page.",
    en: "The cps-bridge extension is too old for this agent (protocol {extensionProtocol}, the agent speaks {agentProtocol}).",
    remedyEn: "Update the extension (the browser's extensions page › Update), then reload the page.",
    thrownWhen: "checkCompatibility (protocol/src/version.ts) says the extension must be updated.",
    likelyReason: "Extension updates are held back (managed browser) while the agent was upgraded.",
    howToResolve: "Update the extension, or ask the administrator to deploy the matching version.",
  },
  DIAG_AGENT_REACHABLE: ok(
    "agent.reachable",
    "Le programme cps-bridge répond sur ce poste (port {port}).",
    "The cps-bridge agent answers on this computer (port {port}).",
  ),
  DIAG_AGENT_UNREACHABLE: {
    check: "agent.reachable",
    verdict: "failed",
    fr: "Le programme cps-bridge ne répond pas sur ce poste (port {port}) : la carte ne peut pas être lue.",
    remedyFr: "Lancez le programme cps-bridge (commande « cps-bridge start »), puis relancez le diagnostic.",
    en: "The cps-bridge agent does not answer on this computer (port {port}): the card cannot be read.",
    remedyEn: "Start the cps-bridge agent (`cps-bridge start`), then run the diagnostics again.",
    thrownWhen: "The extension's WebSocket to ws://127.0.0.1:<port> is not connected (status unavailable/connecting).",
    likelyReason: "The agent is not installed, not started, stopped after a crash, or listens on another port.",
    howToResolve: "Start the agent (`cps-bridge start`; docs/agent.md); check the port in the options.",
  },
  DIAG_PAIRING_OK: ok(
    "agent.pairing",
    "Ce navigateur est appairé au programme cps-bridge.",
    "This browser is paired with the cps-bridge agent.",
  ),
  DIAG_PAIRING_MISSING: {
    check: "agent.pairing",
    verdict: "failed",
    fr: "Ce navigateur n'est pas appairé au programme cps-bridge.",
    remedyFr: "Cliquez « Appairer », lancez « cps-bridge pair » et saisissez le code à 6 chiffres affiché.",
    en: "This browser is not paired with the cps-bridge agent.",
    remedyEn: "Click “Pair”, run `cps-bridge pair` and type the 6-digit code it shows.",
    thrownWhen: "The agent answers but this browser holds no pairing key, or the agent no longer knows it.",
    likelyReason: "First use, a new browser profile, or `cps-bridge unpair`.",
    howToResolve: "Pair once (docs/security.md); the key is kept in the extension's IndexedDB.",
  },
  DIAG_PAIRING_UNTRUSTED: {
    check: "agent.pairing",
    verdict: "failed",
    fr: "Le programme qui répond n'est pas celui avec lequel ce navigateur a été appairé.",
    remedyFr: "Si vous avez réinstallé cps-bridge, appairez à nouveau ; sinon prévenez le support.",
    en: "The agent that answers is not the one this browser was paired with.",
    remedyEn: "If you reinstalled cps-bridge, pair again; otherwise tell your support desk.",
    thrownWhen: "The agent's signature does not verify with the key pinned at pairing (ERR_AGENT_UNTRUSTED).",
    likelyReason: "The agent was reinstalled (new key), or another program listens on the agent's port.",
    howToResolve: "Re-pair after a reinstall; otherwise find the program on the port (`ss -ltnp`).",
  },
  DIAG_PAIRING_UNCONFIRMED: {
    check: "agent.pairing",
    verdict: "warning",
    fr: "L'appairage n'a pas encore pu être confirmé (état de la connexion : {status}).",
    remedyFr: "Attendez quelques secondes puis relancez le diagnostic ; si cela persiste, redémarrez cps-bridge.",
    en: "The pairing could not be confirmed yet (connection state: {status}).",
    remedyEn: "Wait a few seconds and run the diagnostics again; if it persists, restart cps-bridge.",
    thrownWhen: "The agent answers and a pairing key exists, but the connection is neither authenticated nor refused.",
    likelyReason: "The mutual authentication is still under way, or failed for another reason than the key.",
    howToResolve: "Run again; the connection's error code is in the report's facts.",
  },
  DIAG_SITE_ACCESS_OK: ok(
    "browser.site-access",
    "L'extension a accès aux pages de connexion du portail.",
    "The extension may run on the portal's login pages.",
  ),
  DIAG_SITE_ACCESS_MISSING: {
    check: "browser.site-access",
    verdict: "warning",
    fr: "Le navigateur n'autorise pas l'extension sur le portail ({origin}) : l'assistant de connexion n'apparaîtra pas.",
    remedyFr:
      "Page des extensions › cps-bridge › Accès au site : choisissez « Sur les sites spécifiques » ou « Sur tous les sites ».",
    en: "The browser does not let the extension run on the portal ({origin}): the login assistant will not show.",
    remedyEn: "Extensions page › cps-bridge › Site access: choose “On specific sites” or “On all sites”.",
    thrownWhen: "permissions.contains({ origins: <portal login pages> }) answers false.",
    likelyReason: "Site access narrowed to “On click”, or blocked by an enterprise policy (runtime_blocked_hosts).",
    howToResolve: "Grant site access on the extensions page, or ask the administrator to lift the policy.",
  },
};

registerDiagCodes(BROWSER_DIAG_CODES);
