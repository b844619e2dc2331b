/**
 * Where the manifest injects the login assistant (docs/permissions.md "Portal pages"): the public pages of the two
 * ViaTrajectoire hosts (settings.ts DEFAULT_PORTAL_ORIGINS), and the same paths on loopback for the mock portal.
 *
 * - Only `/Trajectoire/Pages/AccesLibre/*`, the logged-out pages (login, card login, the CPS failure page, whose real
 *   path is unknown [G]): never the logged-in pages with patients' dossiers. Match patterns are case-sensitive and
 *   IIS is not: the two spellings seen in the portal's links are listed (viatrajectoire.md §2.1 [V]: `Pages` for
 *   AccesLibre, `pages` for AccesRestreint); other spellings get no assistant [U].
 * - Loopback (any port): the script is injected but stays inert — no port opened, nothing shown — unless that exact
 *   origin is one of the developer origins of the options (assistant.ts). A doctor's extension thus does nothing on
 *   local web servers.
 */
const PATHS = ["/Trajectoire/Pages/AccesLibre/*", "/Trajectoire/pages/AccesLibre/*"];
const HOSTS = ["https://trajectoire.sante-ra.fr", "https://viatrajectoire.fr", "http://localhost", "http://127.0.0.1"];

export const PORTAL_MATCHES: string[] = HOSTS.flatMap((h) => PATHS.map((p) => `${h}${p}`));

/**
 * Whether the manifest lets the assistant into this origin's pages: the two ViaTrajectoire hosts, and loopback on any
 * port. The options refuse any other portal address — the assistant could never appear there (match patterns are
 * fixed at build time; registering scripts at run time would need the `scripting` permission and host permissions).
 */
export function assistantReaches(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1")) return true;
  return HOSTS.includes(url.origin);
}
