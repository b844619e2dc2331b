/** The test-only admin API (`/__admin/…`, JSON) and its in-process twin. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockPortal, type MockPortal } from "./portal";
import { adminFetch } from "./testing/admin";
import { TestBrowser } from "./testing/browser";
import { loggedIn, passwordStep } from "./testing/flows";

let portal: MockPortal;
const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  adminFetch(`${portal.url}/__admin${path}`, {
    method: init.method ?? "GET",
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

beforeAll(async () => {
  portal = createMockPortal({ now: "2025-05-06T09:15:00Z" });
  await portal.start();
});
afterAll(() => portal.stop());
beforeEach(() => portal.admin.reset());

describe("admin API", () => {
  it("state", async () => {
    const r = await api("/state");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const s = (await r.json()) as Record<string, unknown>;
    expect(s).toMatchObject({
      url: portal.url,
      mode: "token",
      counts: { encours: 15, annules: 6, horspatientele: 4 },
      dossiers: 25,
      mailDelayMs: 0,
      sessionIdleMinutes: 30,
    });
    expect(Date.parse(s.now as string) - Date.parse("2025-05-06T09:15:00Z")).toBeLessThan(60_000);
  });

  it("moves the clock forward (body or query) and refuses nonsense", async () => {
    const t0 = portal.clock.nowMs();
    const r = (await (await api("/clock/advance", { method: "POST", body: { hours: 2 } })).json()) as { now: string };
    expect(Date.parse(r.now) - t0).toBeGreaterThanOrEqual(2 * 3_600_000);
    const q = await adminFetch(`${portal.url}/__admin/advance?minutes=10`, { method: "POST" });
    expect(q.status).toBe(200);
    expect(portal.clock.nowMs() - t0).toBeGreaterThanOrEqual(2 * 3_600_000 + 600_000);
    expect((await api("/clock/advance", { method: "POST", body: { minutes: -1 } })).status).toBe(400);
    expect((await api("/clock/advance", { method: "POST", body: {} })).status).toBe(400);
    expect((await api("/clock/set", { method: "POST", body: { now: "2026-01-01T00:00:00Z" } })).status).toBe(200);
    expect(portal.clock.now().getUTCFullYear()).toBe(2026);
    expect((await api("/clock/set", { method: "POST", body: { now: "soon" } })).status).toBe(400);
  });

  it("reads, changes and adds dossiers, with clear errors", async () => {
    const list = (await (await api("/dossiers")).json()) as { numero: string; statut: string }[];
    expect(list).toHaveLength(25);
    const n = list.find((d) => d.statut === "complet")!.numero;
    expect((await api(`/dossiers/${n}`)).status).toBe(200);
    expect((await api("/dossiers/NOPE")).status).toBe(404);
    expect((await api(`/dossiers/${n}`, { method: "PATCH", body: { statut: "bogus" } })).status).toBe(400);
    expect((await api(`/dossiers/${n}`, { method: "PATCH", body: {} })).status).toBe(400);
    const changed = (await (
      await api(`/dossiers/${n}`, {
        method: "PATCH",
        body: { voletMedical: { etat: "en_cours" }, par: "DAC 69 Test Nord" },
      })
    ).json()) as Record<string, unknown>;
    expect(changed).toMatchObject({ modifiePar: "DAC 69 Test Nord", voletMedical: { etat: "en_cours" } });
    const answered = (await (
      await api(`/dossiers/${n}/demandes`, {
        method: "POST",
        body: { etablissement: "EHPAD Test", statut: "acceptee" },
      })
    ).json()) as { demandes: { statut: string }[]; statut: string };
    expect(answered.demandes.at(-1)!.statut).toBe("acceptee");
    expect(answered.statut).toBe("envoye");
    expect((await api(`/dossiers/${n}/demandes`, { method: "POST", body: { statut: "nope" } })).status).toBe(400);
    expect((await api("/dossiers", { method: "POST", body: { orientation: "XYZ" } })).status).toBe(400);
    const ev = await api("/event", { method: "POST", body: { type: "dossier", numero: n, statut: "archive" } });
    expect(await ev.json()).toMatchObject({ statut: "archive" });
    expect((await api("/event", { method: "POST", body: { type: "nope" } })).status).toBe(400);
    const changes = (await (await api("/changes?since=1")).json()) as { seq: number }[];
    expect(changes.map((c) => c.seq)).toEqual([2, 3]);
    expect((await adminFetch(`${portal.url}/__admin/dossiers`, { method: "POST", body: "not json" })).status).toBe(400);
  });

  it("reads the last mail and OTP, lists sessions without usable ids, and expires them", async () => {
    expect((await api("/otp/last")).status).toBe(404);
    const { b } = await loggedIn(portal);
    const otp = (await (await api("/otp/last")).json()) as Record<string, unknown>;
    expect(otp).toMatchObject({ to: "cps@test.local", subject: "[ViaTrajectoire] Connexion OTP", delivered: true });
    expect(otp.code).toMatch(/^\d{6}$/);
    const mail = (await (await api("/mail/last")).json()) as Record<string, unknown>;
    expect(mail.raw).toBeUndefined();
    expect(((await (await api("/mail/last?raw=1")).json()) as { raw: string }).raw).toMatch(/^Return-Path:/);
    const sessions = (await (await api("/sessions")).json()) as { id: string; accountId: string | null }[];
    const mine = sessions.find((s) => s.accountId === "899700218896")!;
    expect(mine.id).toMatch(/^.{6}…$/);
    expect(b.cookies.get("ASP.NET_SessionId")!.startsWith(mine.id.slice(0, 6))).toBe(true);
    expect(await (await api("/sessions", { method: "DELETE" })).json()).toMatchObject({ expired: sessions.length });
    expect((await b.get("/Trajectoire/pages/AccesRestreint/Angular/App.aspx/MedecinLiberal/TDB")).status).toBe(302);
  });

  it("adds an account that can then log in", async () => {
    const r = await api("/accounts", {
      method: "POST",
      body: {
        nationalId: "810000000025",
        surname: "NOUVEAU",
        givenName: "Sam",
        email: "sam@test.local",
        password: "pw-Test-1",
      },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).not.toHaveProperty("passwordHash");
    const b = new TestBrowser(portal.url);
    expect((await passwordStep(b, undefined, { username: "810000000025", password: "pw-Test-1" })).status).toBe(302);
    expect(portal.admin.lastOtp()!.to).toBe("sam@test.local");
    expect((await api("/accounts", { method: "POST", body: { nationalId: "8" } })).status).toBe(400);
  });

  it("reset brings back the data set, the clock and the mode, and forgets mail and sessions", async () => {
    await loggedIn(portal);
    await api("/cps-mode", { method: "POST", body: { mode: "real" } });
    portal.admin.advanceClock(86_400_000);
    const n = portal.admin.dossiers()[0]!.numero;
    portal.admin.changeDossier(n, { statut: "archive" });
    const s = (await (await api("/reset", { method: "POST" })).json()) as Record<string, unknown>;
    expect(s).toMatchObject({ mode: "token", sessions: 0, counts: { encours: 15, annules: 6, horspatientele: 4 } });
    expect(Math.abs(portal.clock.nowMs() - Date.parse("2025-05-06T09:15:00Z"))).toBeLessThan(60_000);
    expect(portal.admin.mails()).toEqual([]);
    expect(portal.admin.dossier(n).statut).not.toBe("archive");
  });

  it("refuses what a web page could send: a form-like POST (no JSON type) and a foreign Host", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await fetch(`${portal.url}/__admin/cps-mode`, {
        method: "POST",
        headers: { "Content-Type": type },
        body: '{"mode":"real"}',
      });
      expect(r.status).toBe(415);
    }
    expect((await fetch(`${portal.url}/__admin/reset`, { method: "POST" })).status).toBe(415);
    expect(portal.admin.state().mode).toBe("token");
    const { request } = await import("node:http");
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: portal.port, path: "/__mailbox", headers: { Host: "rebound.example:80" } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it("unknown admin routes answer JSON 404; wrong methods 405", async () => {
    const r = await api("/nope");
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: "not found" });
    expect((await api("/state", { method: "DELETE" })).status).toBe(405);
  });

  it("can be turned off", async () => {
    const p = createMockPortal({ admin: false });
    await p.start();
    try {
      expect((await fetch(`${p.url}/__admin/state`)).status).toBe(404);
      expect((await fetch(`${p.url}/__mailbox`)).status).toBe(404);
      expect((await fetch(`${p.url}/Trajectoire/`)).status).toBe(200);
    } finally {
      await p.stop();
    }
  });
});
