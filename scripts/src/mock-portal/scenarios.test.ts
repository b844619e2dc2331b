/** The issue-12 scenarios over HTTP: the scripted day's five changes, and the 2,000-dossier account. */
import { afterEach, describe, expect, it } from "vitest";
import { createMockPortal, type MockPortal } from "./portal";

let portal: MockPortal | undefined;
afterEach(async () => {
  await portal?.stop();
  portal = undefined;
});

async function post(base: string, path: string, body: unknown) {
  const r = await fetch(`${base}/__admin${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe("scenarios", () => {
  it("scripted day: a new dossier, an answer, a volet requested, an archive, a new request to accept", async () => {
    portal = createMockPortal({ mode: "token", now: "2025-05-06T09:15:00Z" });
    const base = await portal.start();
    const before = portal.admin.state().counts;
    const { status, body } = await post(base, "/scenario/day", {});
    expect(status).toBe(200);
    const steps = body.steps as { kind: string; numero: string; at: string }[];
    expect(steps.map((s) => s.kind)).toEqual([
      "nouveau-dossier",
      "reponse",
      "volet-demande",
      "archive",
      "demande-patientele",
    ]);
    const by = Object.fromEntries(steps.map((s) => [s.kind, portal!.admin.dossier(s.numero)]));
    expect(by["nouveau-dossier"]!.rattachement).toBe("accepte");
    expect(by.reponse!.demandes.some((x) => x.statut === "acceptee")).toBe(true);
    expect(by["volet-demande"]!.voletMedical.etat).toBe("a_completer");
    expect(by.archive!.statut).toBe("archive");
    expect(by["demande-patientele"]!.rattachement).toBe("a_accepter");
    const after = portal.admin.state().counts;
    // +1 new −1 archived in progress; +1 archived; +1 to accept.
    expect(after).toEqual({
      encours: before.encours,
      annules: before.annules + 1,
      horspatientele: before.horspatientele + 1,
    });
    // The mock clock also runs in real time between steps.
    const elapsed = new Date(portal.admin.state().now).getTime() - Date.parse("2025-05-06T09:15:00Z");
    expect(elapsed).toBeGreaterThanOrEqual(5 * 3_600_000);
    expect(elapsed).toBeLessThan(5 * 3_600_000 + 60_000);
  });

  it("bulk: the portal holds 2,000 dossiers; bad totals are refused", async () => {
    portal = createMockPortal({ mode: "token", now: "2025-05-06T09:15:00Z" });
    const base = await portal.start();
    const { body } = await post(base, "/scenario/bulk", { total: 2000 });
    expect(body).toEqual({ total: 2000, added: 1975 });
    expect(portal.admin.dossiers()).toHaveLength(2000);
    expect((await post(base, "/scenario/bulk", { total: 0 })).status).toBe(400);
    expect((await post(base, "/scenario/bulk", { total: 20_000 })).status).toBe(400);
  });
});
