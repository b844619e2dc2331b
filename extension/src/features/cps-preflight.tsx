/**
 * Today's portal (no cps-bridge challenge): the card login is the browser's TLS client authentication with the
 * Cryptolib CPS, which cps-bridge cannot do. What it can do is look at the card first: a capture-phase click listener
 * runs before the portal's own "Se connecter par carte CPS"; when the live situation dooms the login (no card, a
 * Vitale card, blocked PIN, expired certificate… portal/readiness.ts) it stops the navigation and says why, with a
 * "Continuer quand même" escape hatch (cps-bridge sees the card through its agent; the middleware might see more).
 * When the agent is away it knows nothing and never stands in the way.
 *
 * The warning is shown by the login panel, in its place right under the button (PREFLIGHT_STOP on `env.bus`), so the
 * doctor reads one box, not two saying the same; this feature draws its own box only when no panel took it.
 */
import { render } from "preact";
import { findCpsButton } from "../portal/detectors";
import { preflightStops } from "../portal/readiness";
import { HOST_TAG, mountShadowHost, type ShadowMount } from "../portal/shadow-host";
import { type Situation, situationOf } from "../shared/situation";
import { PreflightStop } from "../ui/portal/PreflightStop";
import { defineFeature } from "./feature";

/** Event on `env.bus`: the pre-flight stopped a click. Cancel it to show the warning yourself. */
export const PREFLIGHT_STOP = "cps-bridge:preflight-stop";

export interface PreflightStopDetail {
  situation: Situation;
  /** The doctor chose "Continuer quand même": the portal's own button, once, past the check. */
  proceed(): void;
}

export default defineFeature({
  id: "cps-preflight",
  include: ["login"],
  init(env, signal) {
    if (env.page.kind !== "login" || env.page.challenge) return false;
    const button = findCpsButton(env.doc);
    if (!button) return false;
    const view = env.doc.defaultView;
    if (!view) return false;
    const click = HTMLElement.prototype.click;
    let letThrough = false;
    let shown: { mount: ShadowMount; controller: AbortController } | undefined;

    const close = () => {
      shown?.controller.abort();
      shown = undefined;
    };

    const onClick = (event: Event) => {
      if (letThrough) return;
      const target = event.target;
      if (!(target instanceof Node) || !button.contains(target)) return;
      const state = env.live.current();
      if (!state) return;
      const situation = situationOf(state);
      if (!preflightStops(situation)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      close();
      const proceed = () => {
        letThrough = true;
        try {
          click.call(button);
        } finally {
          letThrough = false;
        }
      };
      const asked = new CustomEvent<PreflightStopDetail>(PREFLIGHT_STOP, {
        cancelable: true,
        detail: { situation, proceed },
      });
      env.bus.dispatchEvent(asked);
      if (asked.defaultPrevented) return;
      const controller = new AbortController();
      signal.addEventListener("abort", () => controller.abort(), { once: true, signal: controller.signal });
      // Placed after the login panel (which sits right after the button), so it reads: button, state, this stop.
      const next = button.nextElementSibling;
      const anchor = next?.matches(`${HOST_TAG}[data-feature="cps-login-panel"]`) ? next : button;
      const mount = mountShadowHost(anchor, "after", "cps-preflight", controller.signal);
      shown = { mount, controller };
      render(
        <PreflightStop
          situation={situation}
          lang={state.language}
          onDismiss={(e) => {
            if (e.isTrusted) close();
          }}
          onContinue={(e) => {
            if (!e.isTrusted) return;
            close();
            proceed();
          }}
        />,
        mount.container,
      );
      controller.signal.addEventListener("abort", () => render(null, mount.container), { once: true });
    };
    // Capture on the window: before the portal's own handlers and before the link or form acts.
    view.addEventListener("click", onClick, { capture: true, signal });
  },
});
