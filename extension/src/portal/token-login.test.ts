// @vitest-environment happy-dom
/**
 * The one-click login's decisions: a blocker never reaches the background (no PIN window, no token), an untrusted
 * event does nothing, the nonce comes from the DOM, and the background's answer becomes either a submitted form or the
 * error to show.
 */
import type { LoginToken } from "@cps-bridge/protocol/login-token-format";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SituationKind } from "../shared/situation";
import type { ExtensionState } from "../shared/state";
import { STATES } from "../test-support/portal-states";
import { fixtureHtml, parseHtml } from "./fixtures/load";
import type { LiveState } from "./live-state";
import { type LoginPhase, tokenLogin } from "./token-login";

const NONCE = "Rml4dHVyZSBub25jZSAtIG5vdCBhIHJlYWwgb25lISE=";
/** happy-dom's document URL: the relative form action resolves against it. */
const ORIGIN = "http://localhost:3000";
const TOKEN = {
  unverifiedCertificate: "MIIB",
  algorithm: "RS256",
  signature: "c2ln",
  format: "cps-bridge:1.0",
  appVersion: "x",
} as LoginToken;

function liveOf(state: ExtensionState | undefined): LiveState {
  return { current: () => state, subscribe: () => {} };
}

function setup(state: ExtensionState | undefined, answer: unknown = { ok: true, token: TOKEN }) {
  const doc = parseHtml(fixtureHtml("mock-login-token.html"));
  const send = vi.fn(async () => answer as never);
  const phases: LoginPhase[] = [];
  const login = tokenLogin({
    doc,
    origin: ORIGIN,
    live: liveOf(state),
    send,
    onPhase: (p) => phases.push(p),
    signal: new AbortController().signal,
  });
  return { doc, send, phases, login };
}

let submit: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  submit = vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const trusted = { isTrusted: true };

describe("tokenLogin", () => {
  it("ready card: asks the background with the page's nonce, then submits the token", async () => {
    const { send, phases, login } = setup(STATES.ready);
    await login(trusted);
    expect(send).toHaveBeenCalledWith("login.requestToken", { challengeNonce: NONCE });
    expect(phases.map((p) => p.step)).toEqual(["waiting-pin", "submitting"]);
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it("the last try may log in (the PIN window asks for consent)", async () => {
    const { send, login } = setup(STATES["pin-last-try"]);
    await login(trusted);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("an untrusted event (a script's click) does nothing", async () => {
    const { send, phases, login } = setup(STATES.ready);
    await login({ isTrusted: false });
    expect(send).not.toHaveBeenCalled();
    expect(phases).toEqual([]);
  });

  const blockers: SituationKind[] = [
    "agent-unavailable",
    "agent-unpaired",
    "no-card",
    "not-a-cps",
    "card-mute",
    "pin-blocked",
    "cert-expired",
    "cert-not-yet-valid",
    "cert-untrusted",
    "agent-connecting",
    "card-reading",
  ];
  for (const kind of blockers) {
    it(`${kind}: no login is attempted`, async () => {
      const { send, phases, login } = setup(STATES[kind]);
      await login(trusted);
      expect(send).not.toHaveBeenCalled();
      expect(phases).toEqual([]);
      expect(submit).not.toHaveBeenCalled();
    });
  }

  it("no state yet: nothing is sent", async () => {
    const { send, login } = setup(undefined);
    await login(trusted);
    expect(send).not.toHaveBeenCalled();
  });

  it("a refusal from the background is shown, nothing is submitted", async () => {
    const { phases, login } = setup(STATES.ready, { ok: false, code: "ERR_USER_CANCELLED" });
    await login(trusted);
    expect(phases.at(-1)).toEqual({ step: "failed", code: "ERR_USER_CANCELLED" });
    expect(submit).not.toHaveBeenCalled();
  });

  it("a second click while the PIN window is open is ignored", async () => {
    let release!: (v: unknown) => void;
    const { send, login } = setup(STATES.ready);
    send.mockImplementationOnce(() => new Promise((r) => (release = r)) as never);
    const first = login(trusted);
    await login(trusted);
    expect(send).toHaveBeenCalledTimes(1);
    release({ ok: false, code: "ERR_USER_CANCELLED" });
    await first;
  });
});
