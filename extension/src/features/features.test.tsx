// @vitest-environment happy-dom
/**
 * The portal features on the saved pages (portal/fixtures/): where each puts its box, that the box is in a closed
 * shadow root the page cannot read, that aborting leaves the page as it was, and the pre-flight's decisions.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detectPortalPage } from "../portal/detectors";
import { fixtureHtml, fixtureUrl, loadFixture } from "../portal/fixtures/load";
import type { LiveState } from "../portal/live-state";
import { HOST_TAG } from "../portal/shadow-host";
import { DEFAULT_SETTINGS } from "../shared/settings";
import type { ExtensionState } from "../shared/state";
import { STATES } from "../test-support/portal-states";
import { originEnabled } from "./assistant";
import cpsFailureTakeover, { loginUrlFor } from "./cps-failure-takeover";
import cpsLoginPanel from "./cps-login-panel";
import cpsPreflight from "./cps-preflight";
import { type FeatureEnv, type PortalFeature, runFeatures } from "./feature";
import { FEATURES } from "./index";
import loginMethodFocus from "./login-method-focus";

/** The shadow roots the features attach, captured for the test (the page itself gets null from host.shadowRoot). */
let roots: ShadowRoot[];
beforeEach(() => {
  roots = [];
  const original = Element.prototype.attachShadow;
  vi.spyOn(Element.prototype, "attachShadow").mockImplementation(function (this: Element, init: ShadowRootInit) {
    const r = original.call(this, init);
    roots.push(r);
    return r;
  });
});
afterEach(() => vi.restoreAllMocks());

function fakeLive(initial: ExtensionState | undefined) {
  let state = initial;
  const listeners = new Set<(s: ExtensionState) => void>();
  const live: LiveState = {
    current: () => state,
    subscribe(l, signal) {
      listeners.add(l);
      signal.addEventListener("abort", () => listeners.delete(l));
      if (state) l(state);
    },
  };
  return {
    live,
    push(s: ExtensionState) {
      state = s;
      for (const l of listeners) l(s);
    },
  };
}

function envFor(doc: Document, url: URL, state: ExtensionState | undefined = STATES.ready) {
  const f = fakeLive(state);
  const send = vi.fn(async () => ({ ok: true }) as never);
  const env: FeatureEnv = {
    doc,
    url,
    page: detectPortalPage(url, doc),
    live: f.live,
    send,
    fallbackLang: "fr",
    bus: new EventTarget(),
  };
  return { env, send, push: f.push };
}

function fixtureEnv(name: string, state?: ExtensionState, hash = "") {
  const url = fixtureUrl(name);
  url.hash = hash;
  return envFor(loadFixture(name), url, state);
}

const panelOf = (i = 0) => roots[i]!.querySelector<HTMLElement>("[data-cps-panel]")!;

describe("cps-login-panel", () => {
  it("token login page: a host right after the portal's card button, closed to the page", () => {
    const { env } = fixtureEnv("mock-login-token.html");
    const ctl = new AbortController();
    cpsLoginPanel.init(env, ctl.signal);
    const host = env.doc.getElementById("btnCPS")!.nextElementSibling as HTMLElement;
    expect(host.tagName.toLowerCase()).toBe(HOST_TAG);
    expect(host.shadowRoot).toBeNull();
    expect(roots).toHaveLength(1);
    expect(panelOf().dataset.mode).toBe("token");
    expect(panelOf().dataset.situation).toBe("ready");
    // Nothing of what the panel shows is in the page's own DOM.
    expect(env.doc.body.textContent).not.toContain("MARTIN");
    expect(env.doc.documentElement.outerHTML).not.toContain("MARTIN");
    ctl.abort();
    expect(env.doc.querySelector(HOST_TAG)).toBeNull();
  });

  it("follows the live state", () => {
    const { env, push } = fixtureEnv("mock-login-token.html", STATES.ready);
    cpsLoginPanel.init(env, new AbortController().signal);
    push(STATES["pin-blocked"]);
    expect(panelOf().dataset.situation).toBe("pin-blocked");
    expect(panelOf().querySelector<HTMLButtonElement>('[data-action="cps-login"]')!.disabled).toBe(true);
  });

  it("a script's click on the button reaches nothing: no request to the background", async () => {
    const { env, send } = fixtureEnv("mock-login-token.html", STATES.ready);
    cpsLoginPanel.init(env, new AbortController().signal);
    panelOf().querySelector<HTMLButtonElement>('[data-action="cps-login"]')!.click();
    await new Promise((r) => setTimeout(r, 10));
    expect(send).not.toHaveBeenCalled();
  });

  it("the card page of a token portal: the panel goes into the form", () => {
    const { env } = fixtureEnv("mock-logincps-token.html");
    cpsLoginPanel.init(env, new AbortController().signal);
    expect(env.doc.getElementById("form1")!.lastElementChild!.tagName.toLowerCase()).toBe(HOST_TAG);
    expect(panelOf().dataset.mode).toBe("token");
  });

  it("today's portal: the panel in real mode; the WebForms variant too", () => {
    for (const name of ["mock-login-real.html", "real-shaped-login.html"]) {
      roots = [];
      const { env } = fixtureEnv(name);
      cpsLoginPanel.init(env, new AbortController().signal);
      expect(panelOf().dataset.mode, name).toBe("real");
    }
  });

  it("a previous refusal written by the portal is explained", () => {
    const { env } = fixtureEnv("mock-login-refused.html");
    cpsLoginPanel.init(env, new AbortController().signal);
    expect(panelOf().querySelector("[data-portal-outcome]")?.getAttribute("data-portal-outcome")).toBe(
      "ERR_TOKEN_MALFORMED",
    );
  });

  it("running it again replaces its own host, never duplicates it", () => {
    const { env } = fixtureEnv("mock-login-token.html");
    cpsLoginPanel.init(env, new AbortController().signal);
    cpsLoginPanel.init(env, new AbortController().signal);
    expect(env.doc.querySelectorAll(HOST_TAG)).toHaveLength(1);
  });
});

