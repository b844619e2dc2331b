// @vitest-environment happy-dom
/**
 * Putting the token into the portal's form: only into the page that still shows the signed nonce, into exactly one
 * hidden token field, for a form that posts to the page's own origin — and through the content script's own DOM
 * methods, which a page's overrides and DOM clobbering cannot redirect.
 */
import type { LoginToken } from "@cps-bridge/protocol/login-token-format";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureHtml, parseHtml } from "./fixtures/load";
import { submitToken } from "./token-submit";

const NONCE = "Rml4dHVyZSBub25jZSAtIG5vdCBhIHJlYWwgb25lISE=";
/** happy-dom's document URL: the relative form action resolves against it. */
const ORIGIN = "http://localhost:3000";
const TOKEN = {
  unverifiedCertificate: "MIIB",
  algorithm: "RS256",
  signature: "c2ln",
  format: "cps-bridge:1.0",
  appVersion: "urn:cps-bridge:agent:0.1.0",
} as LoginToken;

let submitted: HTMLFormElement[];
beforeEach(() => {
  submitted = [];
  vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(function (this: HTMLFormElement) {
    submitted.push(this);
  });
});
afterEach(() => vi.restoreAllMocks());

function page(html = fixtureHtml("mock-login-token.html")): Document {
  return parseHtml(html);
}

const tokenValue = (doc: Document) => (doc.querySelector('input[name="__CPSBRIDGE_TOKEN"]') as HTMLInputElement).value;

describe("submitToken", () => {
  it("fills the token field with the token's JSON and submits form#form1", () => {
    const doc = page();
    expect(submitToken(doc, ORIGIN, NONCE, TOKEN)).toEqual({ ok: true });
    expect(JSON.parse(tokenValue(doc))).toEqual(TOKEN);
    expect(submitted).toEqual([doc.getElementById("form1")]);
  });

  it("uses the prototype's submit, not one the page put on the form", () => {
    const doc = page();
    const form = doc.getElementById("form1") as HTMLFormElement & { submit: () => void };
    const pageSubmit = vi.fn();
    form.submit = pageSubmit;
    expect(submitToken(doc, ORIGIN, NONCE, TOKEN).ok).toBe(true);
    expect(pageSubmit).not.toHaveBeenCalled();
    expect(submitted).toHaveLength(1);
  });

  it("refuses a page whose nonce is no longer the signed one", () => {
    const other = "T3RoZXIgbm9uY2UgLSBub3QgYSByZWFsIG9uZSEhISE=";
    const doc = page(fixtureHtml("mock-login-token.html").split(NONCE).join(other));
    expect(submitToken(doc, ORIGIN, NONCE, TOKEN)).toEqual({ ok: false, reason: "nonce-changed" });
    expect(submitted).toHaveLength(0);
    expect(tokenValue(doc)).toBe("");
  });

  it("refuses a form that posts to another origin", () => {
    const doc = page(
      fixtureHtml("mock-login-token.html").replace('action="./Login.aspx', 'action="https://evil.example/Login.aspx'),
    );
    expect(submitToken(doc, ORIGIN, NONCE, TOKEN)).toEqual({ ok: false, reason: "foreign-action" });
    expect(submitted).toHaveLength(0);
    expect(tokenValue(doc)).toBe("");
  });

  it("is not fooled by an <input name=action> clobbering form.action", () => {
    const html = fixtureHtml("mock-login-token.html")
      .replace('action="./Login.aspx', 'action="https://evil.example/Login.aspx')
      .replace("</form>", '<input type="hidden" name="action" value="./Login.aspx"></form>');
    expect(submitToken(page(html), ORIGIN, NONCE, TOKEN)).toEqual({ ok: false, reason: "foreign-action" });
  });

  it("refuses a GET form and a page without the form", () => {
    const get = page(fixtureHtml("mock-login-token.html").replace('method="post"', 'method="get"'));
    expect(submitToken(get, ORIGIN, NONCE, TOKEN)).toEqual({ ok: false, reason: "not-post" });
    const none = page("<html><head></head><body></body></html>");
    expect(submitToken(none, ORIGIN, NONCE, TOKEN)).toEqual({ ok: false, reason: "no-form" });
    expect(submitted).toHaveLength(0);
  });
});
