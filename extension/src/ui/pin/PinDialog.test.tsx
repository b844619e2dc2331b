// @vitest-environment happy-dom
import { ERRORS } from "@cps-bridge/protocol/errors";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PinRequestInfo, PinSubmitResult } from "../../background/pin/pin-requests";
import { cps3Reader } from "../../test-support/fake-agent";
import { PinDialog } from "./PinDialog";

afterEach(cleanup);

const reader = cps3Reader();
const info = (over: Partial<PinRequestInfo> = {}): PinRequestInfo => ({
  requestId: "r",
  origin: "https://viatrajectoire.fr",
  reader: reader.name,
  cardType: "cps3",
  holder: reader.holder!,
  pin: { triesLeft: 3, maxTries: 3, blocked: false, verified: false },
  ...over,
});

function open(i: PinRequestInfo | undefined, results: PinSubmitResult[] = []) {
  const submit = vi.fn(async () => ({ ok: true as const, result: results.shift() ?? { status: "signed" as const } }));
  const cancel = vi.fn();
  const close = vi.fn();
  const view = render(<PinDialog lang="fr" info={i} submit={submit} cancel={cancel} close={close} />);
  const input = () => view.container.querySelector<HTMLInputElement>("#pin")!;
  const type = (pin: string) => fireEvent.input(input(), { target: { value: pin } });
  const send = () => fireEvent.submit(view.container.querySelector("form")!);
  return { ...view, submit, cancel, close, input, type, send, text: () => view.container.textContent ?? "" };
}

describe("PinDialog", () => {
  it("shows which site asks, whose card it is and the tries left", () => {
    const d = open(info());
    expect(d.container.querySelector('[data-field="origin"]')?.textContent).toBe("https://viatrajectoire.fr");
    expect(d.text()).toContain("Carte de Claire MARTIN");
    expect(d.text()).toContain("3 essais restants sur 3");
  });

  it("has a masked 4-digit numeric field that nothing autocompletes", () => {
    const field = open(info()).input();
    expect(field.type).toBe("password");
    expect(field.getAttribute("inputmode")).toBe("numeric");
    expect(field.getAttribute("autocomplete")).toBe("off");
    expect(field.maxLength).toBe(4);
  });

  it("sends the PIN once and empties the field before the answer comes", async () => {
    const d = open(info());
    d.type("2468");
    d.send();
    expect(d.input()?.value ?? "").toBe("");
    await waitFor(() => expect(d.submit).toHaveBeenCalledWith("2468", false));
    await waitFor(() => expect(d.text()).toContain("Connexion autorisée"));
    await waitFor(() => expect(d.close).toHaveBeenCalled(), { timeout: 2000 });
  });

  it("refuses anything but 4 digits without sending it", async () => {
    const d = open(info());
    d.type("12");
    d.send();
    await waitFor(() => expect(d.text()).toContain(ERRORS.ERR_PIN_FORMAT.fr));
    expect(d.submit).not.toHaveBeenCalled();
  });

  it("a wrong PIN says how many tries are left", async () => {
    const d = open(info(), [{ status: "wrong", triesLeft: 2, maxTries: 3 }]);
    d.type("1111");
    d.send();
    await waitFor(() => expect(d.text()).toContain("Code incorrect. Il vous reste 2 essais."));
    expect(d.text()).toContain("2 essais restants sur 3");
  });

  it("on the last try, Valider stays disabled until the doctor confirms, and the confirmation is sent", async () => {
    const d = open(info({ pin: { triesLeft: 1, maxTries: 3, blocked: false, verified: false } }));
    expect(d.text()).toContain("Il ne vous reste qu'un seul essai.");
    const ok = d.container.querySelector<HTMLButtonElement>('[data-action="pin-submit"]')!;
    expect(ok.disabled).toBe(true);
    d.type("2468");
    d.send();
    expect(d.submit).not.toHaveBeenCalled();
    fireEvent.click(d.container.querySelector('[data-action="confirm-last-try"]')!);
    await waitFor(() => expect(ok.disabled).toBe(false));
    d.type("2468");
    d.send();
    await waitFor(() => expect(d.submit).toHaveBeenCalledWith("2468", true));
  });

  it("a second wrong PIN turns into the last-try confirmation", async () => {
    const d = open(info({ pin: { triesLeft: 2, maxTries: 3, blocked: false, verified: false } }), [
      { status: "wrong", triesLeft: 1, maxTries: 3 },
    ]);
    d.type("1111");
    d.send();
    await waitFor(() => expect(d.text()).toContain("Code incorrect. Il ne vous reste qu'un seul essai."));
    expect(d.container.querySelector('[data-last-try="true"]')).not.toBeNull();
  });

  it("a blocked card explains how to unblock: CPS Gestion with the 8-digit code, or ANS", async () => {
    const d = open(info(), [{ status: "blocked" }]);
    d.type("0000");
    d.send();
    await waitFor(() => expect(d.container.querySelector('[data-pin-view="blocked"]')).not.toBeNull());
    expect(d.text()).toContain(ERRORS.ERR_PIN_BLOCKED.fr);
    expect(d.text()).toContain("CPS Gestion");
    expect(d.text()).toContain("8 chiffres");
    expect(d.text()).toContain("ANS");
    expect(d.container.querySelector("#pin")).toBeNull();
    // The tries shown above follow: no stale "3 essais restants".
    expect(d.container.querySelector("[data-pin-tries]")?.textContent).toContain("bloqué");
  });

  it("opens directly on the explanation for a card already blocked", () => {
    const d = open(info({ pin: { triesLeft: 0, maxTries: 3, blocked: true, verified: false } }));
    expect(d.container.querySelector('[data-pin-view="blocked"]')).not.toBeNull();
  });

  it("a final error (card removed) is explained and only Fermer remains", async () => {
    const d = open(info(), [{ status: "error", code: "ERR_CARD_REMOVED", final: true }]);
    d.type("2468");
    d.send();
    await waitFor(() => expect(d.text()).toContain(ERRORS.ERR_CARD_REMOVED.remedyFr));
    expect(d.container.querySelector("#pin")).toBeNull();
  });

  it("an unknown or finished request says it expired", () => {
    expect(open(undefined).text()).toContain("Cette demande n'est plus valable");
  });

  it("Annuler cancels; hiding the page empties the field", () => {
    const d = open(info());
    d.type("2468");
    window.dispatchEvent(new Event("pagehide"));
    expect(d.input().value).toBe("");
    fireEvent.click(d.container.querySelector('[data-action="pin-cancel"]')!);
    expect(d.cancel).toHaveBeenCalled();
  });
});
