/**
 * The failure page's "Se connecter par e-CPS" / "Identifiant et mot de passe" bring the doctor back to the login page
 * with a fragment (`#cps-bridge-ecps`, `#cps-bridge-identifiant`); here that way in is outlined, labelled and focused,
 * so the next step is obvious. A page could set the fragment itself: all it gets is a highlighted portal block.
 */
import { render } from "preact";
import { t } from "../i18n/index";
import * as S from "../portal/selectors";
import { mountShadowHost } from "../portal/shadow-host";
import { METHOD_FRAGMENTS } from "../ui/portal/FailureTakeover";
import { defineFeature } from "./feature";

export default defineFeature({
  id: "login-method-focus",
  include: ["login"],
  init(env, signal) {
    const fragment = env.url.hash.slice(1);
    const method =
      fragment === METHOD_FRAGMENTS.ecps ? "ecps" : fragment === METHOD_FRAGMENTS.password ? "password" : undefined;
    if (!method) return false;
    const block = env.doc.querySelector<HTMLElement>(method === "ecps" ? S.ecpsMethodBlock : S.passwordMethodBlock);
    if (!block) return false;
    const { container } = mountShadowHost(block, "prepend", "login-method-focus", signal);
    const lang = env.live.current()?.language ?? env.fallbackLang;
    render(<p class="cpsb-tag">{t(lang, "portal.method.highlight")}</p>, container);
    const before = { outline: block.style.outline, offset: block.style.outlineOffset };
    block.style.outline = "3px solid #1f5fa8";
    block.style.outlineOffset = "4px";
    block.scrollIntoView({ block: "center" });
    const target = env.doc.querySelector<HTMLElement>(method === "ecps" ? S.ecpsButton : S.userNameField);
    target?.focus({ preventScroll: true });
    signal.addEventListener(
      "abort",
      () => {
        render(null, container);
        block.style.outline = before.outline;
        block.style.outlineOffset = before.offset;
      },
      { once: true },
    );
  },
});
