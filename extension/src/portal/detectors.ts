/**
 * Which portal page is this? Recognised by URL **and** page content (anchors.md §4.2, Refined GitHub's
 * github-url-detection): each URL detector carries example URLs that detectors.test.ts checks — every example
 * matches its own detector and no other — and the content checks run against the saved pages in ./fixtures/.
 *
 * URL facts (shared/research/viatrajectoire.md §2.1): `/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=…` is
 * verified [V], with lower-case `%2f` escapes; LoginCPS.aspx and ErreurCPS.aspx are the mock's guesses [G]. IIS paths
 * match without regard to case, so these do too. The failure page is recognised by its words anywhere under
 * AccesLibre, since its real path is unknown.
 */
import { TOKEN_CONTRACT } from "@cps-bridge/protocol/portal-contract";
import * as S from "./selectors";

export interface UrlDetector {
  (url: URL): boolean;
  /** URLs this detector must recognise (and no other detector may). */
  readonly examples: readonly string[];
}

function urlDetector(test: (url: URL) => boolean, examples: readonly string[]): UrlDetector {
  return Object.assign((url: URL) => test(url), { examples });
}

const ACCES_LIBRE = /^\/trajectoire\/pages\/acceslibre\//i;

/** The login page with its three ways in. */
export const isLoginUrl = urlDetector(
  (u) => /^\/trajectoire\/pages\/acceslibre\/login\.aspx$/i.test(u.pathname),
  [
    // [V] the userscripts' URL (Sanitaire "demandeur" dashboard as ReturnUrl)
    "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fSanitaire%2fTDB%2fDemandeur",
    "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/Login.aspx",
    // [G] the médecin libéral variant (research §8.1 `profil=ML`)
    "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB&profil=ML",
    "https://trajectoire.sante-ra.fr/trajectoire/pages/acceslibre/login.aspx",
    "https://viatrajectoire.fr/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2f",
    // the mock portal (docs/mock-portal.md), under both loopback names
    "http://localhost:8443/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
    "http://127.0.0.1:39117/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2f#cps-bridge-ecps",
  ],
);

/** "Se connecter par carte CPS": the mock's token page (token mode); on the real portal, the TLS step [G]. */
export const isCpsLoginUrl = urlDetector(
  (u) => /^\/trajectoire\/pages\/acceslibre\/logincps\.aspx$/i.test(u.pathname),
  [
    "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/LoginCPS.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
    "http://localhost:8443/Trajectoire/Pages/AccesLibre/LoginCPS.aspx?ReturnUrl=%2fTrajectoire%2f",
  ],
);

/**
 * The e-mailed code step: the mock's LoginOTP.aspx [G]; the real path is unknown [U], so a page elsewhere under
 * AccesLibre whose content is a code step (an OTP field, detectPortalPage) is taken too.
 */
export const isOtpUrl = urlDetector(
  (u) => /^\/trajectoire\/pages\/acceslibre\/(loginotp|connexionotp)\.aspx$/i.test(u.pathname),
  [
    "http://localhost:8443/Trajectoire/Pages/AccesLibre/LoginOTP.aspx?ReturnUrl=%2fTrajectoire%2f",
    "http://127.0.0.1:39117/Trajectoire/Pages/AccesLibre/LoginOTP.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
    // [U] a guess at the real portal's path
    "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/ConnexionOTP.aspx?ReturnUrl=%2fTrajectoire%2f",
  ],
);

/** Any other public page of the portal: where the CPS failure page may be (its real path is unknown). */
export const isOtherPublicUrl = urlDetector(
  (u) => ACCES_LIBRE.test(u.pathname) && !isLoginUrl(u) && !isCpsLoginUrl(u) && !isOtpUrl(u),
  [
    "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/ErreurCPS.aspx?ReturnUrl=%2fTrajectoire%2f",
    "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/Charte.aspx",
    "http://localhost:8443/Trajectoire/Pages/AccesLibre/ErreurCPS.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
    "http://localhost:8443/Trajectoire/Pages/AccesLibre/LoginPSC.aspx?ReturnUrl=%2fTrajectoire%2f",
  ],
);

export const URL_DETECTORS = { isLoginUrl, isCpsLoginUrl, isOtpUrl, isOtherPublicUrl } as const;

/** URLs no detector may recognise: logged-in pages (health data: the assistant has nothing to do there), others. */
export const NOT_A_PORTAL_LOGIN_PAGE: readonly string[] = [
  "https://trajectoire.sante-ra.fr/Trajectoire/",
  "https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Angular/App.aspx/Sanitaire/TDB/Demandeur",
  "https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB",
  "https://trajectoire.sante-ra.fr/GrandAge/Pages/Public/AccesEtablissement.aspx?FINESS=990000001",
  "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesRestreint/Login.aspx",
  "https://trajectoire.sante-ra.fr/Autre/Trajectoire/Pages/AccesLibre/Login.aspx",
  "http://localhost:8443/psc-mock/auth?response_type=code",
];

// ───────────────────────────── content ─────────────────────────────

/** Visible words, spaces collapsed (the portal's markup may break a sentence over lines). */
function words(el: Element): string {
  return (el.textContent ?? "").replace(/\s+/g, " ").trim();
}

