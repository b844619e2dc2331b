// @vitest-environment happy-dom
/**
 * renderAllMarks on a large table: the first screen's marks are placed at once, the rest in later tasks; an abort
 * mid-way stops the chunks and removes every placed host (the page is left as it was).
 */
import { describe, expect, it } from "vitest";
import type { DossierRow } from "../portal/dashboard";
import { CHUNK_ROWS, FIRST_SCREEN_ROWS, MARK_TAG, type Mark, renderAllMarks } from "./dossier-feature";

function table(n: number): Array<readonly [DossierRow, Mark[]]> {
  const tbody = document.createElement("tbody");
  document.body.replaceChildren(document.createElement("table"));
  document.querySelector("table")!.append(tbody);
  const out: Array<readonly [DossierRow, Mark[]]> = [];
  for (let i = 0; i < n; i++) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.className = "col-numero";
    const a = document.createElement("a");
    a.textContent = `GA-2025-${String(i).padStart(6, "0")}`;
    td.append(a);
    tr.append(td);
    tbody.append(tr);
    const row = { numero: a.textContent, row: tr, group: tbody } as unknown as DossierRow;
    out.push([row, [{ feature: "dossier-new", text: "Nouveau", tone: "info", priority: 1 } as Mark]]);
  }
  return out;
}

describe("renderAllMarks", () => {
  const total = FIRST_SCREEN_ROWS + 2 * CHUNK_ROWS + 7;

  it("places the first screen synchronously and every row's marks once done", async () => {
    const entries = table(total);
    const r = renderAllMarks(entries, new AbortController().signal);
    expect(document.querySelectorAll(MARK_TAG).length).toBe(FIRST_SCREEN_ROWS);
    // The top of the table first: the first rows carry their marks.
    expect(entries[0]![0].row.querySelector(MARK_TAG)).not.toBeNull();
    expect(entries[FIRST_SCREEN_ROWS]![0].row.querySelector(MARK_TAG)).toBeNull();
    await r.done;
    expect(document.querySelectorAll(MARK_TAG).length).toBe(total);
    expect(r.hosts.length).toBe(total);
  });

  it("a small table is placed entirely at once", async () => {
    renderAllMarks(table(10), new AbortController().signal);
    expect(document.querySelectorAll(MARK_TAG).length).toBe(10);
  });

  it("an abort between chunks stops the rendering and removes what was placed", async () => {
    const ac = new AbortController();
    const r = renderAllMarks(table(total), ac.signal);
    ac.abort();
    await r.done;
    await new Promise((res) => setTimeout(res, 10));
    expect(document.querySelectorAll(MARK_TAG).length).toBe(0);
  });
});
