import { describe, expect, it } from "vitest";
import { type SituationKind, situationOf } from "../shared/situation";
import { STATES } from "../test-support/portal-states";
import { diagnoseFailure, preflightStops, tokenLoginReadiness } from "./readiness";

/** The whole table, so a new situation kind cannot slip in unclassified. */
const EXPECTED: Record<SituationKind, [token: string, preflight: boolean, failure: string]> = {
  "agent-connecting": ["wait", false, "unknown"],
  "agent-unavailable": ["blocked", false, "unknown"],
  "agent-unpaired": ["blocked", false, "unknown"],
  "agent-error": ["blocked", false, "unknown"],
  "pcsc-down": ["blocked", true, "card-explains"],
  "readers-loading": ["wait", false, "unknown"],
  "no-reader": ["blocked", true, "card-explains"],
  "no-card": ["blocked", true, "card-explains"],
  "card-mute": ["blocked", true, "card-explains"],
  "not-a-cps": ["blocked", true, "card-explains"],
  "unsupported-cps": ["blocked", false, "card-explains"],
  "card-reading": ["wait", false, "unknown"],
  "card-error": ["blocked", false, "card-explains"],
  "cert-expired": ["blocked", true, "card-explains"],
  "cert-not-yet-valid": ["blocked", true, "card-explains"],
  "cert-untrusted": ["blocked", true, "card-explains"],
  "pin-blocked": ["blocked", true, "card-explains"],
  "pin-last-try": ["can-login", true, "card-fine"],
  ready: ["can-login", false, "card-fine"],
};

describe("what a situation means for a portal login", () => {
  for (const [kind, [token, preflight, failure]] of Object.entries(EXPECTED)) {
    it(kind, () => {
      const s = situationOf(STATES[kind as SituationKind]);
      expect(s.kind).toBe(kind);
      expect(tokenLoginReadiness(s)).toBe(token);
      expect(preflightStops(s)).toBe(preflight);
      expect(diagnoseFailure(s)).toBe(failure);
    });
  }
});
