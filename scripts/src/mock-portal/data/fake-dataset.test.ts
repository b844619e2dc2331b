import { describe, expect, it } from "vitest";
import { generateDataset, INACTIVITY_ALERT_DAYS } from "./fake-dataset";
import { DEMANDE_STATUTS, DOSSIER_STATUTS, MODULES, ongletOf } from "./model";

const NOW = new Date("2025-05-06T09:15:00Z");
const DAY = 86_400_000;

describe("fake data set (viatrajectoire.md §8.3)", () => {
  const ds = generateDataset({ now: NOW });

  it("has 25 dossiers: 15 in progress, 6 cancelled or archived, 4 hors patientèle", () => {
    expect(ds).toHaveLength(25);
    const by = (o: string) => ds.filter((d) => ongletOf(d) === o).length;
    expect([by("encours"), by("annules"), by("horspatientele")]).toEqual([15, 6, 4]);
    expect(new Set(ds.map((d) => d.numero)).size).toBe(25);
  });

  it("covers all three modules, every dossier status and every establishment answer", () => {
    expect(new Set(ds.map((d) => d.module))).toEqual(new Set(MODULES));
    expect(new Set(ds.map((d) => d.statut))).toEqual(new Set(Object.keys(DOSSIER_STATUTS)));
    expect(new Set(ds.flatMap((d) => d.demandes.map((x) => x.statut)))).toEqual(new Set(Object.keys(DEMANDE_STATUTS)));
    expect(new Set(ds.map((d) => d.rattachement))).toEqual(new Set(["accepte", "a_accepter", "refuse"]));
  });

  it("has one duplicate pair by the duplicate rule (names, birth date, sex)", () => {
    const key = (d: (typeof ds)[number]) =>
      `${d.patient.nomNaissance}|${d.patient.prenom}|${d.patient.dateNaissance}|${d.patient.sexe}`;
    const groups = new Map<string, number>();
    for (const d of ds) groups.set(key(d), (groups.get(key(d)) ?? 0) + 1);
    expect([...groups.values()].filter((n) => n > 1)).toEqual([2]);
  });

  it("has one dossier in progress close to the 6-month inactivity limit", () => {
    const near = ds.filter((d) => {
      const idle = (NOW.getTime() - Date.parse(d.modifieLe)) / DAY;
      return ongletOf(d) === "encours" && idle > INACTIVITY_ALERT_DAYS - 15 && idle < INACTIVITY_ALERT_DAYS;
    });
    expect(near).toHaveLength(1);
  });

  it("has an admitted dossier whose sibling requests were cancelled automatically", () => {
    const admitted = ds.find((d) => d.statut === "admis")!;
    expect(admitted.demandes.filter((x) => x.statut === "admis")).toHaveLength(1);
    const others = admitted.demandes.filter((x) => x.statut !== "admis");
    expect(others.length).toBeGreaterThanOrEqual(2);
    for (const x of others) {
      expect(x.statut).toBe("annulee");
      expect(x.motif).toMatch(/admission dans un autre établissement/);
    }
  });

  it("uses obviously fictitious identities and FINESS numbers", () => {
    for (const d of ds) {
      expect(d.patient.nomNaissance).toBe("TESTPATIENT");
      for (const x of d.demandes) expect(x.finess).toMatch(/^99\d{7}$/);
    }
  });

  it("keeps dates consistent: created ≤ answers ≤ last modification ≤ now", () => {
    for (const d of ds) {
      expect(Date.parse(d.creeLe)).toBeLessThanOrEqual(Date.parse(d.modifieLe));
      expect(Date.parse(d.modifieLe)).toBeLessThanOrEqual(NOW.getTime());
      for (const x of d.demandes) {
        expect(Date.parse(x.dateEnvoi)).toBeGreaterThanOrEqual(Date.parse(d.creeLe));
        expect(Date.parse(x.dateStatut)).toBeLessThanOrEqual(Date.parse(d.modifieLe));
      }
      if (d.module === "TND") {
        const age = (NOW.getTime() - Date.parse(d.patient.dateNaissance)) / (365.25 * DAY);
        expect(age).toBeLessThan(7); // TND: 0 to 6 years inclusive (guide excerpt)
      }
    }
  });

  it("is deterministic for a seed and a date, and moves with the clock", () => {
    expect(generateDataset({ now: NOW })).toEqual(ds);
    const other = generateDataset({ now: NOW, seed: 7 });
    expect(other.map((d) => d.numero)).not.toEqual(ds.map((d) => d.numero));
    const later = generateDataset({ now: new Date(NOW.getTime() + 30 * DAY) });
    expect(Date.parse(later[0]!.modifieLe) - Date.parse(ds[0]!.modifieLe)).toBe(30 * DAY);
  });
});
