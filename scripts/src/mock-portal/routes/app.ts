/**
 * The logged-in pages (AccesRestreint, behind the forms-authentication gate): dashboard with its tabs, search,
 * dossier pages and the doctor's actions on a dossier, dossier creation with the duplicate check, Mon compte.
 * State-changing forms carry the session's anti-forgery token.
 */
import { timingSafeEqual } from "node:crypto";
import { isModule, isOrientation, type Module, ONGLETS, type Onglet, ORIENTATIONS } from "../data/model";
import { StoreError } from "../data/store";
import type { Context } from "../http/context";
import type { Router } from "../http/router";
import { dashboardPage } from "../pages/dashboard";
import { dossierPage, isVolet } from "../pages/dossier";
import { accountPage, errorPage, newDossierPage } from "../pages/static";
import { APP, PATHS } from "../paths";
import { type Runtime, requireLogin } from "../runtime";
import type { Session } from "../sessions";

function csrfOk(s: Session, value: string | undefined): boolean {
  if (!value) return false;
  const a = Buffer.from(value);
  const b = Buffer.from(s.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The dashboard or search page the action was clicked on (same origin only), to go back to it. */
function backToList(ctx: Context): string | undefined {
  const referer = ctx.req.headers.referer;
  if (!referer) return undefined;
  let u: URL;
  try {
    u = new URL(referer);
  } catch {
    return undefined;
  }
  if (u.origin !== ctx.origin) return undefined;
  const path = u.pathname.toLowerCase();
  return path === PATHS.dashboard.toLowerCase() || path === PATHS.search.toLowerCase()
    ? u.pathname + u.search
    : undefined;
}

function isOnglet(x: string | null): x is Onglet {
  return x !== null && Object.hasOwn(ONGLETS, x);
}

export function registerAppRoutes(router: Router, rt: Runtime): void {
  router.get(PATHS.dashboard, (ctx) => {
    const auth = requireLogin(rt, ctx);
    if (!auth) return;
    const q = ctx.query.get("onglet");
    const onglet: Onglet = isOnglet(q) ? q : "encours";
    const notice = auth.session.flash;
    delete auth.session.flash;
    ctx.html(
      dashboardPage({
        account: auth.account,
        onglet,
        counts: rt.dossiers.counts(),
        dossiers: rt.dossiers.byOnglet(onglet),
        now: rt.clock.now(),
        csrf: auth.session.csrf,
        ...(notice ? { notice } : {}),
      }),
    );
  });

  router.get(PATHS.search, (ctx) => {
    const auth = requireLogin(rt, ctx);
    if (!auth) return;
    const numero = (ctx.query.get("numero") ?? "").trim();
    if (numero) {
      const d = rt.dossiers.list().find((x) => x.numero.toLowerCase() === numero.toLowerCase());
      if (d) return ctx.redirect(PATHS.dossier(d.module, d.numero));
    }
    const q = (ctx.query.get("q") ?? "").trim();
    const results = numero ? [] : rt.dossiers.search(q);
    const label = numero
      ? `Aucun dossier ne porte le numéro « ${numero} ».`
      : `Résultats de la recherche « ${q} » : ${results.length} dossier${results.length > 1 ? "s" : ""}`;
    ctx.html(
      dashboardPage({
        account: auth.account,
        onglet: "encours",
        counts: rt.dossiers.counts(),
        dossiers: results,
        now: rt.clock.now(),
        csrf: auth.session.csrf,
        search: { label },
      }),
    );
  });

  router.get(`${APP}/:module/Dossier/:numero`, (ctx) => {
    const auth = requireLogin(rt, ctx);
    if (!auth) return;
    const d = rt.dossiers.get(ctx.params.numero!);
    if (!d || d.module.toLowerCase() !== ctx.params.module!.toLowerCase()) {
      return ctx.html(
        errorPage(404, "Dossier introuvable", "Ce dossier n'existe pas ou vous n'y avez pas accès.", auth.account),
        404,
      );
    }
    const v = ctx.query.get("volet");
    const notice = auth.session.flash;
    delete auth.session.flash;
    ctx.html(
      dossierPage({
        account: auth.account,
        dossier: d,
        volet: isVolet(v) ? v : "administratif",
        csrf: auth.session.csrf,
        now: rt.clock.now(),
        ...(notice ? { notice } : {}),
      }),
    );
  });

  const action = (name: string, run: (numero: string) => string) =>
    router.post(`${APP}/:module/Dossier/:numero/${name}`, async (ctx) => {
      const auth = requireLogin(rt, ctx);
      if (!auth) return;
      const body = await ctx.body();
      if (!csrfOk(auth.session, body.__RequestVerificationToken)) {
        return ctx.html(
          errorPage(400, "Requête refusée", "La page a expiré. Rechargez-la et recommencez.", auth.account),
          400,
        );
      }
      const numero = ctx.params.numero!;
      try {
        auth.session.flash = run(numero);
      } catch (e) {
        if (e instanceof StoreError) {
          const status = e.status;
          return ctx.html(
            errorPage(
              status,
              status === 404 ? "Dossier introuvable" : "Action impossible",
              status === 404
                ? "Ce dossier n'existe pas."
                : "Cette action n'est pas possible sur ce dossier dans son état actuel.",
              auth.account,
            ),
            status,
          );
        }
        throw e;
      }
      const d = rt.dossiers.get(numero)!;
      // Back where the doctor was: the dashboard tab (actions from the table) or the dossier page.
      ctx.redirect(backToList(ctx) ?? PATHS.dossier(d.module, d.numero));
    });
  action("Accepter", (n) => {
    rt.dossiers.accept(n);
    return "Dossier accepté : il fait désormais partie de vos dossiers en cours.";
  });
  action("Refuser", (n) => {
    rt.dossiers.refuse(n);
    return "Vous avez indiqué que cette personne ne fait pas partie de votre patientèle.";
  });
  action("ValiderVoletMedical", (n) => {
    rt.dossiers.validateVoletMedical(n);
    return "Le volet médical est validé.";
  });

  const moduleOf = (ctx: Context): Module => {
    const m = ctx.query.get("module");
    return isModule(m) ? m : "GrandAge";
  };

  router.get(PATHS.newDossier, (ctx) => {
    const auth = requireLogin(rt, ctx);
    if (!auth) return;
    ctx.html(newDossierPage({ account: auth.account, module: moduleOf(ctx), csrf: auth.session.csrf }));
  });

  router.post(PATHS.newDossier, async (ctx) => {
    const auth = requireLogin(rt, ctx);
    if (!auth) return;
    const body = await ctx.body();
    const module = moduleOf(ctx);
    const render = (extra: { error?: string; duplicates?: ReturnType<typeof rt.dossiers.duplicatesOf> }) =>
      ctx.html(
        newDossierPage({ account: auth.account, module, csrf: auth.session.csrf, values: body, ...extra }),
        extra.error ? 400 : 200,
      );
    if (!csrfOk(auth.session, body.__RequestVerificationToken))
      return render({ error: "La page a expiré. Rechargez-la et recommencez." });
    const nomNaissance = (body.nomNaissance ?? "").trim().toUpperCase();
    const prenom = (body.prenom ?? "").trim();
    const dateNaissance = body.dateNaissance ?? "";
    const sexe = body.sexe === "M" ? "M" : "F";
    const orientation =
      isOrientation(body.orientation) && ORIENTATIONS[body.orientation].module === module
        ? body.orientation
        : undefined;
    if (!nomNaissance || !prenom || !/^\d{4}-\d{2}-\d{2}$/.test(dateNaissance) || !orientation) {
      return render({
        error: "Veuillez renseigner l'orientation, le nom de naissance, le prénom et la date de naissance.",
      });
    }
    // Duplicate rule (viatrajectoire.md §3.1 [V]): same names, birth date and sex, cancelled/archived excluded.
    const duplicates = rt.dossiers.duplicatesOf({ nomNaissance, prenom, dateNaissance, sexe });
    if (duplicates.length > 0 && body.confirmerDoublon !== "1") return render({ duplicates });
    const d = rt.dossiers.add({
      orientation,
      statut: "redaction",
      rattachement: "accepte",
      demandeur: "Moi-même",
      patient: {
        nomNaissance,
        prenom,
        dateNaissance,
        sexe,
        ...(body.nomUsage ? { nomUsage: body.nomUsage.trim().toUpperCase() } : {}),
      },
    });
    auth.session.flash = "Le dossier a été créé.";
    ctx.redirect(PATHS.dossier(d.module, d.numero));
  });

  router.get(PATHS.account, (ctx) => {
    const auth = requireLogin(rt, ctx);
    if (!auth) return;
    const notice = auth.session.flash;
    delete auth.session.flash;
    ctx.html(accountPage(auth.account, auth.session.csrf, notice));
  });

  router.post(PATHS.account, async (ctx) => {
    const auth = requireLogin(rt, ctx);
    if (!auth) return;
    const body = await ctx.body();
    if (!csrfOk(auth.session, body.__RequestVerificationToken))
      return ctx.html(errorPage(400, "Requête refusée", "La page a expiré.", auth.account), 400);
    auth.account.receptionMails = body.receptionMails === "1";
    auth.session.flash = "Vos préférences ont été enregistrées.";
    ctx.redirect(PATHS.account);
  });
}
