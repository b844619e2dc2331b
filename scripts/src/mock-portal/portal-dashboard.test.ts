/**
 * The médecin libéral dashboard and dossier pages (viatrajectoire.md §8.3–8.4) over HTTP: tabs and counters, the
 * table's data attributes, default order, accept / refuse, admin changes showing up, search, creation with the
 * duplicate check, anti-forgery, and escaping of hostile dossier data.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ONGLETS } from "./data/model";
import { PATHS } from "./paths";
import { createMockPortal, type MockPortal } from "./portal";
import { adminFetch } from "./testing/admin";
import { attr, decodeEntities, hiddenFields, type Page, type TestBrowser, tagById, textById } from "./testing/browser";
import { loggedIn } from "./testing/flows";

let portal: MockPortal;
let b: TestBrowser;
let csrf: string;

beforeAll(async () => {
  portal = createMockPortal({ now: "2025-05-06T09:15:00Z" });
  await portal.start();
});
afterAll(() => portal.stop());
beforeEach(async () => {
  portal.admin.reset();
  const s = await loggedIn(portal);
  b = s.b;
  // The anti-forgery token of this session, as any form of a logged-in page carries it (Mon compte has one).
  csrf = /name="__RequestVerificationToken" value="([^"]+)"/.exec((await b.get(PATHS.account)).text)![1]!;
});

function rows(p: Page): { numero: string; module: string; statut: string; rattachement: string; modifie: string }[] {
  return [
    ...p.text.matchAll(
      /<tr class="dossier" data-dossier="([^"]+)" data-module="([^"]+)" data-statut="([^"]+)" data-rattachement="([^"]+)"[^>]*data-modifie="([^"]+)"/g,
    ),
  ].map((m) => ({ numero: decodeEntities(m[1]!), module: m[2]!, statut: m[3]!, rattachement: m[4]!, modifie: m[5]! }));
}

function tabLabel(p: Page, onglet: string): string | undefined {
  return textById(p.text, `onglet-${onglet}`);
}

describe("dashboard", () => {
  it("shows the header, toolbar and the three tabs with their counters", async () => {
    const p = await b.get(PATHS.dashboard);
    expect(p.status).toBe(200);
    expect(textById(p.text, "lblPraticien")).toBe("Dr Camille TESTMEDECIN");
    expect(textById(p.text, "lblRPPS")).toBe("RPPS 99700218896");
    for (const [id, label] of [
      ["lnkDocumentation", "Documentation"],
      ["lnkContact", "Contact/FAQ"],
      ["lnkMonCompte", "Mon compte"],
      ["lnkDeconnexion", "Déconnexion"],
    ]) {
      expect(textById(p.text, id!)).toBe(label);
    }
    expect(p.text).toContain('id="menuCreerDossier"');
    expect(tagById(p.text, "txtRecherchePatient")).toBeDefined();
    expect(tagById(p.text, "txtNumeroDossier")).toBeDefined();
    expect(tabLabel(p, "encours")).toBe(`${ONGLETS.encours} (15)`);
    expect(tabLabel(p, "annules")).toBe(`${ONGLETS.annules} (6)`);
    expect(tabLabel(p, "horspatientele")).toBe(`${ONGLETS.horspatientele} (4)`);
    expect(attr(tagById(p.text, "onglet-encours"), "aria-selected")).toBe("true");
    expect(tagById(p.text, "tdbDossiers")).toBeDefined();
  });

  it("lists each tab's dossiers, newest change first", async () => {
    const counts = { encours: 15, annules: 6, horspatientele: 4 } as const;
    const seen = new Set<string>();
    for (const [onglet, n] of Object.entries(counts)) {
      const p = await b.get(`${PATHS.dashboard}?onglet=${onglet}`);
      const r = rows(p);
      expect(r).toHaveLength(n);
      for (const x of r) seen.add(x.numero);
      const dates = r.map((x) => x.modifie);
      expect(dates).toEqual([...dates].sort().reverse());
      if (onglet === "annules") expect(new Set(r.map((x) => x.statut))).toEqual(new Set(["annule", "archive"]));
      if (onglet === "horspatientele") expect(r.every((x) => x.rattachement !== "accepte")).toBe(true);
    }
    expect(seen.size).toBe(25);
    const p = await b.get(PATHS.dashboard);
    expect(new Set(rows(p).map((x) => x.module))).toEqual(new Set(["GrandAge", "Sanitaire", "TND"]));
    expect(
      attr(
        tagById(p.text.replace(/<th class="col-modifie"/, '<th id="thModifie" class="col-modifie"'), "thModifie"),
        "aria-sort",
      ),
    ).toBe("descending");
  });

  it("has establishment rows behind each dossier with answers", async () => {
    const p = await b.get(PATHS.dashboard);
    const d = portal.admin.dossiers().find((x) => x.statut === "admis")!;
    const group = p.text.slice(
      p.text.indexOf(`data-group="${d.numero}"`),
      p.text.indexOf("</tbody>", p.text.indexOf(`data-group="${d.numero}"`)),
    );
    const demandes = [
      ...group.matchAll(
        /<tr class="demande" data-parent="[^"]+" data-finess="(\d{9})" data-statut="([a-z_]+)" hidden>/g,
      ),
    ];
    expect(demandes.map((m) => m[2]).sort()).toEqual(d.demandes.map((x) => x.statut).sort());
    expect(group).toMatch(/Annulation automatique : admission dans un autre établissement/);
    expect(group).toMatch(/aria-expanded="false"/);
  });

  it("accepting a hors-patientèle dossier moves it to Dossiers en cours", async () => {
    const p = await b.get(`${PATHS.dashboard}?onglet=horspatientele`);
    const d = rows(p).find((x) => x.rattachement === "a_accepter")!;
    const dossier = portal.admin.dossier(d.numero);
    const r = await b.post(
      `${PATHS.dossier(dossier.module, d.numero)}/Accepter`,
      { __RequestVerificationToken: csrf },
      { headers: { Referer: `${portal.url}${PATHS.dashboard}?onglet=horspatientele` } },
    );
    expect(r.status).toBe(302);
    expect(r.location).toBe(`${PATHS.dashboard}?onglet=horspatientele`);
    const after = await b.follow(r);
    expect(textById(after.text, "lblInfo")).toMatch(/Dossier accepté/);
    expect(tabLabel(after, "horspatientele")).toBe(`${ONGLETS.horspatientele} (3)`);
    expect(tabLabel(after, "encours")).toBe(`${ONGLETS.encours} (16)`);
    const encours = rows(await b.get(PATHS.dashboard));
    expect(encours[0]!.numero).toBe(d.numero); // just changed: first in "Dernière modification ↓"
  });

  it("refusing keeps the dossier in the third tab as refused; the dossier page then offers Accepter only", async () => {
    const d = portal.admin.dossiers().find((x) => x.rattachement === "a_accepter")!;
    const path = PATHS.dossier(d.module, d.numero);
    const page = await b.get(path);
    expect(textById(page.text, "btnAccepterDossier")).toBe("Accepter ce dossier");
    expect(textById(page.text, "btnRefuserDossier")).toBe("Refuser (je ne suis pas le médecin traitant)");
    const r = await b.post(`${path}/Refuser`, { __RequestVerificationToken: csrf });
    expect(r.location).toBe(path);
    const after = await b.follow(r);
    expect(attr(tagById(after.text, "enteteDossier"), "data-rattachement")).toBe("refuse");
    expect(tagById(after.text, "btnRefuserDossier")).toBeUndefined();
    expect(tagById(after.text, "btnAccepterDossier")).toBeDefined();
    expect(tabLabel(await b.get(PATHS.dashboard), "horspatientele")).toBe(`${ONGLETS.horspatientele} (4)`);
  });

  it("refuses state changes without the anti-forgery token", async () => {
    const d = portal.admin.dossiers().find((x) => x.rattachement === "a_accepter")!;
    const r = await b.post(`${PATHS.dossier(d.module, d.numero)}/Accepter`, {});
    expect(r.status).toBe(400);
    expect(portal.admin.dossier(d.numero).rattachement).toBe("a_accepter");
  });

  it("shows admin changes (a new establishment answer, a status, a new dossier) on the next load", async () => {
    const d = portal.admin.dossiers().find((x) => x.statut === "envoye" && x.demandes.some((y) => y.statut === "lue"))!;
    const finess = d.demandes.find((y) => y.statut === "lue")!.finess;
    const res = await adminFetch(`${portal.url}/__admin/dossiers/${encodeURIComponent(d.numero)}/demandes/${finess}`, {
      method: "PATCH",
      body: JSON.stringify({ statut: "liste_attente" }),
    });
    expect(res.status).toBe(200);
    let p = await b.get(PATHS.dashboard);
    expect(rows(p)[0]!.numero).toBe(d.numero);
    expect(p.text).toContain(`data-finess="${finess}" data-statut="liste_attente"`);

    await adminFetch(`${portal.url}/__admin/dossiers/${encodeURIComponent(d.numero)}`, {
      method: "PATCH",
      body: JSON.stringify({ statut: "annule", motif: "Test" }),
    });
    p = await b.get(PATHS.dashboard);
    expect(tabLabel(p, "encours")).toBe(`${ONGLETS.encours} (14)`);
    expect(tabLabel(p, "annules")).toBe(`${ONGLETS.annules} (7)`);

    const created = (await (
      await adminFetch(`${portal.url}/__admin/dossiers`, {
        method: "POST",
        body: JSON.stringify({ orientation: "HAD", patient: { prenom: "Nouveau" } }),
      })
    ).json()) as { numero: string };
    p = await b.get(`${PATHS.dashboard}?onglet=horspatientele`);
    expect(tabLabel(p, "horspatientele")).toBe(`${ONGLETS.horspatientele} (5)`);
    expect(rows(p)[0]!.numero).toBe(created.numero);
    expect(rows(p)[0]!.module).toBe("Sanitaire");
  });

  it("escapes hostile dossier data everywhere it is shown", async () => {
    const evil = `<img src=x onerror="alert(1)">'"&<script>x</script>`;
    const created = portal.admin.addDossier({
      rattachement: "accepte",
      demandeur: evil,
      patient: { nomNaissance: evil, prenom: evil, nomUsage: evil },
      soinsEtProjet: evil,
    });
    portal.admin.answer(created.numero, { etablissement: evil, ville: evil, statut: "refusee", motif: evil });
    portal.admin.changeDossier(created.numero, { voletMedical: { antecedents: [evil], allergies: evil }, par: evil });
    const pages = [
      await b.get(PATHS.dashboard),
      await b.get(`${PATHS.search}?q=${encodeURIComponent("<img")}`),
      ...(await Promise.all(
        ["administratif", "medical", "soins", "orientation", "historique"].map((v) =>
          b.get(`${PATHS.dossier(created.module, created.numero)}?volet=${v}`),
        ),
      )),
    ];
    for (const p of pages) {
      expect(p.status).toBe(200);
      expect(p.text).not.toContain("<img src=x");
      expect(p.text).not.toContain("<script>x</script>");
      expect(p.text).not.toMatch(/onerror="alert/);
      expect(p.text).toContain(
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&quot;&amp;&lt;script&gt;x&lt;/script&gt;",
      );
    }
  });

  it("search by name or birth date, and by dossier number", async () => {
    const d = portal.admin.dossiers().find((x) => x.patient.prenom === "Charlie")!;
    const byName = await b.get(`${PATHS.search}?q=charlie`);
    expect(rows(byName).map((x) => x.numero)).toEqual([d.numero]);
    const [y, m, j] = d.patient.dateNaissance.split("-");
    const byDate = await b.get(`${PATHS.search}?q=${j}/${m}/${y}`);
    expect(rows(byDate).map((x) => x.numero)).toContain(d.numero);
    const byNumber = await b.get(`${PATHS.search}?numero=${d.numero.toLowerCase()}`);
    expect(byNumber.status).toBe(302);
    expect(byNumber.location).toBe(PATHS.dossier(d.module, d.numero));
    const none = await b.get(`${PATHS.search}?numero=XX-0000`);
    expect(rows(none)).toHaveLength(0);
  });
});

describe("dossier page", () => {
  it("has the volet tabs, and a read-only 'Accepter ce dossier' banner only for dossiers not accepted", async () => {
    const accepted = portal.admin.dossiers().find((x) => x.rattachement === "accepte")!;
    const p = await b.get(PATHS.dossier(accepted.module, accepted.numero));
    for (const v of ["administratif", "medical", "soins", "orientation", "historique"])
      expect(tagById(p.text, `volet-${v}`)).toBeDefined();
    expect(tagById(p.text, "bandeauAccepter")).toBeUndefined();
    expect(textById(p.text, "numeroDossier")).toBe(accepted.numero);
    const hors = portal.admin.dossiers().find((x) => x.rattachement === "a_accepter")!;
    const q = await b.get(`${PATHS.dossier(hors.module, hors.numero)}?volet=medical`);
    expect(tagById(q.text, "bandeauAccepter")).toBeDefined();
    expect(q.text).toContain('class="tab-panel volet read-only"');
    expect(tagById(q.text, "btnValiderVoletMedical")).toBeUndefined();
  });

  it("validating the volet médical completes the dossier", async () => {
    const d = portal.admin.dossiers().find((x) => x.rattachement === "accepte" && x.statut === "volet_medical")!;
    const path = PATHS.dossier(d.module, d.numero);
    const p = await b.get(`${path}?volet=medical`);
    expect(textById(p.text, "btnValiderVoletMedical")).toBe("Valider le volet médical");
    const r = await b.post(`${path}/ValiderVoletMedical`, { __RequestVerificationToken: csrf });
    const after = await b.follow(r);
    expect(textById(after.text, "statutDossier")).toBe("Complet");
    expect(portal.admin.changes().at(-1)).toMatchObject({ numero: d.numero, kind: "volet-medical" });
  });

  it("answers 404 for an unknown dossier or a wrong module", async () => {
    const d = portal.admin.dossiers().find((x) => x.module === "GrandAge")!;
    expect((await b.get(PATHS.dossier("Sanitaire", d.numero))).status).toBe(404);
    expect((await b.get(PATHS.dossier("GrandAge", "GA-0000-000000"))).status).toBe(404);
  });
});

describe("new dossier", () => {
  it("warns about a duplicate (names, birth date, sex) and creates only when confirmed", async () => {
    const twin = portal.admin.dossiers().find((x) => x.patient.prenom === "Bravo")!;
    const form = await b.get(`${PATHS.newDossier}?module=GrandAge`);
    const fields = {
      ...hiddenFields(form.text, "formNouveauDossier"),
      orientation: "EHPAD",
      nomNaissance: "testpatient",
      prenom: "Bravo",
      dateNaissance: twin.patient.dateNaissance,
      sexe: twin.patient.sexe,
    };
    const warn = await b.post(`${PATHS.newDossier}?module=GrandAge`, fields);
    expect(warn.status).toBe(200);
    expect(textById(warn.text, "alerteDoublon")).toContain(twin.numero);
    const before = portal.admin.dossiers().length;
    const ok = await b.post(`${PATHS.newDossier}?module=GrandAge`, { ...fields, confirmerDoublon: "1" });
    expect(ok.status).toBe(302);
    expect(portal.admin.dossiers()).toHaveLength(before + 1);
    const page = await b.follow(ok);
    expect(textById(page.text, "lblInfo")).toBe("Le dossier a été créé.");
  });
});
