// @vitest-environment happy-dom
/**
 * The dossier overlay's features on the mock's dashboard fixture, with DOM edits standing in for the scripted day
 * (scripts/src/mock-portal/scenarios.ts): each change gets its mark, the summary lists and filters, « Tout marquer
 * comme vu » clears, aborting restores the page byte for byte. Shadow roots are opened for the test only (the
 * product attaches them closed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DossierMemory, VISIT_GAP_MS } from "../dossiers/diff-store";
import { runOverlay } from "../dossiers/run";
import { fixtureUrl, loadFixture } from "../portal/fixtures/load";
import { MARK_TAG } from "./dossier-feature";
import { SUMMARY_TAG } from "./dossier-summary";

const F = "mock-tdb-encours.html";
const T0 = Date.parse("2025-05-06T09:20:00Z");
const original = Element.prototype.attachShadow;
beforeAll(() => {
  Element.prototype.attachShadow = function (init: ShadowRootInit) {
    return original.call(this, { ...init, mode: "open" });
  };
});
afterAll(() => {
  Element.prototype.attachShadow = original;
});

function baseline(): DossierMemory {
  let saved: DossierMemory | undefined;
  const ac = new AbortController();
  runOverlay(
    {
      doc: loadFixture(F),
      url: fixtureUrl(F),
      memory: undefined,
      now: T0,
      save: async (m) => {
        saved = m;
      },
    },
    ac.signal,
  );
  ac.abort();
  return saved!;
}

/** The scripted day, on the page: an answer, a volet requested, a new dossier, a status change. */
function dayOf(doc: Document): void {
  doc
    .querySelector('tr.demande[data-parent="GA-2025-150010"][data-statut="lue"]')!
    .setAttribute("data-statut", "admission_proposee");
  const r = doc.querySelector('tr.dossier[data-dossier="GA-2025-083520"]')!;
  r.setAttribute("data-volet-medical", "a_completer");
  r.setAttribute("data-statut", "volet_medical");
  const copy = doc.querySelector('tbody[data-group="TND-2025-697108"]')!.cloneNode(true) as HTMLElement;
  copy.setAttribute("data-group", "SAN-2025-999999");
  copy.querySelector("tr.dossier")!.setAttribute("data-dossier", "SAN-2025-999999");
  for (const a of copy.querySelectorAll("a"))
    a.textContent = a.textContent!.replace("TND-2025-697108", "SAN-2025-999999");
  for (const d of copy.querySelectorAll("tr.demande")) d.setAttribute("data-parent", "SAN-2025-999999");
  doc.querySelector("#tdbDossiers")!.append(copy);
}

function summaryButtons(doc: Document): HTMLButtonElement[] {
  return [...doc.querySelector(SUMMARY_TAG)!.shadowRoot!.querySelectorAll<HTMLButtonElement>("button")];
}

