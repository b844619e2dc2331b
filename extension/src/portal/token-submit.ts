/**
 * Puts the login token into the portal's form and submits it (protocol/src/portal-contract.ts step 3). Called by the
 * content script right after the background handed it the token — the token exists in the page only from here to the
 * navigation. A hostile script of that same portal page could read it in that instant: that is inherent (the page
 * receives the token to log in) and harmless, since the token is bound to that portal's origin and to the nonce of
 * that portal session (docs/login-assistant.md "Threat model").
 *
 * Every DOM access goes through the content script's own prototypes, so a page cannot redirect it with its own
 * `submit`, `action` or `value` (overridden methods, or DOM clobbering: an `<input name="action">` shadows
 * `form.action`). Before submitting it checks that the page still shows the nonce that was signed, that there is
 * exactly one token field, and that the form posts to the page's own origin.
 */
import type { LoginToken } from "@cps-bridge/protocol/login-token-format";
import { TOKEN_CONTRACT } from "@cps-bridge/protocol/portal-contract";
import { readChallenge } from "./detectors";
import * as S from "./selectors";

export type SubmitRefusal = "no-form" | "nonce-changed" | "token-field" | "foreign-action" | "not-post";

/** The content script's own DOM methods (its isolated world's prototypes: out of the page's reach). */
function own() {
  return {
    formAction: Object.getOwnPropertyDescriptor(HTMLFormElement.prototype, "action")!.get!,
    formMethod: Object.getOwnPropertyDescriptor(HTMLFormElement.prototype, "method")!.get!,
    inputValue: Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!,
    formSubmit: HTMLFormElement.prototype.submit,
  };
}

export function submitToken(
  doc: Document,
  pageOrigin: string,
  signedNonce: string,
  token: LoginToken,
): { ok: true } | { ok: false; reason: SubmitRefusal } {
  const { formAction, formMethod, inputValue, formSubmit } = own();
  const form = doc.getElementById(TOKEN_CONTRACT.formId);
  if (!(form instanceof HTMLFormElement)) return { ok: false, reason: "no-form" };
  if (readChallenge(doc) !== signedNonce) return { ok: false, reason: "nonce-changed" };
  const fields = form.querySelectorAll(S.tokenField);
  const field = fields[0];
  if (fields.length !== 1 || !(field instanceof HTMLInputElement) || field.type !== "hidden") {
    return { ok: false, reason: "token-field" };
  }
  let action: URL;
  try {
    action = new URL(formAction.call(form) as string, doc.baseURI);
  } catch {
    return { ok: false, reason: "foreign-action" };
  }
  if (action.origin !== pageOrigin) return { ok: false, reason: "foreign-action" };
  if (formMethod.call(form) !== "post") return { ok: false, reason: "not-post" };
  inputValue.call(field, JSON.stringify(token));
  formSubmit.call(form);
  return { ok: true };
}
