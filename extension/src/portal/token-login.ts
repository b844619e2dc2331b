/**
 * The one-click token login, from the doctor's click to the form submission (features/cps-login-panel.tsx draws it):
 *
 *   trusted click ─► the card situation allows a login (else nothing is sent: no PIN window, no token) ─►
 *   nonce read from the DOM by the content script ─► background `login.requestToken` (origin from the tab, PIN in the
 *   extension's window) ─► token ─► token field filled and form#form1 submitted (token-submit.ts).
 */
import type { ErrorCode } from "@cps-bridge/protocol/errors";
import type { AnswerOf, RequestOf } from "../shared/messages";
import { situationOf } from "../shared/situation";
import { readChallenge } from "./detectors";
import type { LiveState } from "./live-state";
import { tokenLoginReadiness } from "./readiness";
import { submitToken } from "./token-submit";

export type LoginPhase =
  | { step: "idle" }
  | { step: "waiting-pin" }
  | { step: "submitting" }
  | { step: "failed"; code: ErrorCode };

export interface TokenLoginDeps {
  doc: Document;
  /** The page's origin, from the browser's location. */
  origin: string;
  live: LiveState;
  send(type: "login.requestToken", request: RequestOf<"login.requestToken">): Promise<AnswerOf<"login.requestToken">>;
  onPhase(phase: LoginPhase): void;
  signal: AbortSignal;
}

/** Returns the click handler; it acts on trusted events only and never twice at once. */
export function tokenLogin(d: TokenLoginDeps): (event: Pick<Event, "isTrusted">) => Promise<void> {
  let phase: LoginPhase = { step: "idle" };
  const set = (p: LoginPhase) => {
    phase = p;
    if (!d.signal.aborted) d.onPhase(p);
  };
  return async (event) => {
    // Only the doctor's own click: a script's dispatched or `click()`ed event is not trusted.
    if (!event.isTrusted) return;
    if (phase.step === "waiting-pin" || phase.step === "submitting") return;
    const state = d.live.current();
    // The button is disabled then, but the decision is made here too: a blocker never reaches the background.
    if (!state || tokenLoginReadiness(situationOf(state)) !== "can-login") return;
    const nonce = readChallenge(d.doc);
    if (!nonce) return set({ step: "failed", code: "ERR_INVALID_NONCE" });
    set({ step: "waiting-pin" });
    const answer = await d.send("login.requestToken", { challengeNonce: nonce });
    if (d.signal.aborted) return;
    if (!answer.ok) return set({ step: "failed", code: answer.code });
    set({ step: "submitting" });
    const submitted = submitToken(d.doc, d.origin, nonce, answer.token);
    if (!submitted.ok) set({ step: "failed", code: "ERR_INVALID_NONCE" });
  };
}