describe("cps-preflight (today's portal)", () => {
  const controllers: AbortController[] = [];
  /** Today's login page as the live document (the pre-flight listens on its window). */
  function loadLivePage() {
    document.documentElement.innerHTML = fixtureHtml("mock-login-real.html")
      .replace(/^[\s\S]*?<html[^>]*>/, "")
      .replace(/<\/html>\s*$/, "")
      .replace(/<link [^>]*>/g, "");
    return fixtureUrl("mock-login-real.html");
  }
  function onLivePage(state: ExtensionState | undefined) {
    const e = envFor(document, loadLivePage(), state);
    const ctl = new AbortController();
    controllers.push(ctl);
    const ran = runFeatures(FEATURES, e.env, ctl.signal);
    const click = () => {
      const ev = new MouseEvent("click", { bubbles: true, cancelable: true });
      document.getElementById("btnCPS")!.dispatchEvent(ev);
      return ev;
    };
    return { ...e, ctl, ran, click };
  }
  afterEach(() => {
    for (const c of controllers.splice(0)) c.abort();
    document.documentElement.innerHTML = "<head></head><body></body>";
  });

  it("runs with the panel on today's login page, not on a token page", () => {
    expect(onLivePage(STATES.ready).ran).toEqual(["cps-login-panel", "cps-preflight"]);
    const token = fixtureEnv("mock-login-token.html");
    expect(cpsPreflight.init(token.env, new AbortController().signal)).toBe(false);
  });

  for (const kind of ["no-card", "not-a-cps", "pin-blocked", "cert-expired", "card-mute", "pin-last-try"] as const) {
    it(`${kind}: the portal's click is stopped and the reason shown`, () => {
      const { click, ctl } = onLivePage(STATES[kind]);
      expect(click().defaultPrevented).toBe(true);
      const stop = roots.map((r) => r.querySelector<HTMLElement>('[data-cps-panel="preflight"]')).find(Boolean);
      expect(stop?.dataset.situation).toBe(kind);
      ctl.abort();
      expect(document.querySelector(HOST_TAG)).toBeNull();
    });
  }

  for (const kind of ["ready", "agent-unavailable", "agent-unpaired", "card-reading", "unsupported-cps"] as const) {
    it(`${kind}: the portal's click goes through untouched`, () => {
      const { click } = onLivePage(STATES[kind]);
      expect(click().defaultPrevented).toBe(false);
      expect(document.querySelectorAll(`${HOST_TAG}[data-feature="cps-preflight"]`)).toHaveLength(0);
    });
  }

  it("the warning takes the panel's place (one box, right under the button); it goes when the card is put right", () => {
    const { click, push } = onLivePage(STATES["not-a-cps"]);
    click();
    expect(document.querySelectorAll(HOST_TAG)).toHaveLength(1);
    const root = roots.find((r) => r.querySelector('[data-cps-panel="preflight"]'))!;
    expect(root.querySelector('[data-cps-panel="login"]')).toBeNull();
    push(STATES.ready);
    expect(root.querySelector('[data-cps-panel="preflight"]')).toBeNull();
    expect(root.querySelector<HTMLElement>('[data-cps-panel="login"]')?.dataset.situation).toBe("ready");
  });

  it("without the panel, the pre-flight shows its own box", () => {
    const e = envFor(document, loadLivePage(), STATES["no-card"]);
    const ctl = new AbortController();
    controllers.push(ctl);
    cpsPreflight.init(e.env, ctl.signal);
    const ev = new MouseEvent("click", { bubbles: true, cancelable: true });
    document.getElementById("btnCPS")!.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    expect(roots[0]!.querySelector('[data-cps-panel="preflight"]')).not.toBeNull();
    expect(document.querySelector(`${HOST_TAG}[data-feature="cps-preflight"]`)).not.toBeNull();
  });

  it("'Continuer quand même' clicked by a script does nothing", () => {
    const { click } = onLivePage(STATES["no-card"]);
    click();
    const stopRoot = roots.find((r) => r.querySelector('[data-cps-panel="preflight"]'))!;
    stopRoot.querySelector<HTMLButtonElement>('[data-action="preflight-continue"]')!.click();
    expect(stopRoot.querySelector('[data-cps-panel="preflight"]')).not.toBeNull();
  });

  it("after abort, the portal's button is the portal's again", () => {
    const { click, ctl } = onLivePage(STATES["no-card"]);
    ctl.abort();
    expect(click().defaultPrevented).toBe(false);
  });
});

