/**
 * The panel beside "Se connecter par carte CPS" (login page), or inside the card page of a token portal: the live
 * card situation, and on a portal that accepts cps-bridge tokens the one-click login:
 *
 *   trusted click ─► card situation allows a login? (else nothing is sent) ─► nonce read from the DOM here ─►
 *   background `login.requestToken` (origin from the tab; PIN window owned by the extension) ─► token ─►
 *   token field filled and form#form1 submitted (portal/token-submit.ts).
 *
 * The page cannot drive any of it: the button lives in a closed shadow root, only trusted events count, and the
 * content script listens to no message from the page (docs/login-assistant.md "Threat model").
 */
import { render } from "preact";
import { findCpsButton, readLoginOutcome } from "../portal/detectors";
import { preflightStops } from "../portal/readiness";
import * as S from "../portal/selectors";
import { mountShadowHost } from "../portal/shadow-host";
import { type LoginPhase, tokenLogin } from "../portal/token-login";
import { situationOf } from "../shared/situation";
import { LoginPanel } from "../ui/portal/LoginPanel";
import { PreflightStop } from "../ui/portal/PreflightStop";
import { PREFLIGHT_STOP, type PreflightStopDetail } from "./cps-preflight";
import { defineFeature } from "./feature";

export default defineFeature({
  id: "cps-login-panel",
  include: ["login", "cps-token"],
  init(env, signal) {
    const { doc, page } = env;
    const button = page.kind === "login" ? findCpsButton(doc) : undefined;
    const anchor = button ?? doc.querySelector(S.loginForm);
    if (!anchor) return false;
    const mode = page.kind === "cps-token" || (page.kind === "login" && page.challenge) ? "token" : "real";
    const { host, container } = mountShadowHost(anchor, button ? "after" : "append", "cps-login-panel", signal);
    // Today's portal: the pre-flight's warning, shown here in place of the panel until dismissed or obsolete.
    let stopped: PreflightStopDetail | undefined;
    env.bus.addEventListener(
      PREFLIGHT_STOP,
      (e) => {
        e.preventDefault();
        stopped = (e as CustomEvent<PreflightStopDetail>).detail;
        draw();
        host.scrollIntoView({ block: "nearest" });
      },
      { signal },
    );
    // A refusal the portal wrote after the previous attempt (`#lblErreur[data-code]`), until the next attempt.
    let portalOutcome = mode === "token" ? readLoginOutcome(doc) : undefined;
    let phase: LoginPhase = { step: "idle" };
    const login = tokenLogin({
      doc,
      origin: env.url.origin,
      live: env.live,
      send: env.send,
      signal,
      onPhase(p) {
        phase = p;
        if (p.step !== "idle") portalOutcome = undefined;
        draw();
      },
    });

    function draw() {
      if (signal.aborted) return;
      const state = env.live.current();
      // The card was put right meanwhile (e.g. the CPS card replaced the Vitale card): the warning has no object.
      if (stopped && state && !preflightStops(situationOf(state))) stopped = undefined;
      if (stopped && state) {
        const stop = stopped;
        render(
          <PreflightStop
            situation={stop.situation}
            lang={state.language}
            onDismiss={(e) => {
              if (!e.isTrusted) return;
              stopped = undefined;
              draw();
            }}
            onContinue={(e) => {
              if (!e.isTrusted) return;
              stopped = undefined;
              draw();
              stop.proceed();
            }}
          />,
          container,
        );
        return;
      }
      render(
        <LoginPanel
          state={state}
          mode={mode}
          phase={phase}
          {...(portalOutcome ? { portalOutcome } : {})}
          fallbackLang={env.fallbackLang}
          onLogin={(e) => {
            if (mode === "token") void login(e);
          }}
          onOpenPage={(p, e) => {
            if (e.isTrusted) void env.send("ui.open", { page: p });
          }}
        />,
        container,
      );
    }

    env.live.subscribe(draw, signal);
    signal.addEventListener("abort", () => render(null, container), { once: true });
    draw();
  },
});
