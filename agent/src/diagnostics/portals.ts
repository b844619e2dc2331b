/**
 * The portals a diagnostics run may contact (the only network calls besides the opt-in CRL): the ViaTrajectoire
 * production hosts, and loopback only in test mode (the mock portal). Anything else is refused, so that a paired
 * extension cannot make the agent fetch an arbitrary address.
 */
export const DEFAULT_PORTAL_ORIGIN = "https://trajectoire.sante-ra.fr";
const PORTAL_HOSTS = new Set(["trajectoire.sante-ra.fr", "viatrajectoire.fr", "www.viatrajectoire.fr"]);

export function allowedPortalOrigin(origin: string | undefined, testMode: boolean): string | undefined {
  if (origin === undefined) return DEFAULT_PORTAL_ORIGIN;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return undefined;
  }
  if (u.origin !== origin.replace(/\/$/, "")) return undefined;
  if (u.protocol === "https:" && PORTAL_HOSTS.has(u.hostname)) return u.origin;
  if (testMode && (u.hostname === "127.0.0.1" || u.hostname === "localhost")) return u.origin;
  return undefined;
}
