/**
 * Capabilities announced in `hello`'s result: every method and event name the agent implements (e.g. `card.status`,
 * `card.inserted`) plus the feature flags below. A client calls a method only when it is listed, so a 1.1 client
 * works with a 1.0 agent by hiding what the agent lacks.
 *
 * Reserved namespaces, for the roadmap (shared/design.md): methods and events named `diagnostics.*`, `otp.*`,
 * `dossiers.*` and `agent.*` (e.g. `agent.logs.export`) are kept for later minors. A 1.0 agent answers
 * ERR_UNKNOWN_METHOD to them; a client ignores events it does not know.
 */

/** `name`, `dotted.name` or `feature:flag` (lowercase, digits, `.`, `-`, `:`). */
export const CAPABILITY_PATTERN = /^[a-z][a-zA-Z0-9]*(?:[.:-][a-zA-Z0-9]+)*(?:\.\d+)*$/;

export const FEATURES = {
  /** The agent pushes `reader.*`, `card.*` and `agent.state` events to authenticated connections. */
  events: "events",
  /** `login.sign` returns tokens of this format (login-token.ts). */
  loginToken: "login-token:cps-bridge:1.0",
} as const;

export const RESERVED_NAMESPACES = ["diagnostics", "otp", "dossiers", "agent"] as const;

/** Is `name` in a namespace reserved for a later minor? */
export function isReservedName(name: string): boolean {
  return RESERVED_NAMESPACES.some((ns) => name === ns || name.startsWith(`${ns}.`));
}
