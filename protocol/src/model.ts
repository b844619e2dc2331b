/**
 * The domain objects that travel between agent and extension: readers, cards, holders, certificates, PIN status,
 * agent state. Each is a valibot schema (validated at both ends) with its static type beside it.
 * Field names are part of the wire contract: rename only with a protocol major version bump.
 */
import * as v from "valibot";

/**
 * Stable card type codes, decided from the ATR (agent/src/cards/atr-table.ts).
 * `cpx-unknown`: an ANS-issued CPx card whose exact generation is not in the table
 * (historical bytes start 00 12 25 00 64 80, shared/research/cps-card.md §1.3 [I]).
 */
export const CARD_TYPES = [
  "cps3",
  "cps3-contactless",
  "cps4",
  "cps2ter",
  "cpx-unknown",
  "vitale1",
  "vitale2",
  "cnie",
  "bank",
  "unknown",
  "mute",
] as const;
export const CardTypeSchema = v.picklist(CARD_TYPES);
export type CardType = v.InferOutput<typeof CardTypeSchema>;

/** Card types the agent can log in with (a driver exists). */
export const SUPPORTED_CARD_TYPES: readonly CardType[] = ["cps3", "cps4"];

/** How the national identifier (PS_IdNat) was built: `8`+RPPS, `0`+ADELI, or a structure card id. */
export const IdTypeSchema = v.picklist(["RPPS", "ADELI", "structure"]);
export type IdType = v.InferOutput<typeof IdTypeSchema>;

/** Card kind (SESAM-Vitale "type de carte PS", cps-card.md §1.1). */
export const CardKindSchema = v.picklist(["CPS", "CPF", "CPE", "CPA"]);
export type CardKind = v.InferOutput<typeof CardKindSchema>;

/** The card holder, read from the authentication certificate (never from Vitale or patient data). */
export const HolderSchema = v.object({
  /** PS_IdNat as in the certificate CN: `8`+RPPS (12 chars), `0`+ADELI (10 chars), or `<structure>/<local id>`. */
  nationalId: v.string(),
  idType: IdTypeSchema,
  surname: v.string(),
  givenName: v.string(),
  /** Certificate `T` (title), e.g. "Médecin". */
  profession: v.string(),
  kind: CardKindSchema,
});
export type Holder = v.InferOutput<typeof HolderSchema>;

/** Verdict on the certificate chain to IGC-Santé. `test` = chains to the test bench PKI (accepted in test mode only). */
export const ChainVerdictSchema = v.picklist(["production", "test", "untrusted"]);
export type ChainVerdict = v.InferOutput<typeof ChainVerdictSchema>;

export const CertificateSummarySchema = v.object({
  subject: v.string(),
  issuer: v.string(),
  serialNumber: v.string(),
  /** ISO 8601 */
  notBefore: v.string(),
  notAfter: v.string(),
  /** `valid`, `expired`, `not-yet-valid`, or `expiring` (valid, but notAfter within 30 days). */
  validity: v.picklist(["valid", "expiring", "expired", "not-yet-valid"]),
  daysLeft: v.number(),
  chain: ChainVerdictSchema,
  /** SHA-256 of the DER, hex. */
  fingerprint: v.string(),
});
export type CertificateSummary = v.InferOutput<typeof CertificateSummarySchema>;

export const PinStatusSchema = v.object({
  triesLeft: v.number(),
  maxTries: v.number(),
  blocked: v.boolean(),
  /** True when the PIN was verified in the current card session (the card answered 9000 to an empty VERIFY). */
  verified: v.boolean(),
});
export type PinStatus = v.InferOutput<typeof PinStatusSchema>;

/** One reader and what is in it. */
export const ReaderStatusSchema = v.object({
  name: v.string(),
  /** `empty`: no card; `present`: card answered its ATR; `mute`: a card is there but does not answer. */
  state: v.picklist(["empty", "present", "mute"]),
  /** Hex, upper case, no spaces. Absent when empty or mute. */
  atr: v.optional(v.string()),
  cardType: v.optional(CardTypeSchema),
  /** Card serial from EF.SN.ICC (CPS only). */
  serial: v.optional(v.string()),
  holder: v.optional(HolderSchema),
  certificate: v.optional(CertificateSummarySchema),
  pin: v.optional(PinStatusSchema),
  /** Set when reading the card failed: an ERR_ code of errors.ts (e.g. ERR_CARD_DATA_INVALID). */
  errorCode: v.optional(v.string()),
});
export type ReaderStatus = v.InferOutput<typeof ReaderStatusSchema>;

/** State of the PC/SC service as the agent's supervisor sees it. */
export const PcscStateSchema = v.picklist(["starting", "up", "down"]);
export type PcscState = v.InferOutput<typeof PcscStateSchema>;
