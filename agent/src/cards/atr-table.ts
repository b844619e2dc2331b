/**
 * THE table deciding a card's type from its ATR, without sending any APDU (cps-card.md §1.3–§1.4). First match
 * wins, so exact entries come before masked ones: the CPS2ter and CPS4-T=0 ATRs also match the CPS3 contact mask
 * (bytes 5–10 `00 12 25 00 64 80` and the final `00 90 00` are all the mask keeps).
 *
 * `driver` says which card driver reads the card; types without one are shown but never driven. For an ATR that
 * matches nothing, cards/identify.ts tries a non-destructive SELECT of the CPS AIDs before calling it "unknown".
 * Labels (French first) live in @cps-bridge/protocol/card-labels so the extension shows the same words.
 * Not in the table on purpose: the "3B 6x 00 00 …" family that pcsc-tools lists for many French bank cards
 * (cps-card.md §1.4) — as a mask it also catches unrelated cards, which must stay "unknown" and get the AID probe.
 */
import type { CardType } from "@cps-bridge/protocol/model";
import { fromHex } from "../pcsc/apdu";
import { parseAtr } from "./atr";

export type DriverFamily = "cps3" | "cps3-contactless" | "cps4";

export interface AtrEntry {
  type: CardType;
  description: string;
  /** Hex; compared on `mask` bits only. */
  atr: string;
  /** Hex, same length as `atr`; absent = exact. */
  mask?: string;
  /** Match a prefix of the card's ATR (any length ≥ the pattern's). */
  prefix?: boolean;
  driver?: DriverFamily;
  /** Research confidence of this entry (HELPERS.md tags). */
  confidence: "C" | "I" | "U";
  source: string;
}

export const ATR_TABLE: readonly AtrEntry[] = [
  // ── CPx, exact values first ──
  {
    type: "cps4",
    description: "CPS4 (T=0/T=1)",
    atr: "3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44",
    driver: "cps4",
    confidence: "C",
    source: "cps-card.md §1.3 (DC card-cps.c CPS4_C_ATR)",
  },
  {
    type: "cps4",
    description: "CPS4 release candidate",
    atr: "3B 9B 18 80 01 00 12 25 00 64 80 00 04 01 00 90 44",
    driver: "cps4",
    confidence: "C",
    source: "cps-card.md §1.3 (DC card-cps.c CPS4RC_C_ATR)",
  },
  {
    type: "cps4",
    description: "CPS4 T=0 only",
    atr: "3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00",
    driver: "cps4",
    confidence: "C",
    source: "cps-card.md §1.3 (DC card-cps.c CPS4TO_C_ATR; pcsc-tools)",
  },
  {
    type: "cps2ter",
    description: "CPS2ter (older CPS, byte 02 where CPS3 has 03)",
    atr: "3B AC 00 40 2A 00 12 25 00 64 80 82 02 12 00 90 00",
    confidence: "U",
    source: "cps-card.md §1.2–1.3 (pcsc-tools 'Sesam Vitale card CPS') [I/U]",
  },
  // ── CPx, masked ──
  {
    type: "cps3",
    description: "CPS3 contact (IAS-ECC)",
    atr: "3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00",
    mask: "FF 00 00 00 00 FF FF FF FF FF FF 00 00 00 FF FF FF",
    driver: "cps3",
    confidence: "C",
    source: "cps-card.md §1.3 (DC card-cps.c CPS3_C_ATR/MASK; OpenSC card-iasecc.c)",
  },
  {
    type: "cps3-contactless",
    description: "CPS3 contactless",
    atr: "3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E",
    mask: "FF FF FF FF FF FF FF FF 00 00 FF C0 FF FF FF FF FF FF FF FF",
    driver: "cps3-contactless",
    confidence: "C",
    source: "cps-card.md §1.3 (DC card-cps.c; pcsc-tools 'Contactless CPS v3')",
  },
  // ── not a CPS ──
  {
    type: "vitale2",
    description: "Carte Vitale 2 (3B 75 13 00 00 4x 09 EA|FA 90 00)",
    atr: "3B 75 13 00 00 40 09 EA 90 00",
    mask: "FF FF FF FF FF F0 FF EF FF FF",
    confidence: "C",
    source: "cps-card.md §1.4 (pcsc-tools)",
  },
  {
    type: "vitale1",
    description: "Carte Vitale 1 (3F 65 25 00 xx 09 xx 90 00)",
    atr: "3F 65 25 00 00 09 00 90 00",
    mask: "FF FF FF FF 00 FF 00 FF FF",
    confidence: "C",
    source: "cps-card.md §1.4 (pcsc-tools)",
  },
  {
    type: "cnie",
    description: "CNIe (2021), contact",
    atr: "3B DB 96 FF 80 B1 FE 45 1F 87 00 31 C1 64 09 37 72 13 0F 90 00 F4",
    confidence: "C",
    source: "cps-card.md §1.4 (OpenSC #2649, #3168)",
  },
  {
    type: "cnie",
    description: "CNIe (2021), contactless",
    atr: "3B 8B 80 01 00 31 C1 64 09 37 72 13 00 90 00 51",
    confidence: "C",
    source: "cps-card.md §1.4 (OpenSC #2649, #3168)",
  },
  {
    type: "bank",
    description: "French bank card (CB/EMV) 3B 65 00 00 20 63 CB xx xx",
    atr: "3B 65 00 00 20 63 CB 00 00",
    mask: "FF FF FF FF FF FF FF 00 00",
    confidence: "C",
    source: "cps-card.md §1.4 (pcsc-tools)",
  },
  {
    type: "bank",
    description: "Old French CB card 3F 65 25 xx xx 04 6C 90 x0",
    atr: "3F 65 25 00 00 04 6C 90 00",
    mask: "FF FF FF 00 00 FF FF FF F0",
    confidence: "C",
    source: "cps-card.md §1.4 (pcsc-tools)",
  },
];

