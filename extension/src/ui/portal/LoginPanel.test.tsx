// @vitest-environment happy-dom
/**
 * The panel says, for every card situation, what the popup says (same headline and remedy: shared/headline.ts),
 * offers the one-click login only when the card can log in, and shows why otherwise.
 */
import { ERRORS } from "@cps-bridge/protocol/errors";
import { PORTAL_OUTCOME_CODES } from "@cps-bridge/protocol/portal-contract";
import { cleanup, fireEvent, render } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { headlineOf } from "../../shared/headline";
import { type SituationKind, situationOf } from "../../shared/situation";
import type { ExtensionState } from "../../shared/state";
import { STATES } from "../../test-support/portal-states";
import { LoginPanel, type LoginPanelProps } from "./LoginPanel";

afterEach(cleanup);
const NOW = Date.parse("2026-11-25T12:00:00Z");

function show(state: ExtensionState | undefined, over: Partial<LoginPanelProps> = {}) {
  const onLogin = vi.fn();
  const onOpenPage = vi.fn();
  const view = render(
    <LoginPanel
      state={state}
      mode="token"
      phase={{ step: "idle" }}
      onLogin={onLogin}
      onOpenPage={onOpenPage}
      now={NOW}
      {...over}
    />,
  );
  const panel = view.container.querySelector<HTMLElement>('[data-cps-panel="login"]')!;
  const button = view.container.querySelector<HTMLButtonElement>('[data-action="cps-login"]');
  return { panel, button, onLogin, onOpenPage, text: () => panel.textContent ?? "", container: view.container };
}

describe("LoginPanel", () => {
  for (const kind of Object.keys(STATES) as SituationKind[]) {
    it(`${kind}: the popup's headline and next step; login button ${["ready", "pin-last-try"].includes(kind) ? "enabled" : "disabled"}`, () => {
      const state = STATES[kind];
      const { panel, button, text } = show(state);
      expect(panel.dataset.situation).toBe(kind);
      const h = headlineOf(situationOf(state), "fr");
      expect(text()).toContain(h.title);
      expect(text()).toContain(h.next);
      expect(button!.disabled).toBe(!["ready", "pin-last-try"].includes(kind));
    });
  }

  it("ready: holder, PIN tries and certificate validity", () => {
    const { text } = show(STATES.ready);
    expect(text()).toContain("Claire MARTIN");
    expect(text()).toContain("3 essais restants sur 3");
    expect(text()).toContain("du 01/01/2025 au 01/01/2028");
    expect(text()).toContain("Votre code porteur se saisit dans la fenêtre cps-bridge, jamais dans cette page.");
  });

  it("Vitale inserted: says so, and the button explains why it is off", () => {
    const { text } = show(STATES["not-a-cps"]);
    expect(text()).toContain("Carte Vitale 2 insérée : ce n'est pas une carte CPS");
    expect(text()).toContain(ERRORS.ERR_NOT_A_CPS.remedyFr);
    expect(text()).toContain("Connexion par carte impossible pour l'instant");
  });

  it("agent stopped: how to start it, and that the page follows by itself; blocked card: how to unblock", () => {
    expect(show(STATES["agent-unavailable"]).text()).toContain("cps-bridge start");
    expect(show(STATES["agent-unavailable"]).text()).toContain("La page réessaie toute seule");
    cleanup();
    cleanup();
    expect(show(STATES["pin-blocked"]).text()).toContain(ERRORS.ERR_PIN_BLOCKED.remedyFr);
  });

  it("last try: the PIN window will ask for confirmation", () => {
    expect(show(STATES["pin-last-try"]).text()).toContain("la fenêtre du code vous demandera de confirmer");
  });

  it("not paired: a button opens the pairing page", () => {
    const { container, onOpenPage } = show(STATES["agent-unpaired"]);
    fireEvent.click(container.querySelector('[data-action="open-pairing"]')!);
    expect(onOpenPage).toHaveBeenCalledWith("pair", expect.anything());
  });

  it("the click is handed to the feature with its event (which checks it is trusted)", () => {
    const { button, onLogin } = show(STATES.ready);
    fireEvent.click(button!);
    expect(onLogin).toHaveBeenCalledTimes(1);
    expect(onLogin.mock.calls[0]![0]).toBeInstanceOf(Event);
  });

  it("while the PIN window is open: button off, says where to type", () => {
    const { button, text, panel } = show(STATES.ready, { phase: { step: "waiting-pin" } });
    expect(button!.disabled).toBe(true);
    expect(panel.dataset.phase).toBe("waiting-pin");
    expect(text()).toContain("Saisissez votre code porteur dans la fenêtre cps-bridge");
  });

  it("a cancelled attempt is said calmly (no error box)", () => {
    const { container } = show(STATES.ready, { phase: { step: "failed", code: "ERR_USER_CANCELLED" } });
    const note = container.querySelector('[data-error-code="ERR_USER_CANCELLED"]')!;
    expect(note.className).toBe("note");
    expect(note.textContent).toContain(ERRORS.ERR_USER_CANCELLED.fr);
  });

  it("a failed attempt shows its error and remedy", () => {
    const { text } = show(STATES.ready, { phase: { step: "failed", code: "ERR_USER_TIMEOUT" } });
    expect(text()).toContain(ERRORS.ERR_USER_TIMEOUT.fr);
    expect(text()).toContain(ERRORS.ERR_USER_TIMEOUT.remedyFr);
  });

  it("the portal's refusal: ERR_TOKEN_* from errors.ts, PORTAL_* from the portal contract", () => {
    // The sentence continues after "refusé la connexion :", so its first letter is lower case.
    expect(show(STATES.ready, { portalOutcome: { code: "ERR_TOKEN_CERT_INVALID" } }).text()).toContain(
      ERRORS.ERR_TOKEN_CERT_INVALID.fr.slice(1),
    );
    cleanup();
    const { text } = show(STATES.ready, { portalOutcome: { code: "PORTAL_UNKNOWN_ACCOUNT" } });
    expect(text()).toContain(`connexion : v${PORTAL_OUTCOME_CODES.PORTAL_UNKNOWN_ACCOUNT.fr.slice(1)}`);
    expect(text()).toContain(PORTAL_OUTCOME_CODES.PORTAL_UNKNOWN_ACCOUNT.remedyFr);
  });

  it("real mode: no login button, says cps-bridge checks before the portal's button", () => {
    const { button, text, panel } = show(STATES.ready, { mode: "real" });
    expect(button).toBeNull();
    expect(panel.dataset.mode).toBe("real");
    expect(text()).toContain("Cryptolib CPS");
  });

  it("before the first snapshot: connecting, button off", () => {
    const { panel, button } = show(undefined);
    expect(panel.dataset.situation).toBe("agent-connecting");
    expect(button!.disabled).toBe(true);
  });

  it("in English when the doctor chose English", () => {
    const { text } = show({ ...STATES.ready, language: "en" });
    expect(text()).toContain("Log in with my CPS card");
    expect(text()).toContain("CPS card login assistant");
  });
});
