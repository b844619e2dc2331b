// @vitest-environment happy-dom
import { ERRORS } from "@cps-bridge/protocol/errors";
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ExtensionState, initialState } from "../../shared/state";
import { cps3Reader } from "../../test-support/fake-agent";
import { Popup } from "./Popup";

afterEach(cleanup);

const NOW = Date.parse("2026-11-25T12:00:00Z");

function connected(readers: ExtensionState["readers"], extra: Partial<ExtensionState> = {}): ExtensionState {
  return {
    ...initialState(17777, "fr"),
    agent: { status: "connected", port: 17777, since: 0, agentVersion: "0.1.0" },
    pcsc: "up",
    readers,
    readersKnown: true,
    paired: true,
    ...extra,
  };
}

function show(state: ExtensionState) {
  const actions = { openPairing: vi.fn(), openOptions: vi.fn(), openDiagnostics: vi.fn(), retry: vi.fn() };
  const view = render(<Popup state={state} actions={actions} now={NOW} />);
  return { ...view, actions, text: () => view.container.textContent ?? "" };
}

describe("Popup", () => {
  it("card ready: holder, RPPS without its prefix, profession, card, certificate dates, days left, PIN tries", () => {
    const { text, container } = show(connected([cps3Reader()]));
    expect(container.querySelector("main")?.dataset.situation).toBe("ready");
    expect(screen.getByText("Carte CPS prête")).toBeTruthy();
    expect(screen.getByText("Claire MARTIN")).toBeTruthy();
    expect(text()).toContain("N° RPPS10001234567");
    expect(text()).toContain("Médecin");
    expect(text()).toContain("Carte CPS3");
    expect(text()).toContain("du 01/01/2025 au 01/01/2028");
    expect(text()).toContain("expire dans 401 jours");
    expect(text()).toContain("3 essais restants sur 3");
    expect(text()).toContain("carte de test");
    expect(text()).toContain("Programme cps-bridge connecté");
    expect(container.querySelector('[data-action="pair"]')).toBeNull();
  });

  it("a certificate ending soon is flagged, with the number of days", () => {
    const cert = { ...cps3Reader().certificate!, notAfter: "2026-12-07T00:00:00Z", validity: "expiring" as const };
    const { container } = show(connected([cps3Reader({ certificate: cert })]));
    const tag = container.querySelector('[data-field="certificate"] .tag');
    expect(tag?.textContent).toBe("expire dans 11 jours");
    expect(tag?.className).toContain("warn");
  });

  it("Vitale card inserted: says so and what to do, from errors.ts", () => {
    const { text } = show(connected([{ name: "Lecteur", state: "present", cardType: "vitale2" }]));
    expect(text()).toContain("Carte Vitale 2 insérée : ce n'est pas une carte CPS");
    expect(text()).toContain(ERRORS.ERR_NOT_A_CPS.remedyFr);
    expect(text()).not.toContain("Titulaire");
  });

  it("blocked card: says so and how to unblock", () => {
    const r = cps3Reader({ pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false } });
    const { text, container } = show(connected([r]));
    expect(text()).toContain("Carte CPS bloquée");
    expect(text()).toContain(ERRORS.ERR_PIN_BLOCKED.remedyFr);
    expect(container.querySelector('[data-field="pin"]')?.textContent).toContain("bloqué");
  });

  it("last try: warns before the doctor types anything", () => {
    const r = cps3Reader({ pin: { triesLeft: 1, maxTries: 3, blocked: false, verified: false } });
    const { text } = show(connected([r]));
    expect(text()).toContain("Attention : dernier essai du code porteur");
    expect(text()).toContain("1 seul essai restant sur 3");
  });

  it("no card: asks for the CPS card", () => {
    const { text } = show(connected([{ name: "Lecteur", state: "empty" }]));
    expect(text()).toContain("Aucune carte dans le lecteur");
    expect(text()).toContain(ERRORS.ERR_NO_CARD.remedyFr);
  });

  it("agent not running: says how to start it and offers to retry", () => {
    const state = { ...initialState(17777, "fr"), agent: { status: "unavailable" as const, port: 17777, since: 0 } };
    const { text, actions, container } = show(state);
    expect(text()).toContain("Le programme cps-bridge ne répond pas");
    expect(text()).toContain("cps-bridge start");
    fireEvent.click(container.querySelector('[data-action="retry"]')!);
    expect(actions.retry).toHaveBeenCalled();
  });

  it("not paired: offers pairing", () => {
    const state = { ...initialState(17777, "fr"), agent: { status: "unpaired" as const, port: 17777, since: 0 } };
    const { container, actions } = show(state);
    const button = container.querySelector<HTMLButtonElement>('[data-action="pair"]')!;
    expect(button.textContent).toBe("Appairer l'extension");
    fireEvent.click(button);
    expect(actions.openPairing).toHaveBeenCalled();
  });

  it("an agent whose key changed: errors.ts sentence, and pairing again offered", () => {
    const state = {
      ...initialState(17777, "fr"),
      paired: true,
      agent: { status: "error" as const, errorCode: "ERR_AGENT_UNTRUSTED" as const, port: 17777, since: 0 },
    };
    const { text, container } = show(state);
    expect(text()).toContain(ERRORS.ERR_AGENT_UNTRUSTED.fr);
    expect(container.querySelector('[data-action="pair"]')?.textContent).toBe("Refaire l'appairage");
  });

  it.each([
    ["agent", "ERR_AGENT_UPDATE_REQUIRED", "Mettez à jour l'agent cps-bridge"],
    ["extension", "ERR_EXTENSION_UPDATE_REQUIRED", "Mettez à jour l'extension cps-bridge depuis la boutique"],
  ] as const)("an incompatible peer (%s to update): the update path, from errors.ts", (side, code, remedy) => {
    const state = {
      ...initialState(17777, "fr"),
      paired: true,
      agent: {
        status: "error" as const,
        errorCode: "ERR_VERSION_MISMATCH" as const,
        errorDetails: { requiresUpdate: side },
        port: 17777,
        since: 0,
      },
    };
    const { text, container } = show(state);
    expect(text()).toContain(ERRORS[code].fr);
    expect(text()).toContain(remedy);
    expect(container.querySelector('[data-action="pair"]')).toBeNull();
  });

  it("a restarted worker shows the last known card, dimmed, while it reconnects", () => {
    const state = { ...initialState(17777, "fr"), readers: [cps3Reader()], readersKnown: false };
    const { text, container } = show(state);
    expect(text()).toContain("Dernier état connu");
    expect(container.querySelector(".facts.stale")).not.toBeNull();
  });

  it("shows the last operation error when it differs from the situation", () => {
    const { text } = show(connected([cps3Reader()], { lastErrorCode: "ERR_PAIRING_CODE_WRONG" }));
    expect(text()).toContain(ERRORS.ERR_PAIRING_CODE_WRONG.fr);
  });

  it("speaks English when the interface language is English", () => {
    const { text } = show(connected([cps3Reader()], { language: "en" }));
    expect(text()).toContain("CPS card ready");
    expect(text()).toContain("RPPS no.");
    expect(text()).toContain("3 tries left out of 3");
    expect(text()).toContain("cps-bridge agent connected");
  });

  it("opens the settings", () => {
    const { container, actions } = show(connected([cps3Reader()]));
    fireEvent.click(container.querySelector('[data-action="options"]')!);
    expect(actions.openOptions).toHaveBeenCalled();
  });
});
