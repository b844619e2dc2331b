// @vitest-environment happy-dom
import { ERRORS } from "@cps-bridge/protocol/errors";
import { cleanup, render } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { situationOf } from "../../shared/situation";
import type { ExtensionState } from "../../shared/state";
import { STATES } from "../../test-support/portal-states";
import { FailureTakeover } from "./FailureTakeover";
import { PreflightStop } from "./PreflightStop";

afterEach(cleanup);
const LOGIN = "http://localhost:8443/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2f";

function show(state: ExtensionState | undefined) {
  const view = render(
    <FailureTakeover state={state} loginUrl={LOGIN} onOpenPage={vi.fn()} now={Date.parse("2026-11-25")} />,
  );
  const box = view.container.querySelector<HTMLElement>('[data-cps-panel="failure"]')!;
  return { box, text: () => box.textContent ?? "", container: view.container };
}

describe("FailureTakeover", () => {
  it("a card situation that explains the failure: says which, with its remedy", () => {
    const { box, text } = show(STATES["not-a-cps"]);
    expect(box.dataset.diagnosis).toBe("card-explains");
    expect(text()).toContain("Voici ce qui empêche la connexion par carte");
    expect(text()).toContain("Carte Vitale 2 insérée : ce n'est pas une carte CPS");
    expect(text()).toContain(ERRORS.ERR_NOT_A_CPS.remedyFr);
  });

  it("card and reader fine: the failure is the middleware or the browser, with the likely causes", () => {
    const { box, text } = show(STATES.ready);
    expect(box.dataset.diagnosis).toBe("card-fine");
    expect(text()).toContain("Votre carte CPS et votre lecteur fonctionnent");
    expect(text()).toContain("fermez-le complètement");
    expect(text()).toContain("Cryptolib CPS");
  });

  it("agent away: cps-bridge cannot tell, and says how to start it", () => {
    const { box, text } = show(STATES["agent-unavailable"]);
    expect(box.dataset.diagnosis).toBe("unknown");
    expect(text()).toContain("cps-bridge ne peut pas vérifier votre carte");
    expect(text()).toContain("cps-bridge start");
  });

  it("offers e-CPS, identifiant + mot de passe and a retry, all on the portal's login page", () => {
    const { container } = show(STATES["pin-blocked"]);
    const href = (a: string) =>
      container.querySelector<HTMLAnchorElement>(`[data-action="${a}"]`)!.getAttribute("href");
    expect(href("way-ecps")).toBe(`${LOGIN}#cps-bridge-ecps`);
    expect(href("way-password")).toBe(`${LOGIN}#cps-bridge-identifiant`);
    expect(href("retry-card")).toBe(LOGIN);
  });
});

describe("PreflightStop", () => {
  it("says the login was stopped, why, and offers to continue anyway", () => {
    const view = render(
      <PreflightStop
        situation={situationOf(STATES["cert-expired"])}
        lang="fr"
        onContinue={vi.fn()}
        onDismiss={vi.fn()}
      />,
    );
    const text = view.container.textContent ?? "";
    expect(text).toContain("Connexion par carte CPS arrêtée avant l'échec");
    expect(text).toContain(ERRORS.ERR_CERT_EXPIRED.remedyFr);
    expect(view.container.querySelector('[data-action="preflight-continue"]')?.textContent).toBe(
      "Continuer quand même",
    );
  });

  it("the last try is a warning to confirm", () => {
    const view = render(
      <PreflightStop
        situation={situationOf(STATES["pin-last-try"])}
        lang="fr"
        onContinue={vi.fn()}
        onDismiss={vi.fn()}
      />,
    );
    expect(view.container.textContent).toContain("une erreur de plus bloquera votre carte");
  });
});
