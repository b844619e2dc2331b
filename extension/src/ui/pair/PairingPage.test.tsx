// @vitest-environment happy-dom
import { ERRORS } from "@cps-bridge/protocol/errors";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Answer } from "../../shared/messages";
import { type AgentStatus, type ExtensionState, initialState } from "../../shared/state";
import { PairingPage } from "./PairingPage";

afterEach(cleanup);

function open(status: AgentStatus, answer: Answer = { ok: true }, extra: Partial<ExtensionState> = {}) {
  const state: ExtensionState = { ...initialState(17777, "fr"), agent: { status, port: 17777, since: 0 }, ...extra };
  const submit = vi.fn(async () => answer);
  const view = render(<PairingPage state={state} submit={submit} close={vi.fn()} />);
  const pair = (code: string) => {
    fireEvent.input(view.container.querySelector("#pairing-code")!, { target: { value: code } });
    fireEvent.submit(view.container.querySelector("form")!);
  };
  return { ...view, submit, pair, text: () => view.container.textContent ?? "" };
}

describe("PairingPage", () => {
  it("explains why and how, with the command to run", () => {
    const p = open("unpaired");
    expect(p.text()).toContain("une seule fois par navigateur");
    expect(p.text()).toContain("cps-bridge pair");
    expect(p.text()).toContain("valable 2 minutes");
  });

  it("pairs with the 6 digits typed (spaces allowed) and says it worked", async () => {
    const p = open("unpaired");
    p.pair("123 456");
    await waitFor(() => expect(p.text()).toContain("Appairage réussi"));
    expect(p.submit).toHaveBeenCalledWith("123456");
  });

  it("checks the length before sending anything", async () => {
    const p = open("unpaired");
    p.pair("12345");
    await waitFor(() => expect(p.text()).toContain("exactement 6 chiffres"));
    expect(p.submit).not.toHaveBeenCalled();
  });

  it.each(["ERR_PAIRING_CODE_WRONG", "ERR_PAIRING_WINDOW_CLOSED", "ERR_PAIRING_LOCKED", "ERR_RATE_LIMITED"] as const)(
    "%s: the agent's refusal in plain French with what to do",
    async (code) => {
      const p = open("unpaired", { ok: false, code });
      p.pair("123456");
      await waitFor(() => expect(p.text()).toContain(ERRORS[code].fr));
      expect(p.text()).toContain(ERRORS[code].remedyFr);
    },
  );

  it("agent not running: says so, with the command that starts it", () => {
    const p = open("unavailable");
    expect(p.container.querySelector('[data-agent-down="true"]')).not.toBeNull();
    expect(p.text()).toContain("ne répond pas sur le port 17777");
    expect(p.text()).toContain("cps-bridge start");
  });

  it("agent gone while submitting: its errors.ts sentence", async () => {
    const p = open("unpaired", { ok: false, code: "ERR_AGENT_UNAVAILABLE" });
    p.pair("123456");
    await waitFor(() => expect(p.text()).toContain(ERRORS.ERR_AGENT_UNAVAILABLE.remedyFr));
  });

  it("already paired: says a new pairing replaces the old one", () => {
    expect(open("connected", { ok: true }, { paired: true }).text()).toContain("remplacera l'ancien");
  });
});
