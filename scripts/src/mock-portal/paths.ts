/**
 * Every URL of the mock, in one place. The shapes mirror the real portal where they are known
 * (shared/research/viatrajectoire.md §2.1 [V]: `/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=…` and the
 * Angular shell `/Trajectoire/pages/AccesRestreint/Angular/App.aspx/<Module>/<Page>`); the rest follows §8.1 and is
 * a guess ([G]). Note the real casing: `Pages/AccesLibre` but `pages/AccesRestreint`. IIS matches paths without
 * regard to case, and so does our router.
 */

export const LIBRE = "/Trajectoire/Pages/AccesLibre";
export const APP = "/Trajectoire/pages/AccesRestreint/Angular/App.aspx";

export const PATHS = {
  home: "/Trajectoire/",
  login: `${LIBRE}/Login.aspx`,
  loginOtp: `${LIBRE}/LoginOTP.aspx`,
  loginCps: `${LIBRE}/LoginCPS.aspx`,
  cpsFailure: `${LIBRE}/ErreurCPS.aspx`,
  loginPsc: `${LIBRE}/LoginPSC.aspx`,
  pscCallback: `${LIBRE}/PSCCallback.aspx`,
  logout: `${LIBRE}/Logout.aspx`,
  forgotPassword: `${LIBRE}/MotDePasseOublie.aspx`,
  charte: `${LIBRE}/Charte.aspx`,
  confidentialite: `${LIBRE}/Confidentialite.aspx`,
  documentation: `${LIBRE}/Documentation.aspx`,
  contact: `${LIBRE}/Contact.aspx`,
  dashboard: `${APP}/MedecinLiberal/TDB`,
  search: `${APP}/MedecinLiberal/Recherche`,
  newDossier: `${APP}/MedecinLiberal/NouveauDossier`,
  account: `${APP}/MedecinLiberal/MonCompte`,
  /** `${APP}/<Module>/Dossier/<numero>` */
  dossier: (module: string, numero: string) => `${APP}/${module}/Dossier/${encodeURIComponent(numero)}`,
  css: "/Trajectoire/Content/portal.css",
  script: (name: string) => `/Trajectoire/Scripts/${name}`,
  // Stand-ins for the external help sites the CPS failure page links to (no external network in tests).
  helpDmp: "/mock-externe/assistance-dmp",
  helpVerification: "/mock-externe/outil-verification",
  // The fake Pro Santé Connect, same process, own path prefix (cps-card.md §4.3 for the real endpoints).
  psc: "/psc-mock",
  mailbox: "/__mailbox",
  admin: "/__admin",
} as const;

/** Where a successful login lands when no (safe) ReturnUrl was given. */
export const DEFAULT_RETURN = PATHS.dashboard;

/**
 * ASP.NET's `HttpUtility.UrlEncode` writes lower-case escapes (`%2fTrajectoire%2fpages…`, viatrajectoire.md §2.1),
 * which is what content scripts matching the real login URL will see.
 */
export function aspNetUrlEncode(s: string): string {
  return encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/**
 * A ReturnUrl is only followed when it is a path on this site: starts with one `/`, no `//` or `/\` (which browsers
 * read as another host), no control characters. Anything else falls back to the dashboard (no open redirect).
 */
export function safeReturnUrl(raw: string | null | undefined): string {
  if (!raw) return DEFAULT_RETURN;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return DEFAULT_RETURN;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return DEFAULT_RETURN;
  return raw;
}

/** `Login.aspx?ReturnUrl=<encoded>` as ASP.NET forms authentication builds it. */
export function loginUrlFor(returnPath: string): string {
  return `${PATHS.login}?ReturnUrl=${aspNetUrlEncode(returnPath)}`;
}
