/**
 * The numbers of the wire contract (docs/protocol.md §Limits). Both ends use them: the agent enforces, the extension
 * stays within them. Changing one is a protocol change: say so in docs/protocol.md.
 */

/** Largest WebSocket frame either side sends or accepts, in bytes (UTF-8). The agent closes with 1009 above it. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Longest request id (ids are client-chosen strings: a uuid or a counter). */
export const MAX_ID_LENGTH = 64;
/** Longest method or event name. */
export const MAX_NAME_LENGTH = 64;
/** Requests one connection may have awaiting a response; more are answered ERR_TOO_MANY_REQUESTS. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 16;
/** Simultaneous connections the agent serves; more are refused at the handshake (HTTP 503). */
export const MAX_CONNECTIONS = 32;

/**
 * The client sends a `heartbeat` request at least this often. 20 s keeps a Chrome MV3 service worker alive (it is
 * stopped after 30 s without an extension event; WebSocket traffic counts since Chrome 116, anchors.md §(a)).
 */
export const HEARTBEAT_INTERVAL_MS = 20_000;
/** The agent closes (4000) a connection that sent nothing for this long; the client reconnects. */
export const IDLE_TIMEOUT_MS = 60_000;
/** A client that got no frame at all for this long considers the connection dead and reconnects. */
export const CLIENT_DEAD_AFTER_MS = 45_000;

/** `hello` must arrive within this delay after the WebSocket opens, else the agent closes (4000). */
export const HELLO_TIMEOUT_MS = 10_000;
/**
 * Default time a connection has to authenticate after opening (close 1008 after it). Long enough for a pairing page
 * that waits while the user runs `cps-bridge pair`; the agent's configuration may shorten it.
 */
export const AUTH_DEADLINE_MS = 150_000;
/** `auth.prove` must follow its `auth.challenge` within this delay, else the challenge expires (ERR_AUTH_FAILED). */
export const AUTH_CHALLENGE_TTL_MS = 30_000;

/** `cps-bridge pair` keeps its window open this long. */
export const PAIRING_WINDOW_MS = 120_000;
/** Wrong codes accepted in one window before it closes with ERR_PAIRING_LOCKED. */
export const PAIRING_MAX_ATTEMPTS = 5;
/** Pairing code length (decimal digits). */
export const PAIRING_CODE_DIGITS = 6;

/** Random nonce length used by `auth.*` (bytes; 44 base64 characters). */
export const AUTH_NONCE_BYTES = 32;

/** Login challenge nonce bounds (base64 characters; 44 = 256 bits), anchors.md §1.3. */
export const NONCE_MIN_LENGTH = 44;
export const NONCE_MAX_LENGTH = 128;
/** Longest origin accepted for a login token (anchors.md §1.3). */
export const ORIGIN_MAX_LENGTH = 255;
/** Bounds of a serialised login token (JSON characters); certificates can exceed 2 KiB (cps-card.md §3.2). */
export const TOKEN_MIN_LENGTH = 100;
export const TOKEN_MAX_LENGTH = 16_384;
