// @vitest-environment happy-dom
/**
 * The background watch's cycle with fakes: a fake fetch serving the mock's saved tabs, happy-dom's DOMParser.
 * Counts only in the notification (even though the tables hold patient names), session expiry, badge priority.
 */
import { describe, expect, it } from "vitest";
import { fixtureHtml, parseHtml } from "../portal/fixtures/load";
import {
  combineBadge,
  dashboardUrl,
  effectiveIntervalMinutes,
  emptyCounts,
  type FetchedPage,
  notificationOf,
  runWatchCycle,
  type WatchSnapshot,
} from "./watch";

const ORIGIN = "http://127.0.0.1:39117";
const TAB_FILES = {
  encours: "mock-tdb-encours.html",
  annules: "mock-tdb-annules.html",
  horspatientele: "mock-tdb-horspatientele.html",
} as const;

function pages(edit: (tab: string, html: string) => string = (_t, h) => h) {
  const seen: string[] = [];
  return {
    seen,
    fetchPage: async (url: string): Promise<FetchedPage> => {
      seen.push(url);
      const tab = new URL(url).searchParams.get("onglet") as keyof typeof TAB_FILES;
      return { url, status: 200, redirected: false, text: edit(tab, fixtureHtml(TAB_FILES[tab])) };
    },
  };
}

function patientNames(): string[] {
  const names = new Set<string>();
  for (const f of Object.values(TAB_FILES))
    for (const m of fixtureHtml(f).matchAll(/data-patient="([^"]+)"/g)) {
      names.add(m[1]!);
      for (const w of m[1]!.split(/\s+/)) if (w.length > 3) names.add(w);
    }
  return [...names];
}

async function baseline(): Promise<WatchSnapshot> {
  const r = await runWatchCycle({ origin: ORIGIN, ...pages(), parseHtml, previous: undefined, now: 1_000 });
  if (r.kind !== "ok") throw new Error(r.kind);
  return r.snapshot;
}

