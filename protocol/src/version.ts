/**
 * Protocol versioning (shared/research/anchors.md §1.2 "Versions", §(a) "Versioning"): `major.minor`.
 * Within one major every minor is compatible both ways — a newer side only adds optional fields, methods and events,
 * announced through `hello`'s `capabilities`. A different major is refused with ERR_VERSION_MISMATCH naming the side
 * that runs the older major (`details.requiresUpdate`), as Web eID's `checkCompatibility` does.
 */
import { BridgeError } from "./errors";

export const PROTOCOL_VERSION = "1.2";
export const PROTOCOL_MAJOR = 1;

/** Login token format written by this version (login-token.ts); verifiers accept any `cps-bridge:1.x`. */
export const LOGIN_TOKEN_FORMAT = "cps-bridge:1.0";

export type Side = "agent" | "extension";

export interface ProtocolVersion {
  major: number;
  minor: number;
}

const VERSION = /^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})$/;

/** `"1.0"` → `{major: 1, minor: 0}`; undefined for anything else (no patch part, no leading zeros, ≤ 4 digits). */
export function parseProtocolVersion(s: unknown): ProtocolVersion | undefined {
  if (typeof s !== "string") return undefined;
  const m = VERSION.exec(s);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export type Compatibility =
  | { compatible: true; agent: ProtocolVersion; extension: ProtocolVersion }
  | { compatible: false; requiresUpdate: Side; agent?: ProtocolVersion; extension?: ProtocolVersion };

/**
 * Decides whether an agent and an extension speaking these protocol versions can talk.
 * An unparseable version counts as the older side (it must be updated to something that speaks this protocol).
 */
export function checkCompatibility(agentVersion: string, extensionVersion: string): Compatibility {
  const agent = parseProtocolVersion(agentVersion);
  const extension = parseProtocolVersion(extensionVersion);
  if (!agent) return { compatible: false, requiresUpdate: "agent", ...(extension ? { extension } : {}) };
  if (!extension) return { compatible: false, requiresUpdate: "extension", agent };
  if (agent.major === extension.major) return { compatible: true, agent, extension };
  return { compatible: false, requiresUpdate: agent.major < extension.major ? "agent" : "extension", agent, extension };
}

/**
 * What the agent answers to a `hello` whose `protocolVersion` is `clientVersion`: nothing when compatible, else the
 * ERR_VERSION_MISMATCH to send (`details.requiresUpdate`, `details.agentProtocol`, `details.clientProtocol`).
 */
export function versionMismatch(
  clientVersion: string,
  agentVersion: string = PROTOCOL_VERSION,
): BridgeError | undefined {
  const c = checkCompatibility(agentVersion, clientVersion);
  if (c.compatible) return undefined;
  return new BridgeError(
    "ERR_VERSION_MISMATCH",
    `Protocol ${agentVersion} (agent) cannot talk to ${String(clientVersion).slice(0, 16)} (extension)`,
    {
      requiresUpdate: c.requiresUpdate,
      agentProtocol: agentVersion,
      clientProtocol: String(clientVersion).slice(0, 16),
    },
  );
}
