/**
 * Protocol versioning (shared/research/anchors.md §1.2 "Versions", §(a) "Versioning"): `major.minor`.
 * Within one major every minor is compatible both ways — a newer side only adds optional fields, methods and events,
 * announced through `hello`'s `capabilities`. A different major is refused with ERR_VERSION_MISMATCH naming the side
 * that runs the older major (`details.requiresUpdate`), as Web eID's `checkCompatibility` does.
 *
 * Releases (docs/protocol.md "Compatibility"): agent, protocol and extension carry one release number, the root
 * package.json `version` (copied into each workspace by scripts/set-version.mjs; tested by
 * scripts/src/package/version-sync.test.ts). Besides the major, each side names the oldest release of the other it
 * still works with: MIN_AGENT_RELEASE (checked by the extension on the agent's `hello` answer and by the
 * diagnostics check agent.version) and MIN_EXTENSION_RELEASE (checked by the agent on the extension's `hello`).
 * Both refusals are ERR_VERSION_MISMATCH on the wire (every released peer knows it); the side shown to the doctor
 * becomes ERR_AGENT_UPDATE_REQUIRED or ERR_EXTENSION_UPDATE_REQUIRED (updateErrorCode), whose remedy is the update
 * path.
 */
import pkg from "../package.json";
import { BridgeError, type ErrorCode } from "./errors";

export const PROTOCOL_VERSION = "1.2";
export const PROTOCOL_MAJOR = 1;

/** Login token format written by this version (login-token.ts); verifiers accept any `cps-bridge:1.x`. */
export const LOGIN_TOKEN_FORMAT = "cps-bridge:1.0";

export type Side = "agent" | "extension";

/** The release of this build of agent, protocol and extension (protocol/package.json = root package.json). */
export const RELEASE_VERSION: string = pkg.version;

/** The oldest agent release the extension accepts. Raise it when the extension starts to need what a release added. */
export const MIN_AGENT_RELEASE = "0.1.0";

/** The oldest extension release the agent accepts (only from the client named EXTENSION_CLIENT_NAME). */
export const MIN_EXTENSION_RELEASE = "0.1.0";

/** The `hello` client name of the extension: other clients (test kits, tools) are checked on the protocol major only. */
export const EXTENSION_CLIENT_NAME = "cps-bridge-extension";

const RELEASE = /^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})(?:[-+][0-9A-Za-z.-]{0,24})?$/;

/** `"0.1.0"` (or `"0.1.0-rc.1"`, the suffix ignored) → `[0, 1, 0]`; undefined for anything else. */
export function parseRelease(s: unknown): [number, number, number] | undefined {
  if (typeof s !== "string") return undefined;
  const m = RELEASE.exec(s);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Whether release `s` is at least `minimum`; an unparseable `s` is too old (it predates numbered releases). */
export function releaseAtLeast(s: unknown, minimum: string): boolean {
  const a = parseRelease(s);
  const b = parseRelease(minimum);
  if (!b) throw new Error(`bad minimum release ${minimum}`);
  if (!a) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  return true;
}

/** The releases the check also looks at, when known: `hello` carries both. */
export interface Releases {
  agent?: string;
  extension?: string;
}

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
export function checkCompatibility(
  agentVersion: string,
  extensionVersion: string,
  releases: Releases = {},
): Compatibility {
  const agent = parseProtocolVersion(agentVersion);
  const extension = parseProtocolVersion(extensionVersion);
  if (!agent) return { compatible: false, requiresUpdate: "agent", ...(extension ? { extension } : {}) };
  if (!extension) return { compatible: false, requiresUpdate: "extension", agent };
  if (agent.major !== extension.major) {
    return {
      compatible: false,
      requiresUpdate: agent.major < extension.major ? "agent" : "extension",
      agent,
      extension,
    };
  }
  if (releases.agent !== undefined && !releaseAtLeast(releases.agent, MIN_AGENT_RELEASE)) {
    return { compatible: false, requiresUpdate: "agent", agent, extension };
  }
  if (releases.extension !== undefined && !releaseAtLeast(releases.extension, MIN_EXTENSION_RELEASE)) {
    return { compatible: false, requiresUpdate: "extension", agent, extension };
  }
  return { compatible: true, agent, extension };
}

/**
 * The code shown to the doctor for an ERR_VERSION_MISMATCH: the one whose remedy is the update path of the side
 * named by `details.requiresUpdate`; other codes pass through.
 */
export function updateErrorCode(code: ErrorCode, details?: Readonly<Record<string, unknown>>): ErrorCode {
  if (code !== "ERR_VERSION_MISMATCH") return code;
  if (details?.requiresUpdate === "agent") return "ERR_AGENT_UPDATE_REQUIRED";
  if (details?.requiresUpdate === "extension") return "ERR_EXTENSION_UPDATE_REQUIRED";
  return code;
}

/**
 * What the agent answers to a `hello` whose `protocolVersion` is `clientVersion`: nothing when compatible, else the
 * ERR_VERSION_MISMATCH to send (`details.requiresUpdate`, `details.agentProtocol`, `details.clientProtocol`).
 */
export function versionMismatch(
  clientVersion: string,
  agentVersion: string = PROTOCOL_VERSION,
  client?: { name: string; version: string },
  agentRelease: string = RELEASE_VERSION,
): BridgeError | undefined {
  const releases = client?.name === EXTENSION_CLIENT_NAME ? { extension: client.version } : {};
  const c = checkCompatibility(agentVersion, clientVersion, releases);
  if (c.compatible) return undefined;
  const clientProtocol = String(clientVersion).slice(0, 16);
  return new BridgeError(
    "ERR_VERSION_MISMATCH",
    `Agent ${agentRelease} (protocol ${agentVersion}) cannot talk to ${client ? `${client.name.slice(0, 64)} ${client.version.slice(0, 32)}` : "the client"} (protocol ${clientProtocol})`,
    {
      requiresUpdate: c.requiresUpdate,
      agentProtocol: agentVersion,
      clientProtocol,
      agentRelease,
      ...(releases.extension !== undefined
        ? { clientRelease: releases.extension.slice(0, 32), minExtensionRelease: MIN_EXTENSION_RELEASE }
        : {}),
    },
  );
}