describe("watch cycle", () => {
  it("reads the three tabs; the first cycle only remembers", async () => {
    const p = pages();
    const r = await runWatchCycle({ origin: ORIGIN, ...p, parseHtml, previous: undefined, now: 1_000 });
    expect(p.seen).toEqual([
      dashboardUrl(ORIGIN, "encours"),
      dashboardUrl(ORIGIN, "annules"),
      dashboardUrl(ORIGIN, "horspatientele"),
    ]);
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.first).toBe(true);
    expect(r.total).toBe(0);
    expect(Object.keys(r.snapshot.dossiers).length).toBe(15 + 6 + 4);
    expect(JSON.stringify(r.snapshot)).not.toMatch(/TEST(USAGE|PATIENT)/);
  });

  it("counts an answer and a volet owed; the notification has counts and no patient name", async () => {
    const previous = await baseline();
    const enc = fixtureHtml(TAB_FILES.encours);
    const numeros = [...enc.matchAll(/<tr class="dossier" data-dossier="([^"]+)"[^>]*data-volet-medical="valide"/g)];
    const answered = [...enc.matchAll(/<tr class="demande" data-parent="([^"]+)"[^>]*data-statut="envoyee"/g)];
    const a = answered[0]![1]!;
    const v = numeros.map((m) => m[1]!).find((n) => n !== a)!;
    const p = pages((tab, html) => {
      if (tab !== "encours") return html;
      return html
        .replace(new RegExp(`(<tr class="demande" data-parent="${a}"[^>]*data-statut=")envoyee"`), '$1acceptee"')
        .replace(new RegExp(`(data-dossier="${v}"[^>]*data-volet-medical=")valide"`), '$1a_completer"');
    });
    const r = await runWatchCycle({ origin: ORIGIN, ...p, parseHtml, previous, now: 2_000 });
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.counts.reponses).toBe(1);
    expect(r.counts.volets).toBe(1);
    expect(r.total).toBe(2);
    const n = notificationOf(r.counts)!;
    expect(n.message).toContain("1 dossier a une nouvelle réponse");
    expect(n.message).toContain("1 volet médical à compléter");
    const text = `${n.title}\n${n.message}`;
    const names = patientNames();
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(text).not.toContain(name);
    // nothing else either: only digits, fixed words
    expect(text).not.toMatch(/GA-|\d{9}/);
  });

  it("the notification speaks English when the interface does, with the same counts", async () => {
    const counts = { ...emptyCounts(), reponses: 2, nouveaux: 1 };
    const en = notificationOf(counts, "en")!;
    expect(en.title).toBe("ViaTrajectoire: news on your dossiers");
    expect(en.message).toBe("2 dossiers have a new answer\n1 new dossier");
    expect(notificationOf(counts)!.message).toBe("2 dossiers ont une nouvelle réponse\n1 nouveau dossier");
  });

  it("no change: no notification", async () => {
    const previous = await baseline();
    const r = await runWatchCycle({ origin: ORIGIN, ...pages(), parseHtml, previous, now: 2_000 });
    expect(r.kind === "ok" && r.total).toBe(0);
    expect(notificationOf(r.kind === "ok" ? r.counts : ({} as never))).toBeUndefined();
  });

  it("a redirect to the login page is an expired session (stops at the first tab)", async () => {
    const previous = await baseline();
    let calls = 0;
    const login = `${ORIGIN}/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire`;
    const r = await runWatchCycle({
      origin: ORIGIN,
      fetchPage: async () => {
        calls++;
        return { url: login, status: 200, redirected: true, text: fixtureHtml("mock-login-real.html") };
      },
      parseHtml,
      previous,
      now: 2_000,
    });
    expect(r).toEqual({ kind: "expired", status: 200, url: login });
    expect(calls).toBe(1);
  });

  it("the login page served on the dashboard URL is also expired; 401 too", async () => {
    const r1 = await runWatchCycle({
      origin: ORIGIN,
      fetchPage: async (url) => ({ url, status: 200, redirected: false, text: fixtureHtml("mock-login-real.html") }),
      parseHtml,
      previous: undefined,
      now: 1,
    });
    expect(r1.kind).toBe("expired");
    const r2 = await runWatchCycle({
      origin: ORIGIN,
      fetchPage: async (url) => ({ url, status: 401, redirected: false, text: "" }),
      parseHtml,
      previous: undefined,
      now: 1,
    });
    expect(r2.kind).toBe("expired");
  });

  it("a network failure is an error, not an expiry", async () => {
    const r = await runWatchCycle({
      origin: ORIGIN,
      fetchPage: async () => {
        throw new TypeError("Failed to fetch");
      },
      parseHtml,
      previous: undefined,
      now: 1,
    });
    expect(r.kind).toBe("error");
  });
});

describe("badge priority and interval", () => {
  const problems = ["#B42318", "#B54708"];
  it("a card problem wins over the watch", () => {
    const card = { text: "!", color: "#B42318", title: "PIN bloqué" };
    expect(combineBadge(card, { expired: false, pending: 3 }, problems)).toBe(card);
    expect(combineBadge(card, { expired: true, pending: 0 }, problems)).toBe(card);
  });
  it("the watch count and expiry over a calm card badge", () => {
    const card = { text: "OK", color: "#067647", title: "Prêt" };
    expect(combineBadge(card, { expired: false, pending: 3 }, problems).text).toBe("3");
    expect(combineBadge(card, { expired: true, pending: 3 }, problems).text).toBe("EXP");
    expect(combineBadge(card, { expired: false, pending: 0 }, problems)).toBe(card);
    expect(combineBadge(card, { expired: false, pending: 250 }, problems).text).toBe("99+");
  });
  it("never under 15 min unless the build is a test build", () => {
    expect(effectiveIntervalMinutes(5, undefined, false)).toBe(15);
    expect(effectiveIntervalMinutes(30, 10, false)).toBe(30);
    expect(effectiveIntervalMinutes(30, 10, true)).toBeCloseTo(10 / 60);
    expect(effectiveIntervalMinutes(Number.NaN, undefined, false)).toBe(30);
  });
});
