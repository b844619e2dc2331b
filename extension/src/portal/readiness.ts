/**
 * What the card situation (shared/situation.ts — the one state → situation mapping, reused as is) means for a login
 * on the portal. Words are not decided here: the panel shows the situation's own headline and remedy (headline.ts).
 *
 * - Token portals: the one-click login is offered only when the card can log in now (`ready`, or `pin-last-try`,
 *   where the PIN window asks for explicit consent); transient states wait; everything else blocks it and no login
 *   is attempted.
 * - Today's portal (TLS client authentication by the browser and the Cryptolib CPS): cps-bridge only sees the card
 *   through its own agent, so the pre-flight stops the portal's button only for what dooms a card login whatever
 *   the middleware (cps-card.md §5.3: no reader or service, no card, wrong card, mute card, blocked PIN, certificate
 *   out of dates or not IGC-Santé), plus the last PIN try (a warning the doctor confirms). When the agent is not there
 *   it knows nothing, so it does not stand in the way.
 */
import type { Situation, SituationKind } from "../shared/situation";

export type TokenLoginReadiness = "can-login" | "wait" | "blocked";

const WAITING: ReadonlySet<SituationKind> = new Set(["agent-connecting", "readers-loading", "card-reading"]);

export function tokenLoginReadiness(s: Situation): TokenLoginReadiness {
  if (s.kind === "ready" || s.kind === "pin-last-try") return "can-login";
  if (WAITING.has(s.kind)) return "wait";
  return "blocked";
}

/** Situations in which the portal's own card button would fail (or risk blocking the card): the pre-flight stops. */
const PREFLIGHT_STOPS: ReadonlySet<SituationKind> = new Set([
  "pcsc-down",
  "no-reader",
  "no-card",
  "card-mute",
  "not-a-cps",
  "pin-blocked",
  "cert-expired",
  "cert-not-yet-valid",
  "cert-untrusted",
  "pin-last-try",
]);

export function preflightStops(s: Situation): boolean {
  return PREFLIGHT_STOPS.has(s.kind);
}

/** On the failure page: does the live situation explain the failure, prove the card fine, or is it unknown? */
export type FailureDiagnosis = "card-explains" | "card-fine" | "unknown";

export function diagnoseFailure(s: Situation): FailureDiagnosis {
  if (s.kind === "ready" || s.kind === "pin-last-try") return "card-fine";
  if (s.kind.startsWith("agent-") || WAITING.has(s.kind)) return "unknown";
  return "card-explains";
}