describe("cps-failure-takeover", () => {
  it("a box right under the failure title; the portal's help links stay", () => {
    for (const name of ["mock-erreur-cps.html", "real-shaped-erreur-cps.html"]) {
      roots = [];
      const { env } = fixtureEnv(name, STATES["pin-blocked"]);
      expect(env.page.kind).toBe("cps-failure");
      cpsFailureTakeover.init(env, new AbortController().signal);
      const title = env.doc.querySelector('[id$="lblTitreErreurCPS"]')!;
      expect(title.nextElementSibling?.tagName.toLowerCase()).toBe(HOST_TAG);
      expect(panelOf().dataset.diagnosis).toBe("card-explains");
      expect(env.doc.querySelectorAll('[id$="lnkAssistanceDMP"], [id$="lnkOutilVerification"]')).toHaveLength(2);
    }
  });

  it("the login page: the portal's own back link, unless it leads elsewhere", () => {
    const doc = loadFixture("mock-erreur-cps.html");
    const url = fixtureUrl("mock-erreur-cps.html");
    expect(loginUrlFor(doc, url)).toBe(
      "http://localhost:8443/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB",
    );
    doc.getElementById("lnkRetourConnexion")!.setAttribute("href", "https://evil.example/Login.aspx");
    expect(loginUrlFor(doc, url)).toBe(
      "http://localhost:8443/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2FTrajectoire%2Fpages%2FAccesRestreint%2FAngular%2FApp.aspx%2FMedecinLiberal%2FTDB",
    );
    const real = loadFixture("real-shaped-erreur-cps.html");
    expect(loginUrlFor(real, fixtureUrl("real-shaped-erreur-cps.html"))).toBe(
      "https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/Login.aspx",
    );
  });
});

describe("login-method-focus", () => {
  it("outlines, labels and focuses the way in named by the fragment; restores on abort", () => {
    const { env } = fixtureEnv("mock-login-token.html", STATES.ready, "#cps-bridge-ecps");
    const ctl = new AbortController();
    expect(loginMethodFocus.init(env, ctl.signal)).not.toBe(false);
    const block = env.doc.getElementById("blocECPS")!;
    expect(block.style.outline).toContain("solid");
    expect(block.firstElementChild!.tagName.toLowerCase()).toBe(HOST_TAG);
    ctl.abort();
    expect(block.style.outline).toBe("");
    expect(env.doc.querySelector(HOST_TAG)).toBeNull();
  });

  it("does nothing without one of its fragments", () => {
    const { env } = fixtureEnv("mock-login-token.html", STATES.ready, "#autre");
    expect(loginMethodFocus.init(env, new AbortController().signal)).toBe(false);
  });
});

describe("registry and runner", () => {
  it("every feature's id is its file name and the registry holds each once", () => {
    const ids = FEATURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([
      "cps-failure-takeover",
      "cps-login-panel",
      "cps-preflight",
      "login-method-focus",
      "otp-fill",
    ]);
  });

  it("a failing feature does not stop the others", () => {
    const { env } = fixtureEnv("mock-login-token.html");
    const broken: PortalFeature = {
      id: "broken",
      include: ["login"],
      init() {
        throw new Error("boom");
      },
    };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(runFeatures([broken, cpsLoginPanel], env, new AbortController().signal)).toEqual(["cps-login-panel"]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("only allowed origins: the two portals by default, loopback only as a developer origin", () => {
    expect(originEnabled("https://trajectoire.sante-ra.fr", DEFAULT_SETTINGS)).toBe(true);
    expect(originEnabled("https://viatrajectoire.fr", DEFAULT_SETTINGS)).toBe(true);
    expect(originEnabled("http://localhost:8443", DEFAULT_SETTINGS)).toBe(false);
    const dev = { ...DEFAULT_SETTINGS, developerOrigins: ["http://localhost:8443"] };
    expect(originEnabled("http://localhost:8443", dev)).toBe(true);
    expect(originEnabled("http://127.0.0.1:8443", dev)).toBe(false);
    expect(originEnabled("http://localhost:8444", dev)).toBe(false);
  });
});
