/**
 * Card status words (SW1 SW2) → the ERR_ code a user sees (shared/research/cps-card.md §2.5). Used by the agent's card
 * drivers and rendered into docs/errors.md. Some words depend on the command: SELECT of the CPS application answering
 * 6A82 means "not a CPS" (ERR_NOT_A_CPS), while 6A82 on a file inside the application is damaged data.
 */
import type { ErrorCode } from "./errors";

export interface StatusWordRule {
  /** Hex pattern, `x` = any nibble: "63Cx". */
  pattern: string;
  meaning: string;
  /** null: not an error (the driver continues). */
  code: ErrorCode | null;
  /** When the code depends on the command. */
  note?: string;
  source: string;
}

export const STATUS_WORDS: readonly StatusWordRule[] = [
  { pattern: "9000", meaning: "OK", code: null, source: "ISO 7816-4" },
  { pattern: "61xx", meaning: "xx bytes available: GET RESPONSE", code: null, source: "DC card-cps.h" },
  { pattern: "9Fxx", meaning: "bytes available (CPS2ter volet, CLA A0)", code: null, source: "DC card-cps.h" },
  {
    pattern: "63C0",
    meaning: "wrong PIN, no try left: PIN blocked",
    code: "ERR_PIN_BLOCKED",
    source: "DC card-cps4.c",
  },
  {
    pattern: "63Cx",
    meaning: "wrong PIN (or PIN status query): x tries left",
    code: "ERR_PIN_INCORRECT",
    note: "`details.triesLeft` = x; in answer to an empty VERIFY it is the PIN status, not an error",
    source: "DC card-cps.c, card-cps4.c",
  },
  {
    pattern: "6983",
    meaning: "authentication method blocked (PIN blocked)",
    code: "ERR_PIN_BLOCKED",
    source: "DC card-cps4.c; OSC iso7816.c",
  },
  {
    pattern: "6984",
    meaning: "referenced data not usable",
    code: "ERR_CARD_OPERATION_FAILED",
    source: "OSC iso7816.c",
  },
  {
    pattern: "6982",
    meaning: "security status not satisfied (PIN not verified)",
    code: "ERR_PIN_REQUIRED",
    source: "OSC iso7816.c",
  },
  {
    pattern: "6985",
    meaning: "conditions of use not satisfied",
    code: "ERR_CARD_OPERATION_FAILED",
    note: "on CPS4, re-select the ChipDoc application once before failing",
    source: "DC card-cps4.c, release note #1722",
  },
  {
    pattern: "6A82",
    meaning: "file or application not found",
    code: "ERR_CARD_DATA_INVALID",
    note: "ERR_NOT_A_CPS when it answers SELECT of the CPS application",
    source: "ISO 7816-4",
  },
  { pattern: "6A86", meaning: "wrong P1/P2", code: "ERR_CARD_OPERATION_FAILED", source: "OSC commit 1a3666364" },
  {
    pattern: "6A88",
    meaning: "referenced data not found",
    code: "ERR_CARD_OPERATION_FAILED",
    source: "OSC commit fcd2e665f",
  },
  {
    pattern: "6E00",
    meaning: "class not supported: another application is selected",
    code: "ERR_CARD_OPERATION_FAILED",
    note: "re-select the IAS application once before failing",
    source: "DC Linux release note (8401)",
  },
  { pattern: "9804", meaning: "CPS2ter: PIN incorrect", code: "ERR_PIN_INCORRECT", source: "DC card-cps.c" },
  { pattern: "9840", meaning: "CPS2ter: PIN locked", code: "ERR_PIN_BLOCKED", source: "DC card-cps.c" },
];

function matches(pattern: string, sw: string): boolean {
  for (let i = 0; i < 4; i++) if (pattern[i] !== "x" && pattern[i] !== sw[i]) return false;
  return true;
}

/** The rule for a status word (first match in table order; exact words come before patterns). */
export function statusWordRule(sw: number): StatusWordRule | undefined {
  const hex = (sw & 0xffff).toString(16).toUpperCase().padStart(4, "0");
  return STATUS_WORDS.find((r) => matches(r.pattern.toUpperCase().replace(/X/g, "x"), hex));
}

/**
 * The code for a status word: null for success words, the table's code for known ones, ERR_CARD_OPERATION_FAILED for
 * any other (`details.sw` should carry the word).
 */
export function codeForStatusWord(sw: number): ErrorCode | null {
  const rule = statusWordRule(sw);
  return rule ? rule.code : "ERR_CARD_OPERATION_FAILED";
}
