/**
 * The IMAP connection to the doctor's mailbox, through `imapflow` (never a hand-written IMAP client), and the one
 * place that turns its failures into the stable OTP_IMAP_* codes the extension shows. imapflow's own logger is off:
 * it would write protocol lines (and could write the LOGIN command) to our log.
 */
import { BridgeError, type ErrorCode } from "@cps-bridge/protocol/errors";
import { ImapFlow } from "imapflow";

export type ImapSecurity = "tls" | "starttls" | "none";

export interface ImapTarget {
  host: string;
  port: number;
  security: ImapSecurity;
  user: string;
  password: string;
  /** Extra trust anchors (PEM), test mode only (the test dovecot's throw-away certificate). */
  ca?: string[];
}

export const IMAP_CONNECT_TIMEOUT_MS = 10_000;

export function imapClient(t: ImapTarget): ImapFlow {
  return new ImapFlow({
    host: t.host,
    port: t.port,
    secure: t.security === "tls",
    // "starttls": upgrade or fail; "none": never upgrade (a local test server only — the options page warns).
    doSTARTTLS: t.security === "starttls" ? true : t.security === "none" ? false : undefined,
    auth: { user: t.user, pass: t.password },
    logger: false,
    emitLogs: false,
    connectionTimeout: IMAP_CONNECT_TIMEOUT_MS,
    greetingTimeout: 8_000,
    // IDLE is refreshed by imapflow itself (maxIdleTime) well before servers drop idle sessions (RFC 9051: 29 min).
    maxIdleTime: 4 * 60_000,
    socketTimeout: 10 * 60_000,
    tls: {
      minVersion: "TLSv1.2",
      ...(t.ca && t.ca.length > 0 ? { ca: t.ca } : {}),
    },
  });
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
]);

/** imapflow / Node error → the code the doctor sees. Anything unknown is "unreachable" (the safe, retriable one). */
export function imapErrorCode(err: unknown): ErrorCode {
  if (err instanceof BridgeError) return err.code;
  const e = err as { authenticationFailed?: boolean; code?: string; message?: string; responseText?: string };
  if (e?.authenticationFailed) return "OTP_IMAP_AUTH";
  const code = typeof e?.code === "string" ? e.code : "";
  const msg = `${e?.message ?? ""}`;
  if (TLS_CODES.has(code) || /^ERR_(TLS|SSL)_/.test(code) || /certificate|ssl|tls/i.test(msg)) return "OTP_IMAP_TLS";
  if (/authenticat|login|credentials/i.test(`${msg} ${e?.responseText ?? ""}`) && code !== "ECONNREFUSED")
    return "OTP_IMAP_AUTH";
  return "OTP_IMAP_UNREACHABLE";
}

/** A BridgeError with the code and a message that names the server but never the password. */
export function imapError(err: unknown, t: Pick<ImapTarget, "host" | "port">): BridgeError {
  const code = imapErrorCode(err);
  if (err instanceof BridgeError) return err;
  const reason = (err as { code?: string })?.code ?? (err as Error)?.name ?? "error";
  return new BridgeError(code, `IMAP ${t.host}:${t.port}: ${reason}`, { host: t.host, port: t.port, reason });
}
