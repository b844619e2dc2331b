// @vitest-environment happy-dom
/** The dossier memory and its diff, on the mock's fixtures with edits standing in for a scripted day. */
import { describe, expect, it } from "vitest";
import { readDashboard } from "../portal/dashboard";
import { fixtureUrl, loadFixture } from "../portal/fixtures/load";
import { acknowledge, FORGET_AFTER_MS, isMemory, observe, VISIT_GAP_MS } from "./diff-store";

const F = "mock-tdb-encours.html";
const T0 = Date.parse("2025-05-06T09:20:00Z");
const ALPHA = "GA-2025-150010";

function page() {
  const doc = loadFixture(F);
  return { doc, read: () => readDashboard(fixtureUrl(F), doc)! };
}

describe("dossier memory", () => {
  it("first visit: remembers everything, marks nothing", () => {
    const { read } = page();
    const o = observe(undefined, "encours", read().rows, T0);
    expect(o.firstVisit).toBe(true);
    expect(o.diffs.size).toBe(0);
    expect(Object.keys(o.memory.current)).toHaveLength(15);
  });

  it("next visit: new, changed status / volet / answer are marked, and stay through a reload", () => {
    const p = page();
    const first = observe(undefined, "encours", p.read().rows, T0).memory;
    // The day: an answer, a volet requested, a new dossier (a copy of a row with another number).
    p.doc
      .querySelector(`tr.demande[data-parent="${ALPHA}"][data-statut="lue"]`)!
      .setAttribute("data-statut", "acceptee");
    const bravo = p.doc.querySelector('tr.dossier[data-dossier="GA-2025-024268"]')!;
    bravo.setAttribute("data-volet-medical", "a_completer");
    bravo.setAttribute("data-statut", "volet_medical");
    const copy = p.doc.querySelector(`tbody[data-group="TND-2025-697108"]`)!.cloneNode(true) as HTMLElement;
    copy.querySelector("tr.dossier")!.setAttribute("data-dossier", "SAN-2025-999999");
    for (const d of copy.querySelectorAll("tr.demande")) d.setAttribute("data-parent", "SAN-2025-999999");
    p.doc.querySelector("#tdbDossiers")!.append(copy);

    const later = T0 + 2 * VISIT_GAP_MS;
    const o = observe(first, "encours", p.read().rows, later);
    expect(o.firstVisit).toBe(false);
    expect(o.diffs.get("SAN-2025-999999")?.kind).toBe("new");
    expect(o.diffs.get(ALPHA)).toMatchObject({
      kind: "changed",
      changes: [{ field: "reponses" }],
      newAnswers: ["acceptee"],
    });
    expect(o.diffs.get("GA-2025-024268")!.changes.map((c) => c.field)).toEqual(["statut", "volet"]);
    expect(o.diffs.size).toBe(3);

    // A reload a minute later (same visit): the same marks.
    const again = observe(o.memory, "encours", p.read().rows, later + 60_000);
    expect([...again.diffs.keys()].sort()).toEqual([...o.diffs.keys()].sort());
    // « Tout marquer comme vu »: nothing left.
    expect(observe(acknowledge(again.memory), "encours", p.read().rows, later + 120_000).diffs.size).toBe(0);
    // The next visit starts from what this one saw.
    expect(observe(again.memory, "encours", p.read().rows, later + 3 * VISIT_GAP_MS).diffs.size).toBe(0);
  });

  it("a tab read for the first time is remembered, not marked new", () => {
    const first = observe(undefined, "encours", page().read().rows, T0).memory;
    const doc = loadFixture("mock-tdb-annules.html");
    const o = observe(first, "annules", readDashboard(fixtureUrl("mock-tdb-annules.html"), doc)!.rows, T0 + 1000);
    expect(o.firstVisit).toBe(true);
    expect(o.diffs.size).toBe(0);
    expect(o.memory.tabs).toEqual(["encours", "annules"]);
  });

  it("dossiers unseen for 90 days are dropped; the input memory is not changed", () => {
    const first = observe(undefined, "encours", page().read().rows, T0).memory;
    const copy = JSON.stringify(first);
    const o = observe(first, "annules", [], T0 + FORGET_AFTER_MS + 1);
    expect(Object.keys(o.memory.current)).toHaveLength(0);
    expect(JSON.stringify(first)).toBe(copy);
  });

  it("stores only numbers, codes, digests and instants — no name, no date of birth, no text", () => {
    const m = observe(undefined, "encours", page().read().rows, T0).memory;
    expect(isMemory(JSON.parse(JSON.stringify(m)))).toBe(true);
    const json = JSON.stringify(m);
    expect(json).not.toMatch(/TESTPATIENT|TESTUSAGE|EHPAD|Famille|\//);
    for (const snap of Object.values(m.current))
      expect(Object.keys(snap).sort()).toEqual(expect.arrayContaining(["c", "d", "r", "s", "seen", "t", "v"]));
  });
});