interface CompiledEntry {
  entry: AtrEntry;
  atr: Uint8Array;
  mask: Uint8Array;
}

const COMPILED: CompiledEntry[] = ATR_TABLE.map((entry) => {
  const atr = fromHex(entry.atr);
  const mask = entry.mask ? fromHex(entry.mask) : new Uint8Array(atr.length).fill(0xff);
  if (mask.length !== atr.length) throw new Error(`ATR table: mask length differs for ${entry.description}`);
  return { entry, atr, mask };
});

function matches(c: CompiledEntry, atr: Uint8Array): boolean {
  if (c.entry.prefix ? atr.length < c.atr.length : atr.length !== c.atr.length) return false;
  for (let i = 0; i < c.atr.length; i++) {
    if ((atr[i]! & c.mask[i]!) !== (c.atr[i]! & c.mask[i]!)) return false;
  }
  return true;
}

/** Historical bytes of ANS-issued CPx cards: category 00, country 250 (France), pre-issuing tag 6 (§1.3 [I]). */
const CPX_HISTORICAL_PREFIX = fromHex("001225006480");

export interface AtrIdentification {
  type: CardType;
  entry?: AtrEntry;
  driver?: DriverFamily;
  /** How the decision was made. */
  by: "table" | "cpx-heuristic" | "no-atr" | "no-match";
}

/** ATR → card type, no APDU. `unknown` means: probe with a SELECT before telling the user (cards/identify.ts). */
export function identifyAtr(atr: Uint8Array | null | undefined): AtrIdentification {
  if (!atr || atr.length === 0) return { type: "mute", by: "no-atr" };
  for (const c of COMPILED) {
    if (matches(c, atr)) return { type: c.entry.type, entry: c.entry, driver: c.entry.driver, by: "table" };
  }
  const parsed = parseAtr(atr);
  if (parsed && startsWith(parsed.historical, CPX_HISTORICAL_PREFIX))
    return { type: "cpx-unknown", by: "cpx-heuristic" };
  return { type: "unknown", by: "no-match" };
}

function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  return a.length >= prefix.length && prefix.every((b, i) => a[i] === b);
}
