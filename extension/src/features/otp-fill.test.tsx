// @vitest-environment happy-dom
/** The code step's filling on the saved pages, with the background faked: only the code field, never overwritten. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detectPortalPage } from "../portal/detectors";
import { fixtureHtml, fixtureUrl } from "../portal/fixtures/load";
import type { FeatureEnv } from "./feature";
import otpFill from "./otp-fill";

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

function load(file: string) {
  document.documentElement.innerHTML = fixtureHtml(file)
    .replace(/^[\s\S]*?<html[^>]*>/i, "")
    .replace(/<link[^>]*>/gi, "");
  return { doc: document, url: fixtureUrl(file) };
}

type Answer = Record<string, unknown>;
function run(file: string, answers: Answer[]) {
  const { doc, url } = load(file);
  const calls: [string, unknown][] = [];
  const queue = [...answers];
  const send = vi.fn(async (type: string, req: unknown) => {
    calls.push([type, req]);
    if (type === "otp.request") return (queue.shift() ?? new Promise(() => undefined)) as never;
    return { ok: true } as never;
  });
  const env = {
    doc,
    url,
    page: detectPortalPage(url, doc),
    live: { current: () => undefined, subscribe: () => undefined },
    send,
    fallbackLang: "fr",
    bus: new EventTarget(),
  } as unknown as FeatureEnv;
  const ac = new AbortController();
  const result = otpFill.init(env, ac.signal);
  return { doc, calls, ac, result, text: () => roots.map((r) => r.textContent).join(" ") };
}
const flush = () => new Promise((r) => setTimeout(r, 0));
const code = {
  ok: true,
  code: "542642",
  mailDate: 1,
  sender: "no_reply.trajectoire@sante-ra.fr",
  source: "mailbox",
  autoSubmit: false,
};

describe("otp-fill", () => {
  it("asks with since from the portal's countdown, fills the code field only, and does not press Valider", async () => {
    const { doc, calls, text } = run("mock-login-otp.html", [code]);
    const clicked = vi.fn((e: Event) => e.preventDefault());
    doc.querySelector("#btnValider")?.addEventListener("click", clicked);
    await flush();
    const [type, req] = calls[0] as [string, { since: number; timeoutMs: number; sources: string }];
    expect(type).toBe("otp.request");
    expect(Math.abs(req.since - Date.now())).toBeLessThan(2_000); // data-remaining 600: asked just now
    expect(req.sources).toBe("any");
    expect((doc.querySelector("#CodeOTP") as HTMLInputElement).value).toBe("542642");
    expect(clicked).not.toHaveBeenCalled();
    expect(text()).toContain("Code inséré automatiquement");
  });

  it("presses Valider only when the doctor turned it on", async () => {
    const { doc } = run("mock-login-otp.html", [{ ...code, autoSubmit: true }]);
    const clicked = vi.fn((e: Event) => e.preventDefault());
    doc.querySelector("#btnValider")?.addEventListener("click", clicked);
    await flush();
    expect(clicked).toHaveBeenCalledTimes(1);
  });

  it("never overwrites what the doctor typed: the code is offered with a button", async () => {
    const again = run("mock-login-otp.html", [code]);
    (again.doc.querySelector("#CodeOTP") as HTMLInputElement).value = "12";
    await flush();
    expect((again.doc.querySelector("#CodeOTP") as HTMLInputElement).value).toBe("12");
    expect(again.text()).toContain("Insérer le code reçu");
  });

  it("on the real-shaped page, fills the code field and leaves the password decoy alone", async () => {
    const { doc } = run("real-shaped-login-otp.html", [code]);
    await flush();
    expect((doc.querySelector("#ContentPlaceHolder1_txtCodeOTP") as HTMLInputElement).value).toBe("542642");
    expect((doc.querySelector("#ContentPlaceHolder1_txtPassword") as HTMLInputElement).value).toBe("");
  });

  it("a mailbox failure shows its French sentence and the manual path, then keeps listening to webmail", async () => {
    const { calls, text } = run("mock-login-otp.html", [{ ok: false, code: "OTP_IMAP_UNREACHABLE" }]);
    await flush();
    expect(text()).toContain("Renvoyer le code");
    expect(text()).toContain("no_reply.trajectoire@sante-ra.fr");
    expect(calls.filter(([t]) => t === "otp.request").map(([, r]) => (r as { sources: string }).sources)).toEqual([
      "any",
      "webmail",
    ]);
  });

  it("leaving the page cancels the wait; the page's host is removed", async () => {
    const { ac, calls, doc } = run("mock-login-otp.html", []);
    ac.abort();
    await flush();
    expect(calls.map(([t]) => t)).toContain("otp.cancel");
    expect(doc.querySelector("cps-bridge-assistant")).toBeNull();
  });

  it("does nothing where there is no code field", () => {
    const { result } = run("mock-login-token.html", []);
    expect(result).toBe(false);
  });
});