describe("dossier overlay", () => {
  it("first visit: no change marks, but what is owed today (volets, archive soon) is shown", () => {
    const doc = loadFixture(F);
    const run = runOverlay(
      { doc, url: fixtureUrl(F), memory: undefined, now: T0, save: async () => {} },
      new AbortController().signal,
    )!;
    const features = new Set([...run.marks.values()].flat().map((m) => m.feature));
    expect(features.has("dossier-new")).toBe(false);
    expect(features.has("dossier-changed")).toBe(false);
    expect(features.has("dossier-volet-owed")).toBe(true);
    // India: unchanged since 2024-11-13 (~174 days).
    expect(run.marks.get("GA-2024-846625")?.map((m) => m.feature)).toContain("dossier-archive-soon");
  });

  it("after the day: each change has its mark, the summary lists them most action-worthy first", () => {
    const memory = baseline();
    const doc = loadFixture(F);
    dayOf(doc);
    const before = doc.querySelector("#tdbDossiers")!.outerHTML;
    const ac = new AbortController();
    const now = T0 + 2 * VISIT_GAP_MS;
    const run = runOverlay({ doc, url: fixtureUrl(F), memory, now, save: async () => {} }, ac.signal)!;
    const of = (n: string) => run.marks.get(n)?.map((m) => `${m.feature}:${m.text}`) ?? [];
    expect(of("SAN-2025-999999")).toContain("dossier-new:Nouveau");
    expect(of("GA-2025-150010")).toContain("dossier-answer:Admission proposée");
    expect(of("GA-2025-150010")).toContain("dossier-changed:Réponses");
    expect(of("GA-2025-083520")).toContain("dossier-changed:Statut modifié");
    expect(of("GA-2025-083520").some((t) => t.startsWith("dossier-volet-owed:"))).toBe(true);
    expect(run.marks.get("GA-2025-083520")!.find((m) => m.feature === "dossier-changed")!.detail).toBe(
      "Modifié : statut : Envoyé → Volet médical à compléter ; volet médical : Validé → À compléter",
    );
    // One closed host per marked row, inside the number's cell.
    expect(doc.querySelectorAll(MARK_TAG).length).toBe(run.marks.size);
    expect(doc.querySelector(`${MARK_TAG}[data-dossier="GA-2025-150010"]`)!.closest("td")!.className).toBe(
      "col-numero",
    );
    const labels = summaryButtons(doc).map((b) => b.textContent);
    expect(labels.slice(0, 2)).toEqual(["1 dossier a une nouvelle réponse", expect.stringMatching(/volets? médica/)]);
    expect(labels).toContain("1 nouveau dossier");
    expect(labels).toContain("2 dossiers modifiés");

    // Filter: only the answered dossier stays visible; pressing again (or Escape) shows all.
    const answer = summaryButtons(doc).find((b) => b.dataset.feature === "dossier-answer")!;
    answer.click();
    const visible = () =>
      [...doc.querySelectorAll<HTMLElement>("tbody.dossier-group")]
        .filter((g) => !g.hidden)
        .map((g) => g.dataset.group);
    expect(visible()).toEqual(["GA-2025-150010"]);
    expect(answer.getAttribute("aria-pressed")).toBe("true");
    answer.click();
    expect(visible()).toHaveLength(16);
    summaryButtons(doc)
      .find((b) => b.dataset.feature === "dossier-new")!
      .click();
    expect(visible()).toEqual(["SAN-2025-999999"]);
    doc
      .querySelector(SUMMARY_TAG)!
      .shadowRoot!.querySelector("section")!
      .dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(visible()).toHaveLength(16);

    // Aborting leaves the portal's table exactly as it was.
    answer.click();
    ac.abort();
    expect(doc.querySelector(SUMMARY_TAG)).toBeNull();
    expect(doc.querySelector("#tdbDossiers")!.outerHTML).toBe(before);
  });

  it("« Tout marquer comme vu » saves a memory with nothing left to mark", async () => {
    const memory = baseline();
    const doc = loadFixture(F);
    dayOf(doc);
    let acked: DossierMemory | undefined;
    const run = runOverlay(
      {
        doc,
        url: fixtureUrl(F),
        memory,
        now: T0 + 2 * VISIT_GAP_MS,
        save: async () => {},
        onAcknowledged: (m) => {
          acked = m;
        },
      },
      new AbortController().signal,
    )!;
    await run.env.acknowledge();
    const again = runOverlay(
      {
        doc: loadFixture(F),
        url: fixtureUrl(F),
        memory: acked,
        now: T0 + 2 * VISIT_GAP_MS + 1000,
        save: async () => {},
      },
      new AbortController().signal,
    );
    // (a fresh fixture lacks the day's edits, so it differs from what was acknowledged: only check the day's page)
    expect(again).toBeDefined();
    const doc2 = loadFixture(F);
    dayOf(doc2);
    const third = runOverlay(
      { doc: doc2, url: fixtureUrl(F), memory: acked, now: T0 + 2 * VISIT_GAP_MS + 2000, save: async () => {} },
      new AbortController().signal,
    )!;
    const kinds = [...third.marks.values()].flat().map((m) => m.feature);
    expect(kinds).not.toContain("dossier-new");
    expect(kinds).not.toContain("dossier-changed");
    expect(kinds).not.toContain("dossier-answer");
  });

  it("hors patientèle: requests to accept are marked, and no mark text names a patient", () => {
    const f = "mock-tdb-horspatientele.html";
    const run = runOverlay(
      { doc: loadFixture(f), url: fixtureUrl(f), memory: undefined, now: T0, save: async () => {} },
      new AbortController().signal,
    )!;
    const req = [...run.marks.values()].flat().filter((m) => m.feature === "dossier-patientele-request");
    expect(req).toHaveLength(3);
    expect(JSON.stringify([...run.marks.values()])).not.toMatch(/TESTPATIENT|TESTUSAGE/);
  });
});
