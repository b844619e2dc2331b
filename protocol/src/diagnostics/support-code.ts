/**
 * The support code: what a doctor reads out on the phone so that the support desk knows the failing checks, the
 * versions, the OS and the browser without the report. 100 bits in 20 Crockford base32 characters, in four groups of
 * five after `CPS-` (e.g. `CPS-1B4ZK-00G7Q-R3M2C-9XV0T`). Crockford's alphabet has no I, L, O, U: decoding reads
 * i/l as 1, o as 0, ignores case, spaces and dashes. Layout (most significant bit first):
 *
 * | bits | field |
 * |---|---|
 * | 4 | format version (1) |
 * | 3 | OS: 0 other, 1 Linux, 2 Windows, 3 macOS |
 * | 3 | browser: 0 none (CLI), 1 Chrome, 2 Edge, 3 Firefox, 4 Chromium, 5 other |
 * | 16 | agent version: major 4, minor 6, patch 6 bits (0.0.0 = unknown) |
 * | 16 | extension version, same layout |
 * | 48 | per check, in CHECK_IDS order (24 × 2 bits): 0 not run / skipped, 1 ok, 2 warning, 3 failed |
 * | 10 | checksum: FNV-1a of the 90 bits above, low 10 bits (a mistyped character is caught with odds 1023/1024) |
 */
import { CHECK_IDS, type CheckId, type Verdict } from "./model";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const FORMAT = 1;
export const OS_CODES = ["other", "linux", "win32", "darwin"] as const;
export const BROWSER_CODES = ["none", "chrome", "edge", "firefox", "chromium", "other"] as const;
export type SupportOs = (typeof OS_CODES)[number];
export type SupportBrowser = (typeof BROWSER_CODES)[number];

export interface SupportCodeInput {
  os: string;
  browser?: string;
  agentVersion?: string;
  extensionVersion?: string;
  results: readonly { id: CheckId; verdict: Verdict }[];
}

export interface DecodedSupportCode {
  format: number;
  os: SupportOs;
  browser: SupportBrowser;
  agentVersion: string | null;
  extensionVersion: string | null;
  verdicts: Partial<Record<CheckId, Exclude<Verdict, "skipped">>>;
  failed: CheckId[];
  warnings: CheckId[];
}

export class SupportCodeError extends Error {}

const VERDICT_BITS: Record<Verdict, bigint> = { skipped: 0n, ok: 1n, warning: 2n, failed: 3n };
const BITS_VERDICT = [undefined, "ok", "warning", "failed"] as const;

function packVersion(v: string | undefined): bigint {
  const m = v ? /^(\d+)\.(\d+)\.(\d+)/.exec(v) : null;
  if (!m) return 0n;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (a > 15 || b > 63 || c > 63) return 0n;
  return (BigInt(a) << 12n) | (BigInt(b) << 6n) | BigInt(c);
}
function unpackVersion(x: bigint): string | null {
  if (x === 0n) return null;
  return `${Number(x >> 12n)}.${Number((x >> 6n) & 63n)}.${Number(x & 63n)}`;
}

function checksum(payload: bigint): bigint {
  let h = 0x811c9dc5;
  for (let i = 0; i < 12; i++) {
    h ^= Number((payload >> BigInt(8 * i)) & 0xffn);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return BigInt(h & 0x3ff);
}

export function encodeSupportCode(input: SupportCodeInput): string {
  const os = Math.max(0, OS_CODES.indexOf(input.os as SupportOs));
  const br = input.browser === undefined ? 0 : BROWSER_CODES.indexOf(input.browser as SupportBrowser);
  let x = BigInt(FORMAT);
  x = (x << 3n) | BigInt(os);
  x = (x << 3n) | BigInt(br < 0 ? 5 : br);
  x = (x << 16n) | packVersion(input.agentVersion);
  x = (x << 16n) | packVersion(input.extensionVersion);
  const byId = new Map(input.results.map((r) => [r.id, r.verdict]));
  for (const id of CHECK_IDS) x = (x << 2n) | VERDICT_BITS[byId.get(id) ?? "skipped"];
  x = (x << 10n) | checksum(x);
  let s = "";
  for (let i = 19; i >= 0; i--) s += ALPHABET[Number((x >> BigInt(5 * i)) & 31n)];
  return `CPS-${s.slice(0, 5)}-${s.slice(5, 10)}-${s.slice(10, 15)}-${s.slice(15)}`;
}

export function decodeSupportCode(code: string): DecodedSupportCode {
  const s = code
    .trim()
    .toUpperCase()
    .replace(/^CPS/, "")
    .replace(/[\s-]/g, "")
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  if (s.length !== 20) throw new SupportCodeError("a support code has 20 characters after CPS-");
  let x = 0n;
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new SupportCodeError(`character “${ch}” is not in a support code`);
    x = (x << 5n) | BigInt(v);
  }
  const sum = x & 0x3ffn;
  const payload = x >> 10n;
  if (checksum(payload) !== sum) throw new SupportCodeError("checksum mismatch: a character was misheard or mistyped");
  let p = payload;
  const verdicts: DecodedSupportCode["verdicts"] = {};
  for (let i = CHECK_IDS.length - 1; i >= 0; i--) {
    const v = BITS_VERDICT[Number(p & 3n)];
    if (v) verdicts[CHECK_IDS[i]!] = v;
    p >>= 2n;
  }
  const ext = unpackVersion(p & 0xffffn);
  p >>= 16n;
  const agent = unpackVersion(p & 0xffffn);
  p >>= 16n;
  const browser = BROWSER_CODES[Number(p & 7n)] ?? "other";
  p >>= 3n;
  const os = OS_CODES[Number(p & 7n)] ?? "other";
  p >>= 3n;
  const format = Number(p);
  if (format !== FORMAT) throw new SupportCodeError(`unknown support code format ${format}`);
  const ids = CHECK_IDS.filter((id) => verdicts[id]);
  return {
    format,
    os,
    browser,
    agentVersion: agent,
    extensionVersion: ext,
    verdicts,
    failed: ids.filter((id) => verdicts[id] === "failed"),
    warnings: ids.filter((id) => verdicts[id] === "warning"),
  };
}
