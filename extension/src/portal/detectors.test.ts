// @vitest-environment happy-dom
/**
 * Page detectors: every example URL matches its own detector and no other (github-url-detection's rule, anchors.md
 * §4.2); and URL + content together recognise each saved page (./fixtures/) as the page it is — including the
 * hand-written real-shaped variants, and pages that only look like one.
 */
import { describe, expect, it } from "vitest";
import {
  detectPortalPage,
  findCpsButton,
  findFailureTitle,
  NOT_A_PORTAL_LOGIN_PAGE,
  readChallenge,
  readLoginOutcome,
  URL_DETECTORS,
} from "./detectors";
import { fixtureHtml, fixtureUrl, loadFixture, parseHtml } from "./fixtures/load";

const FIXED_NONCE = "Rml4dHVyZSBub25jZSAtIG5vdCBhIHJlYWwgb25lISE=";

describe("URL detectors", () => {
  for (const [name, detector] of Object.entries(URL_DETECTORS)) {
    it(`${name}: each example matches it and no other detector`, () => {
      expect(detector.examples.length).toBeGreaterThan(1);
      for (const example of detector.examples) {
        const url = new URL(example);
        for (const [other, d] of Object.entries(URL_DETECTORS))
          expect(d(url), `${other}(${example})`).toBe(other === name);
      }
    });
  }

  it("no detector recognises the other pages", () => {
    for (const example of NOT_A_PORTAL_LOGIN_PAGE) {
      const url = new URL(example);
      for (const [name, d] of Object.entries(URL_DETECTORS)) expect(d(url), `${name}(${example})`).toBe(false);
    }
  });
});

describe("page detection on saved pages (URL and content)", () => {
  const cases: [string, string, string | undefined][] = [
    ["mock-login-token.html", "login", FIXED_NONCE],
    ["mock-login-refused.html", "login", FIXED_NONCE],
    ["mock-login-real.html", "login", undefined],
    ["real-shaped-login.html", "login", undefined],
    ["mock-logincps-token.html", "cps-token", FIXED_NONCE],
    ["mock-erreur-cps.html", "cps-failure", undefined],
    ["real-shaped-erreur-cps.html", "cps-failure", undefined],
    ["mock-dashboard.html", "none", undefined],
    ["mock-login-otp.html", "otp", undefined],
    ["real-shaped-login-otp.html", "otp", undefined],
  ];
  for (const [file, kind, challenge] of cases) {
    it(`${file} is "${kind}"${challenge ? " with a challenge" : ""}`, () => {
      const page = detectPortalPage(fixtureUrl(file), loadFixture(file));
      expect(page.kind).toBe(kind);
      expect((page as { challenge?: string }).challenge).toBe(challenge);
    });
  }

  it("content alone is not enough: a login page's HTML at another path is nothing", () => {
    const doc = loadFixture("mock-login-token.html");
    expect(
      detectPortalPage(new URL("https://trajectoire.sante-ra.fr/Trajectoire/Pages/AccesLibre/Charte.aspx"), doc).kind,
    ).toBe("none");
    expect(detectPortalPage(new URL("https://evil.example/login"), doc).kind).toBe("none");
  });

  it("the URL alone is not enough: Login.aspx without a card button is nothing", () => {
    const doc = new DOMParser().parseFromString("<html><body><form id=form1></form></body></html>", "text/html");
    expect(detectPortalPage(fixtureUrl("mock-login-token.html"), doc).kind).toBe("none");
  });

  it("the failure text on the dashboard is not the failure page", () => {
    const doc = new DOMParser().parseFromString("<h1>La lecture de la carte CPS a échoué.</h1>", "text/html");
    expect(detectPortalPage(fixtureUrl("mock-dashboard.html"), doc).kind).toBe("none");
  });
});

describe("content readers", () => {
  it("finds the card button by id, by WebForms id, or by its words", () => {
    expect(findCpsButton(loadFixture("mock-login-token.html"))?.id).toBe("btnCPS");
    expect(findCpsButton(loadFixture("real-shaped-login.html"))?.id).toBe("ContentPlaceHolder1_btnCPS");
    const byText = new DOMParser().parseFromString(
      '<a href="x">Se connecter par E-CPS</a><button type="button">  Se connecter\n par carte CPS </button>',
      "text/html",
    );
    expect(findCpsButton(byText)?.tagName).toBe("BUTTON");
  });

  it("finds the innermost failure title", () => {
    expect(findFailureTitle(loadFixture("mock-erreur-cps.html"))?.id).toBe("lblTitreErreurCPS");
    expect(findFailureTitle(loadFixture("real-shaped-erreur-cps.html"))?.id).toBe(
      "ContentPlaceHolder1_lblTitreErreurCPS",
    );
    expect(findFailureTitle(loadFixture("mock-login-real.html"))).toBeUndefined();
  });

  it("reads the challenge only when meta, echoed field and token field agree", () => {
    const html = fixtureHtml("mock-login-token.html");
    const parse = parseHtml;
    expect(readChallenge(parse(html))).toBe(FIXED_NONCE);
    // echoed nonce differs from the meta: a stale or tampered page
    const other = "T3RoZXIgbm9uY2UgLSBub3QgYSByZWFsIG9uZSEhISE=";
    expect(readChallenge(parse(html.replace(`value="${FIXED_NONCE}"`, `value="${other}"`)))).toBeUndefined();
    // a second token field (a page trying to confuse which one is posted)
    expect(
      readChallenge(parse(html.replace("</form>", '<input type="hidden" name="__CPSBRIDGE_TOKEN" value=""></form>'))),
    ).toBeUndefined();
    // a nonce of the wrong shape
    expect(readChallenge(parse(html.split(FIXED_NONCE).join("short")))).toBeUndefined();
    expect(readChallenge(loadFixture("mock-login-real.html"))).toBeUndefined();
  });

  it("reads the portal's refusal code", () => {
    expect(readLoginOutcome(loadFixture("mock-login-refused.html"))).toMatchObject({ code: "ERR_TOKEN_MALFORMED" });
    expect(readLoginOutcome(loadFixture("mock-login-token.html"))).toBeUndefined();
  });
});
