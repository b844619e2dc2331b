// @vitest-environment happy-dom
/**
 * The dossier reader on the mock's three tabs and on the hand-written real-shaped page: URL detector examples, tabs,
 * one typed row per dossier with the expected codes — and no patient name or birth date in any row.
 */
import { describe, expect, it } from "vitest";
import { isDashboardUrl, NOT_THE_DASHBOARD, readDashboard, readTabs, tabOfUrl } from "./dashboard";
import { URL_DETECTORS } from "./detectors";
import { fixtureUrl, loadFixture } from "./fixtures/load";

function read(name: string) {
  const d = readDashboard(fixtureUrl(name), loadFixture(name));
  if (!d) throw new Error(`${name}: not read as a dashboard`);
  return d;
}

describe("dashboard URL detector", () => {
  it("every example is the dashboard and no login-assistant page", () => {
    for (const e of isDashboardUrl.examples) {
      const u = new URL(e);
      expect(isDashboardUrl(u), e).toBe(true);
      for (const [name, d] of Object.entries(URL_DETECTORS)) expect(d(u), `${name}(${e})`).toBe(false);
    }
  });
  it("other pages are not the dashboard", () => {
    for (const e of NOT_THE_DASHBOARD) expect(isDashboardUrl(new URL(e)), e).toBe(false);
  });
  it("the tab from the URL", () => {
    expect(tabOfUrl(new URL(isDashboardUrl.examples[1]!))).toBe("annules");
    expect(tabOfUrl(new URL(isDashboardUrl.examples[0]!))).toBeUndefined();
  });
  it("a login page on the dashboard URL (expired session) is not a dashboard", () => {
    expect(readDashboard(new URL(isDashboardUrl.examples[0]!), loadFixture("mock-login-token.html"))).toBeUndefined();
  });
});

describe("tabs", () => {
  it("mock: the three tabs with their counters, the selected one by URL", () => {
    const d = read("mock-tdb-annules.html");
    expect(d.tab).toBe("annules");
    expect(d.tabs.map((t) => [t.tab, t.count, t.selected])).toEqual([
      ["encours", 15, false],
      ["annules", 6, true],
      ["horspatientele", 4, false],
    ]);
  });
  it("real-shaped: tabs by their words, selected by class", () => {
    const tabs = readTabs(loadFixture("real-shaped-tdb.html"));
    expect(tabs.map((t) => [t.tab, t.count, t.selected])).toEqual([
      ["encours", 3, true],
      ["annules", 1, false],
      ["horspatientele", 0, false],
    ]);
  });
});

describe("rows", () => {
  it("expected counts per tab", () => {
    expect(read("mock-tdb-encours.html").rows).toHaveLength(15);
    expect(read("mock-tdb-annules.html").rows).toHaveLength(6);
    expect(read("mock-tdb-horspatientele.html").rows).toHaveLength(4);
    expect(read("real-shaped-tdb.html").rows).toHaveLength(3);
  });

  it("mock rows carry the codes, answers and the last change", () => {
    const rows = read("mock-tdb-encours.html").rows;
    const alpha = rows.find((r) => r.numero === "GA-2025-150010")!;
    expect(alpha).toMatchObject({
      module: "GrandAge",
      orientation: "EHPAD",
      statut: "envoye",
      statutLabel: "Envoyé",
      rattachement: "accepte",
      volet: "valide",
    });
    expect(alpha.modifieLe).toMatch(/^2025-05-06T08:27:00/);
    expect(alpha.reponses.total).toBe(4);
    expect(alpha.reponses.counts).toEqual({ envoyee: 1, lue: 1, liste_attente: 1, refusee: 1 });
    expect(alpha.modifiePar).toBe("Famille (conjoint)");
    expect(alpha.group.tagName).toBe("TBODY");
    const codes = new Set(rows.map((r) => r.statut));
    expect(codes.has("inconnu")).toBe(false);
    expect(new Set(rows.map((r) => r.volet))).toEqual(new Set(["valide", "a_completer", "en_cours"]));
  });

  it("hors patientèle: to accept vs refused", () => {
    const rows = read("mock-tdb-horspatientele.html").rows;
    expect(rows.filter((r) => r.rattachement === "a_accepter")).toHaveLength(3);
    expect(rows.filter((r) => r.rattachement === "refuse")).toHaveLength(1);
  });

  it("real-shaped rows: columns by header, codes from labels, answers from the summary text", () => {
    const [a, b, c] = read("real-shaped-tdb.html").rows;
    expect(a).toMatchObject({
      numero: "GA-2025-000123",
      statut: "volet_medical",
      volet: "a_completer",
      orientation: "EHPAD",
    });
    expect(b).toMatchObject({
      numero: "GA-2025-000124",
      statut: "envoye",
      volet: "valide",
      modifiePar: "EHPAD Les Tilleuls",
    });
    expect(b!.reponses).toMatchObject({ total: 3, counts: { liste_attente: 1, refusee: 1, envoyee: 1 } });
    expect(c).toMatchObject({ statut: "redaction", volet: "en_cours" });
    expect(new Date(b!.modifieLe!).getMinutes()).toBe(5);
  });

  it("no row holds a patient name or a birth date", () => {
    for (const f of [
      "mock-tdb-encours.html",
      "mock-tdb-annules.html",
      "mock-tdb-horspatientele.html",
      "real-shaped-tdb.html",
    ]) {
      // Birth dates as the page shows them: the mock's `.ddn` spans, the real-shaped page's first cell.
      const births = [...loadFixture(f).querySelectorAll("td:first-child")].flatMap(
        (td) => td.textContent?.match(/\d{2}\/\d{2}\/\d{4}/g) ?? [],
      );
      expect(births.length, f).toBeGreaterThan(0);
      for (const r of read(f).rows) {
        const { row, group, ...data } = r;
        const text = JSON.stringify(data);
        expect(text, f).not.toMatch(/TESTPATIENT/);
        for (const birth of births) expect(text, f).not.toContain(birth);
      }
    }
  });

  it("the answer digest changes when one answer changes", () => {
    const doc = loadFixture("mock-tdb-encours.html");
    const url = fixtureUrl("mock-tdb-encours.html");
    const before = readDashboard(url, doc)!.rows.find((r) => r.numero === "GA-2025-150010")!.reponses.digest;
    doc
      .querySelector('tr.demande[data-parent="GA-2025-150010"][data-statut="lue"]')!
      .setAttribute("data-statut", "acceptee");
    const after = readDashboard(url, doc)!.rows.find((r) => r.numero === "GA-2025-150010")!.reponses.digest;
    expect(after).not.toBe(before);
  });
});
