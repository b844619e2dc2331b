/**
 * Strict standard base64 (RFC 4648 §4, with padding) without Node's Buffer, so the extension bundles it too.
 * `atob` alone is lenient (it skips whitespace, accepts missing padding): the shape is checked first.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(s: unknown): s is string {
  return typeof s === "string" && BASE64.test(s);
}

export function bytesToBase64(bytes: Uint8Array | ArrayBuffer): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = "";
  // Chunked so a large certificate does not overflow String.fromCharCode's argument limit.
  for (let i = 0; i < u8.length; i += 0x8000) bin += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Decodes strict base64; undefined when `s` is not canonical base64. */
export function base64ToBytes(s: string): Uint8Array<ArrayBuffer> | undefined {
  if (!isBase64(s)) return undefined;
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Lower-case hex, no separators. */
export function bytesToHex(bytes: Uint8Array | ArrayBuffer): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The same bytes typed for WebCrypto (TypeScript 5.9 refuses a `Uint8Array<ArrayBufferLike>` as BufferSource because
 * it could view a SharedArrayBuffer); copies only in that case.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
