/**
 * The extension's identity, shared by the extension build (manifest `key`) and the agent (exact Origin allow-list).
 * Chrome and Edge derive the extension id from the manifest `key` (SHA-256 of the SPKI DER, first 32 hex digits
 * mapped 0-f → a-p; shared/research/feasibility.md §5 (f)), so every unpacked copy of this build has this id.
 * Only the public key is in the repository; unpacked loading needs nothing else.
 * Firefox gives every install a random `moz-extension://<uuid>` origin: those are accepted only once paired.
 */

/** Base64 SPKI DER of the RSA key whose hash is the extension id (manifest `key`, Chrome/Edge only). */
export const EXTENSION_MANIFEST_KEY =
  "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyuAwj4Dji7En4xsavKysUeM/rp9FBY33TWmj+gUoDXlIkdFbdJWfHvlef5gSmGSOqXH8lqKW5rPvnntaWKLQOzateXpiOafd8FpUjEnY2ABXKBDCW1UIuOqjL6byoYcxVzMlNRTwURImD1ZmdtTcyz86yOnRHYxHfyDPMn4EwR+FbqXyKQ0aiy2Y2Qb/pCIdwC2uQehIMDSMw7mgEPMIA7ijjL3YbTi0+V9qyFh5+GjpBSGlZUpF5yZoKHZUXOykJmcMh/lPrH3rU8Iqw4vM7wJCYGGmMPNcNCKisLZKXcCFuL+JHZvxsKxwUhVDEj9Rb4cIhtGI68Fle9fa2om2DQIDAQAB";

/** Chrome/Edge id of the build above (a unit test recomputes it from the key). */
export const CHROME_EXTENSION_ID = "banlgmakknkcdfmohidddadanllieedl";

/** Firefox add-on id (browser_specific_settings.gecko.id). Not an origin: Firefox origins are per-install UUIDs. */
export const GECKO_EXTENSION_ID = "cps-bridge@cps-bridge.fr";

/** Origins the agent accepts without pairing-time registration (exact match only). */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [`chrome-extension://${CHROME_EXTENSION_ID}`];

/** Default agent port on 127.0.0.1 (configurable in the agent and in the extension options). */
export const DEFAULT_AGENT_PORT = 17_777;

/**
 * The ports an agent may take when none is configured: the default first, then the next ones (docs/agent.md §12).
 * One agent per user (the instance lock), so ten users of one terminal server each get one; the extension finds its
 * own by the key it pinned at pairing, never by the port (docs/protocol.md §13). Ten so the index is one digit of
 * the pairing code.
 */
export const AGENT_PORT_RANGE_SIZE = 10;
export const AGENT_PORT_RANGE: readonly number[] = Array.from(
  { length: AGENT_PORT_RANGE_SIZE },
  (_, i) => DEFAULT_AGENT_PORT + i,
);