/** The portal's "Se connecter par carte CPS" button: by id, else by its words (guide excerpt [B]). */
export function findCpsButton(doc: Document): HTMLElement | undefined {
  const byId = doc.querySelector<HTMLElement>(S.cpsButton);
  if (byId) return byId;
  for (const el of doc.querySelectorAll<HTMLElement>(S.cpsButtonByText)) {
    const label = el instanceof HTMLInputElement ? el.value : words(el);
    if (label.replace(/\s+/g, " ").trim().toLowerCase() === S.cpsButtonText.toLowerCase()) return el;
  }
  return undefined;
}

/** The element holding "La lecture de la carte CPS a échoué." (the innermost one), or undefined. */
export function findFailureTitle(doc: Document): HTMLElement | undefined {
  const wanted = S.failureTitleText.toLowerCase();
  const byId = doc.querySelector<HTMLElement>(S.failureTitle);
  if (byId && words(byId).toLowerCase().includes(wanted)) return byId;
  let best: HTMLElement | undefined;
  for (const el of doc.querySelectorAll<HTMLElement>(S.failureTitleCandidates)) {
    const text = words(el);
    if (!text.toLowerCase().includes(wanted)) continue;
    if (best === undefined || text.length < words(best).length) best = el;
  }
  return best;
}

/** Standard base64, 44 to 128 characters: what `login.sign` accepts (protocol/src/limits.ts), checked again there. */
const NONCE_SHAPE = /^[A-Za-z0-9+/]{42,126}={0,2}$/;

/**
 * The challenge of a page that accepts cps-bridge tokens, read from the DOM by the content script itself (never
 * from a message): the `<meta>` nonce, which the form's echoed field must repeat when present. Undefined when the page
 * does not take tokens (today's real portal) or the two disagree (a stale or tampered page).
 */
export function readChallenge(doc: Document): string | undefined {
  const meta = doc.querySelector<HTMLMetaElement>(S.challengeMeta);
  const nonce = meta?.getAttribute("content")?.trim();
  if (!nonce || !NONCE_SHAPE.test(nonce)) return undefined;
  const form = doc.querySelector<HTMLFormElement>(S.loginForm);
  if (!form) return undefined;
  const echoed = form.querySelectorAll<HTMLInputElement>(S.challengeField);
  if (echoed.length > 1) return undefined;
  if (echoed.length === 1 && echoed[0]!.getAttribute("value") !== nonce && echoed[0]!.value !== nonce) return undefined;
  if (form.querySelectorAll(S.tokenField).length !== 1) return undefined;
  return nonce;
}

/** The page's refusal of a previous token post (`#lblErreur[data-code]`), as the portal wrote it. */
export function readLoginOutcome(doc: Document): { code: string; text: string } | undefined {
  const el = doc.querySelector<HTMLElement>(S.loginOutcome);
  const code = el?.getAttribute(TOKEN_CONTRACT.outcomeCodeAttribute)?.trim();
  if (!el || !code || !/^[A-Z][A-Z0-9_]{2,63}$/.test(code)) return undefined;
  return { code, text: words(el) };
}

export type PortalPage =
  /** Login.aspx with its card button; `challenge` set when the portal accepts cps-bridge tokens. */
  | { kind: "login"; challenge?: string }
  /** LoginCPS.aspx of a token portal: no portal button, the page is about the card login. */
  | { kind: "cps-token"; challenge: string }
  /** "La lecture de la carte CPS a échoué." */
  | { kind: "cps-failure" }
  /** The e-mailed code step (issue 11): exactly one code field, never a password input. */
  | { kind: "otp" }
  | { kind: "none" };

export type PortalPageKind = PortalPage["kind"];

export function detectPortalPage(url: URL, doc: Document): PortalPage {
  if (isLoginUrl(url)) {
    if (findCpsButton(doc) === undefined) return { kind: "none" };
    const challenge = readChallenge(doc);
    return challenge ? { kind: "login", challenge } : { kind: "login" };
  }
  if (isCpsLoginUrl(url)) {
    const challenge = readChallenge(doc);
    if (challenge) return { kind: "cps-token", challenge };
    // A real portal might show the failure text on this path itself.
    return findFailureTitle(doc) ? { kind: "cps-failure" } : { kind: "none" };
  }
  if (isOtherPublicUrl(url) && findFailureTitle(doc)) return { kind: "cps-failure" };
  if ((isOtpUrl(url) || isOtherPublicUrl(url)) && findOtpField(doc)) return { kind: "otp" };
  return { kind: "none" };
}

/**
 * The code field of the e-mailed code step: exactly one visible-type text input matching the selectors (never a
 * password, hidden or disabled input; two candidates → none, rather than guess).
 */
export function findOtpField(doc: Document): HTMLInputElement | undefined {
  const found = [...doc.querySelectorAll<HTMLInputElement>(S.otpField)].filter(
    (el) =>
      el.tagName === "INPUT" &&
      ["text", "tel", "number", ""].includes((el.getAttribute("type") ?? "").toLowerCase()) &&
      !el.disabled &&
      !el.readOnly,
  );
  const unique = [...new Set(found)];
  return unique.length === 1 ? unique[0] : undefined;
}

/** Seconds left on the portal's countdown: `data-remaining`, else its "mm:ss" text; undefined when unreadable. */
export function readOtpRemainingSeconds(doc: Document): number | undefined {
  const el = doc.querySelector<HTMLElement>(S.otpTimer);
  if (!el) return undefined;
  const attr = el.getAttribute("data-remaining");
  if (attr !== null && /^\d{1,4}$/.test(attr.trim())) return Number(attr.trim());
  const m = /(\d{1,2}):(\d{2})/.exec(words(el));
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}
