/**
 * On "La lecture de la carte CPS a échoué." (today's portal after a failed TLS card login): a box under the title
 * that says what cps-bridge sees right now — the card situation that explains the failure, or that card and reader
 * are fine (then the middleware or the browser is to blame) — and offers the other ways in (e-CPS, identifiant +
 * mot de passe) and a retry. The portal's own help paths stay visible below it.
 */
import { render } from "preact";
import { findFailureTitle, isLoginUrl } from "../portal/detectors";
import * as S from "../portal/selectors";
import { mountShadowHost } from "../portal/shadow-host";
import { FailureTakeover } from "../ui/portal/FailureTakeover";
import { defineFeature } from "./feature";

/**
 * The portal's login page for "retry" and the other ways: the page's own back link when it is a same-origin
 * Login.aspx (a tampered link elsewhere is not repeated inside our box), else Login.aspx with this page's ReturnUrl.
 */
export function loginUrlFor(doc: Document, url: URL): string {
  const link = doc.querySelector<HTMLAnchorElement>(S.failureBackLink);
  if (link instanceof HTMLAnchorElement) {
    try {
      const target = new URL(link.getAttribute("href") ?? "", url);
      if (target.origin === url.origin && isLoginUrl(target)) return target.href;
    } catch {
      // fall through to the built URL
    }
  }
  const login = new URL("/Trajectoire/Pages/AccesLibre/Login.aspx", url.origin);
  const returnUrl = url.searchParams.get("ReturnUrl");
  if (returnUrl?.startsWith("/")) login.searchParams.set("ReturnUrl", returnUrl);
  return login.href;
}

export default defineFeature({
  id: "cps-failure-takeover",
  include: ["cps-failure"],
  init(env, signal) {
    const title = findFailureTitle(env.doc);
    if (!title) return false;
    const { container } = mountShadowHost(title, "after", "cps-failure-takeover", signal);
    const loginUrl = loginUrlFor(env.doc, env.url);
    const draw = () => {
      if (signal.aborted) return;
      render(
        <FailureTakeover
          state={env.live.current()}
          loginUrl={loginUrl}
          fallbackLang={env.fallbackLang}
          onOpenPage={(p, e) => {
            if (e.isTrusted) void env.send("ui.open", { page: p });
          }}
        />,
        container,
      );
    };
    env.live.subscribe(draw, signal);
    signal.addEventListener("abort", () => render(null, container), { once: true });
    draw();
  },
});
