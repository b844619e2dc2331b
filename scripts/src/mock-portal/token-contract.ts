/**
 * The cps-bridge token-login contract as the mock portal serves it. The contract itself (meta names, form and field
 * names, the portal's outcome codes) lives in @cps-bridge/protocol/portal-contract, shared with the extension's
 * login assistant; this file re-exports it and adds the mock's own policy (how long a nonce lives).
 * docs/mock-portal.md "Token-login contract".
 */
export {
  isPortalOutcomeCode,
  NONCE_BYTES,
  PORTAL_OUTCOME_CODES,
  type PortalOutcomeCode,
  TOKEN_CONTRACT,
} from "@cps-bridge/protocol/portal-contract";

/** The mock's nonce lifetime (announced in the `cps-bridge-challenge-ttl` meta): 5 minutes of the mock clock. */
export const NONCE_TTL_MS = 5 * 60_000;
