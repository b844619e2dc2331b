import { describe, expect, it } from "vitest";
import { MockClock } from "../clock";
import { DossierStore, StoreError } from "./store";

const make = () => {
  const clock = new MockClock(new Date("2025-05-06T09:15:00Z"));
  return { clock, store: new DossierStore(clock) };
};
const first = (store: DossierStore, pred: Parameters<Array<ReturnType<DossierStore["list"]>[number]>["find"]>[0]) =>
  store.list().find(pred)!;

describe("DossierStore", () => {
  it("accept moves a dossier from hors patientèle to en cours and logs it", () => {
    const { store } = make();
    const d = first(store, (x) => x.rattachement === "a_accepter");
    const before = store.counts();
    store.accept(d.numero);
    expect(store.counts()).toEqual({
      ...before,
      encours: before.encours + 1,
      horspatientele: before.horspatientele - 1,
    });
    expect(d.historique.at(-1)!.action).toMatch(/Dossier accepté/);
    expect(store.changes()).toMatchObject([{ seq: 1, numero: d.numero, kind: "rattachement" }]);
    expect(() => store.accept(d.numero)).toThrow(StoreError);
  });

  it("refuse keeps the dossier in the third tab as refused", () => {
    const { store } = make();
    const d = first(store, (x) => x.rattachement === "a_accepter");
    store.refuse(d.numero);
    expect(d.rattachement).toBe("refuse");
    expect(store.byOnglet("horspatientele")).toContain(d);
  });

  it("an admission cancels the other pending requests and makes the dossier Admis", () => {
    const { store, clock } = make();
    const d = first(
      store,
      (x) => x.statut === "envoye" && x.demandes.length >= 3 && x.demandes.some((y) => y.statut === "refusee"),
    );
    const target = d.demandes.find((y) => y.statut === "liste_attente") ?? d.demandes[0]!;
    clock.advance(60_000);
    store.answer(d.numero, { finess: target.finess, statut: "admis" });
    expect(d.statut).toBe("admis");
    for (const y of d.demandes) {
      if (y === target) expect(y.statut).toBe("admis");
      else if (y.statut !== "refusee") {
        expect(y.statut).toBe("annulee");
        expect(y.motif).toMatch(/admission dans un autre établissement/);
      }
    }
    expect(Math.abs(Date.parse(d.modifieLe) - clock.nowMs())).toBeLessThan(1000);
    expect(d.modifiePar).toBe(target.etablissement);
  });

  it("a new FINESS adds a request; validation errors are 400", () => {
    const { store } = make();
    const d = first(store, (x) => x.statut === "complet");
    store.answer(d.numero, { finess: "991234567", etablissement: "EHPAD Nouveau", statut: "lue" });
    expect(d.demandes.at(-1)).toMatchObject({ finess: "991234567", etablissement: "EHPAD Nouveau", statut: "lue" });
    expect(d.statut).toBe("envoye");
    expect(() => store.answer(d.numero, { statut: "bogus" })).toThrow(/statut must be one of/);
    expect(() => store.update(d.numero, {})).toThrow(/nothing to change/);
    expect(() => store.update("nope", { statut: "annule" })).toThrow(/not found/);
  });

  it("update changes the status, the volet médical, and cancels open requests on annulation", () => {
    const { store } = make();
    const d = first(store, (x) => x.statut === "envoye" && x.demandes.some((y) => y.statut === "envoyee"));
    store.update(d.numero, { statut: "annule", motif: "Décision de la famille" });
    expect(d.motifAnnulation).toBe("Décision de la famille");
    expect(d.demandes.every((y) => ["annulee", "refusee", "admis"].includes(y.statut))).toBe(true);
    const e = first(store, (x) => x.voletMedical.etat === "a_completer" && x.rattachement === "accepte");
    store.update(e.numero, { voletMedical: { etat: "valide", antecedents: ["HTA"] } });
    expect(e.voletMedical).toMatchObject({ etat: "valide", antecedents: ["HTA"] });
    expect(e.voletMedical.valideLe).toBeDefined();
  });

  it("validateVoletMedical needs an accepted dossier and completes it", () => {
    const { store } = make();
    const hors = first(store, (x) => x.rattachement === "a_accepter");
    expect(() => store.validateVoletMedical(hors.numero)).toThrow(/accept the dossier first/);
    const d = first(store, (x) => x.rattachement === "accepte" && x.statut === "volet_medical");
    store.validateVoletMedical(d.numero);
    expect(d.statut).toBe("complet");
    expect(d.voletMedical.etat).toBe("valide");
  });

  it("add creates a dossier with defaults and a log entry; search and duplicates find it", () => {
    const { store } = make();
    const d = store.add({ patient: { prenom: "Zoé", dateNaissance: "1936-02-03", sexe: "F" }, orientation: "USLD" });
    expect(d).toMatchObject({
      module: "GrandAge",
      orientation: "USLD",
      rattachement: "a_accepter",
      statut: "volet_medical",
    });
    expect(store.counts().horspatientele).toBe(5);
    expect(store.search("testpatient zoe")).toEqual([d]);
    expect(store.search("03/02/1936")).toEqual([d]);
    expect(
      store.duplicatesOf({ nomNaissance: "TESTPATIENT", prenom: "Zoe", dateNaissance: "1936-02-03", sexe: "F" }),
    ).toEqual([d]);
    expect(() => store.add({ numero: d.numero })).toThrow(/exists/);
  });

  it("reset regenerates the same data set and clears the change log", () => {
    const { store } = make();
    const numbers = store.list().map((d) => d.numero);
    store.accept(first(store, (x) => x.rattachement === "a_accepter").numero);
    store.reset();
    expect(store.list().map((d) => d.numero)).toEqual(numbers);
    expect(store.changes()).toEqual([]);
  });
});
