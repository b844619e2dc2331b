/**
 * Where the manifest injects the dossier overlay (docs/permissions.md "Dashboard pages"): the médecin libéral
 * dashboard only, `…/App.aspx/MedecinLiberal/TDB` [G path on the verified App.aspx shape], with and without a query
 * (the tab), on the two ViaTrajectoire hosts and loopback (the mock; inert unless a developer origin — dossiers.ts
 * checks the options like the assistant). Match patterns are case-sensitive: the spelling seen in the portal's
 * links (`pages/AccesRestreint`, viatrajectoire.md §2.1) and the capitalised variant are listed [U].
 */
const PATHS = [
  "/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB*",
  "/Trajectoire/Pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB*",
];
const HOSTS = ["https://trajectoire.sante-ra.fr", "https://viatrajectoire.fr", "http://localhost", "http://127.0.0.1"];

export const DASHBOARD_MATCHES: string[] = HOSTS.flatMap((h) => PATHS.map((p) => `${h}${p}`));
