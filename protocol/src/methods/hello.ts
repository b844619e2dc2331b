/**
 * `hello`: the first message on every connection (Web eID's version handshake, anchors.md §1.2). The agent answers
 * its protocol version and capabilities; a different major is refused with ERR_VERSION_MISMATCH whose
 * `details.requiresUpdate` names the side to update. Any other request before `hello` is ERR_PROTOCOL.
 */
import * as v from "valibot";
import { CAPABILITY_PATTERN } from "../capabilities";
import { defineMethod, GENERIC_ERRORS, label } from "./define";

const VersionString = v.pipe(v.string(), v.maxLength(16), v.regex(/^\d{1,4}\.\d{1,4}$/, "major.minor"));

export const hello = defineMethod({
  name: "hello",
  summary: "Version handshake; must be the first request on a connection.",
  params: v.strictObject({
    /** The protocol version the client speaks, `major.minor` (version.ts PROTOCOL_VERSION). */
    protocolVersion: VersionString,
    client: v.strictObject({
      /** e.g. "cps-bridge-extension" */
      name: label(64),
      /** The client's own release, e.g. "0.1.0". */
      version: label(32),
    }),
    /** Language of the human messages the agent sends on this connection (codes never change). Default "fr". */
    lang: v.optional(v.picklist(["fr", "en"])),
  }),
  result: v.object({
    /** The agent's release, e.g. "0.1.0". */
    agentVersion: v.string(),
    /** The protocol version the agent speaks (same major as the client's). */
    protocolVersion: VersionString,
    /** What this agent implements: method names, event names and feature flags (capabilities.ts). */
    capabilities: v.array(v.pipe(v.string(), v.regex(CAPABILITY_PATTERN))),
    /** The agent accepts test-bench certificates and http://localhost origins (never on a doctor's machine). */
    testMode: v.boolean(),
    pairing: v.object({
      /** A `cps-bridge pair` window is open now: `pair.complete` can succeed. */
      open: v.boolean(),
    }),
    /**
     * Which agent this is: the first 16 hex digits of SHA-256 of its public key (SPKI DER), the key `pair.complete`
     * answers. A claim, not a proof (only `auth.challenge` proves the key): a client looking for the agent it
     * pinned skips agents that name another key without sending them anything more (docs/protocol.md §13).
     * Optional: absent from agents before it.
     */
    agentKeyId: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/))),
  }),
  requiresAuth: false,
  cardOperation: false,
  timeoutMs: 5_000,
  errors: [...GENERIC_ERRORS, "ERR_VERSION_MISMATCH"],
  since: "1.0",
});
