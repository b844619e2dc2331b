/** Public pages, assets and the help stand-ins. */
import { readFileSync } from "node:fs";
import type { Context } from "../http/context";
import type { Router } from "../http/router";
import { forgotPasswordPage, helpDmpPage, helpVerificationPage, homePage, simplePage } from "../pages/static";
import { PATHS } from "../paths";
import { type Runtime, readSession } from "../runtime";

const asset = (name: string) => readFileSync(new URL(`../assets/${name}`, import.meta.url));
const ASSETS = {
  css: asset("portal.css"),
  "tdb.js": asset("tdb.js"),
  "otp.js": asset("otp.js"),
  "dossier.js": asset("dossier.js"),
} as const;

export function registerPublicRoutes(router: Router, rt: Runtime): void {
  const accountOf = (ctx: Context) => {
    const s = readSession(rt, ctx);
    return s?.auth ? rt.accounts.get(s.auth.accountId) : undefined;
  };

  router.get("/", (ctx) => ctx.redirect(PATHS.home));
  router.get("/Trajectoire", (ctx) => ctx.redirect(PATHS.home));
  router.get(PATHS.home, (ctx) => ctx.html(homePage()));
  router.get(PATHS.css, (ctx) => ctx.text(ASSETS.css, "text/css; charset=utf-8", 200, "max-age=60"));
  router.get("/Trajectoire/Scripts/:name", (ctx) => {
    const name = ctx.params.name as keyof typeof ASSETS;
    if (name === "css" || !Object.hasOwn(ASSETS, name)) return ctx.text("Not found", "text/plain", 404);
    ctx.text(ASSETS[name], "text/javascript; charset=utf-8", 200, "max-age=60");
  });
  router.get("/favicon.ico", (ctx) => ctx.text("", "image/x-icon", 204));

  router.get(PATHS.helpDmp, (ctx) => ctx.html(helpDmpPage()));
  router.get(PATHS.helpVerification, (ctx) => ctx.html(helpVerificationPage()));
  router.get(PATHS.forgotPassword, (ctx) => ctx.html(forgotPasswordPage()));
  router.get(PATHS.documentation, (ctx) =>
    ctx.html(
      simplePage(
        "Documentation",
        [
          "Guides d'utilisation de l'espace Médecin libéral : connexion (carte CPS, e-CPS, identifiant et code par e-mail), tableau de bord, volet médical.",
          "Documentation de démonstration : la documentation réelle est publiée par les GRADeS régionaux.",
        ],
        accountOf(ctx),
        "documentation",
      ),
    ),
  );
  router.get(PATHS.contact, (ctx) =>
    ctx.html(
      simplePage(
        "Contact/FAQ",
        [
          "Foire aux questions et contact du support ViaTrajectoire de votre région.",
          "Les e-mails de ViaTrajectoire sont envoyés par no_reply.trajectoire@sante-ra.fr : pensez à vérifier vos courriers indésirables.",
        ],
        accountOf(ctx),
        "contact",
      ),
    ),
  );
  router.get(PATHS.charte, (ctx) =>
    ctx.html(
      simplePage(
        "Charte d'utilisation",
        ["Conditions générales d'utilisation pour les professionnels (texte de démonstration)."],
        accountOf(ctx),
      ),
    ),
  );
  router.get(PATHS.confidentialite, (ctx) =>
    ctx.html(
      simplePage(
        "Politique de confidentialité",
        ["Politique de confidentialité et de sécurité (texte de démonstration)."],
        accountOf(ctx),
      ),
    ),
  );
}
