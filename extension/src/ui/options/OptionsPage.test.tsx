// @vitest-environment happy-dom
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_SETTINGS } from "../../shared/settings";
import { initialState } from "../../shared/state";
import { OptionsPage } from "./OptionsPage";

afterEach(cleanup);

function open(paired = false) {
  const actions = { save: vi.fn(async () => {}), openPairing: vi.fn(), forgetPairing: vi.fn(async () => {}) };
  const view = render(
    <OptionsPage
      state={{ ...initialState(17777, "fr"), paired }}
      settings={{ ...DEFAULT_SETTINGS }}
      actions={actions}
    />,
  );
  const set = (sel: string, value: string) =>
    fireEvent.input(view.container.querySelector(sel)!, { target: { value } });
  const save = () => fireEvent.submit(view.container.querySelector("form")!);
  return { ...view, actions, set, save, text: () => view.container.textContent ?? "" };
}

describe("OptionsPage", () => {
  it("shows the defaults: port 17777 and the two ViaTrajectoire portals", () => {
    const o = open();
    expect(o.container.querySelector<HTMLInputElement>("#agent-port")?.value).toBe("17777");
    expect(o.container.querySelector<HTMLTextAreaElement>("#portals")?.value).toBe(
      "https://trajectoire.sante-ra.fr\nhttps://viatrajectoire.fr",
    );
  });

  it("saves normalised values, with the mock portal as a developer origin", async () => {
    const o = open();
    o.set("#agent-port", "18000");
    o.set("#developer-origins", "http://localhost:8443/");
    fireEvent.change(o.container.querySelector("#language")!, { target: { value: "en" } });
    o.save();
    await waitFor(() => expect(o.actions.save).toHaveBeenCalled());
    expect(o.actions.save).toHaveBeenCalledWith({
      agentPort: 18000,
      portalOrigins: ["https://trajectoire.sante-ra.fr", "https://viatrajectoire.fr"],
      developerOrigins: ["http://localhost:8443"],
      language: "en",
    });
    await waitFor(() => expect(o.text()).toContain("Réglages enregistrés."));
  });

  it("refuses a bad port and an http portal, and saves nothing", async () => {
    const o = open();
    o.set("#agent-port", "80");
    o.set("#portals", "http://viatrajectoire.fr");
    o.save();
    await waitFor(() => expect(o.text()).toContain("entre 1024 et 65535"));
    expect(o.text()).toContain("Adresse non valable : http://viatrajectoire.fr");
    expect(o.actions.save).not.toHaveBeenCalled();
  });

  it("refuses a portal the assistant can never reach (match patterns are fixed), saying which ones it supports", async () => {
    const o = open();
    o.set("#portals", "https://trajectoire.sante-ra.fr\nhttps://autre-portail.example");
    o.set("#developer-origins", "https://staging.example:8443\nhttp://127.0.0.1:9000");
    o.save();
    await waitFor(() =>
      expect(o.text()).toContain("ne prend pas en charge ce portail : https://autre-portail.example"),
    );
    expect(o.text()).toContain("ne prend pas en charge ce portail : https://staging.example:8443");
    expect(o.text()).not.toContain("ce portail : http://127.0.0.1:9000");
    expect(o.actions.save).not.toHaveBeenCalled();
  });

  it("pairing: says whether paired, and can forget it", async () => {
    const o = open(true);
    expect(o.text()).toContain("Cette extension est appairée");
    fireEvent.click(o.container.querySelector('[data-action="forget"]')!);
    await waitFor(() => expect(o.text()).toContain("Appairage oublié"));
    expect(o.actions.forgetPairing).toHaveBeenCalled();
  });
});
