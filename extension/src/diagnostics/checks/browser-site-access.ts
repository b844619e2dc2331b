/**
 * browser.site-access: the browser lets the extension into the portal's login pages (Chrome's « Accès au site » can
 * be narrowed to « Sur clic » by the doctor or a policy; the login assistant then never appears). Not blocking: the
 * portal's own card login still works without the assistant.
 */
import type { BrowserCheck } from "../check";
import "../codes";

export const browserSiteAccess: BrowserCheck = {
  id: "browser.site-access",
  dependsOn: [],
  codes: ["DIAG_SITE_ACCESS_OK", "DIAG_SITE_ACCESS_MISSING"],
  async run(ctx) {
    const origins = [...(ctx.portalOrigins ?? [])];
    if (!ctx.hasOrigins || origins.length === 0) throw new Error("browser.site-access ran without portal origins");
    const granted = await ctx.hasOrigins(origins);
    const facts = { origins, granted };
    if (granted) return { verdict: "ok", code: "DIAG_SITE_ACCESS_OK", facts };
    return { verdict: "warning", code: "DIAG_SITE_ACCESS_MISSING", params: { origin: origins[0]! }, facts };
  },
};
