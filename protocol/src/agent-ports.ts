/**
 * Which agent port a pairing code is for (docs/protocol.md §13). `cps-bridge pair` asks the user's own agent over its
 * per-user control channel, so the port it reports is trustworthy; the code the doctor types carries it: when the
 * agent listens on a port of AGENT_PORT_RANGE (extension-ids.ts) the printed code is 7 digits, the index of the port
 * in the range followed by the 6-digit secret of the window. The extension then sends the secret to that port only,
 * never to the other agents of the range: another user's agent never sees this user's code (no pairing to the wrong
 * agent, no wrong code counted against the other user's window). An agent on a port outside the range (configured
 * explicitly) prints the 6 digits alone; the extension sends them to the port set in its options.
 */
import { AGENT_PORT_RANGE } from "./extension-ids";
import { PAIRING_CODE_DIGITS } from "./limits";

/** Index of `port` in AGENT_PORT_RANGE, or undefined outside it. */
export function agentPortIndex(port: number): number | undefined {
  const i = AGENT_PORT_RANGE.indexOf(port);
  return i < 0 ? undefined : i;
}

/** What the doctor types for a window of `code` on `port`: 7 digits in the range, the 6 alone outside it. */
export function pairingEntry(code: string, port: number): string {
  const i = agentPortIndex(port);
  return i === undefined ? code : `${i}${code}`;
}

/** `pairingEntry` grouped for reading aloud: "3 123 456" (or "123 456"). */
export function formatPairingEntry(code: string, port: number): string {
  const grouped = `${code.slice(0, 3)} ${code.slice(3)}`;
  const i = agentPortIndex(port);
  return i === undefined ? grouped : `${i} ${grouped}`;
}

export type ParsedPairingEntry = { ok: true; code: string; port: number | undefined } | { ok: false; reason: "format" };

/**
 * Splits what the doctor typed (spaces and dashes ignored): 7 digits → the range port of the first digit and the
 * secret; 6 digits → the secret with `port: undefined` (the caller's configured port); anything else → format.
 */
export function parsePairingEntry(typed: string): ParsedPairingEntry {
  const digits = typed.replace(/[\s-]/g, "");
  if (!/^\d+$/.test(digits)) return { ok: false, reason: "format" };
  if (digits.length === PAIRING_CODE_DIGITS) return { ok: true, code: digits, port: undefined };
  if (digits.length === PAIRING_CODE_DIGITS + 1) {
    const port = AGENT_PORT_RANGE[Number(digits[0])];
    if (port === undefined) return { ok: false, reason: "format" };
    return { ok: true, code: digits.slice(1), port };
  }
  return { ok: false, reason: "format" };
}
