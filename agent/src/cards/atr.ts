/**
 * ATR structure (ISO/IEC 7816-3 §8): interface bytes, offered protocols, historical bytes. Used by the ATR table's
 * "ANS CPx, unknown version" heuristic (historical bytes start `00 12 25 00 64 80`, cps-card.md §1.3 [I]) and
 * by diagnostics. A malformed ATR parses to `null`, never throws.
 */
export interface ParsedAtr {
  ts: number;
  /** Protocols announced in TD bytes; T=0 when none is. */
  protocols: number[];
  historical: Uint8Array;
  tck?: number;
}

export function parseAtr(atr: Uint8Array): ParsedAtr | null {
  if (atr.length < 2) return null;
  const ts = atr[0]!;
  const t0 = atr[1]!;
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let i = 2;
  const protocols: number[] = [];
  for (let guard = 0; guard < 16; guard++) {
    if (y & 0x1) i++; // TA
    if (y & 0x2) i++; // TB
    if (y & 0x4) i++; // TC
    if (!(y & 0x8)) break;
    if (i >= atr.length) return null;
    const td = atr[i++]!;
    protocols.push(td & 0x0f);
    y = td >> 4;
  }
  if (i + k > atr.length) return null;
  const historical = atr.slice(i, i + k);
  const needsTck = protocols.some((p) => p !== 0);
  const tck = needsTck ? atr[i + k] : undefined;
  if (needsTck && tck === undefined) return null;
  return { ts, protocols: protocols.length ? [...new Set(protocols)] : [0], historical, tck };
}
