/**
 * The contract between a virtual card (one card family per file in this folder) and the vpcd link that plugs it
 * into a reader slot of the real pcscd (../vpcd-link.ts). A card never throws and never hangs: every command APDU,
 * however malformed, gets an R-APDU (data ‖ SW1 SW2) — the link turns an exception into 6F00 as a last resort.
 */

/** Every profile the test bench can insert (README and `cps-testbed insert --help` list them). */
export const PROFILES = [
  "cps3",
  "cps3-blocked",
  "cps3-last-try",
  "cps3-expired",
  "cps3-not-yet-valid",
  "cps3-contactless",
  "cps4",
  "cps4-t0",
  "cpe",
  "cps2ter",
  "vitale2",
  "vitale1",
  "cnie",
  "bank",
  "mute",
  "unknown",
] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface HolderOptions {
  /** PS_IdNat: `8`+RPPS (11 digits) or `0`+ADELI (9 characters); for a CPE `<structure id>/<local id>`. */
  nationalId?: string;
  surname?: string;
  givenName?: string;
  /** Certificate `T`, e.g. "Médecin". */
  profession?: string;
}

/** Damage to the card's *content*, for the agent's tests of garbled cards. */
export type CardCorruption =
  | "certificate-der" // the authentication certificate file holds broken DER
  | "pkcs15-tlv" // the ODF/CDF hold a TLV whose length overruns its value
  | "serial-length"; // EF.SN.ICC is not 12 bytes

export interface CardOptions {
  holder?: HolderOptions;
  /** Default "1234" (ANS test cards' PIN, cps-card.md §2.4). */
  pin?: string;
  /** Default "12345678". */
  puk?: string;
  /** PIN tries left at insertion (max 3). */
  triesLeft?: number;
  /** Certificate validity; profiles cps3-expired / cps3-not-yet-valid set it. */
  notBefore?: Date;
  notAfter?: Date;
  corrupt?: CardCorruption;
  /** 10-digit card serial (EF.SN.ICC after the issuer prefix, TokenInfo label); default: random. */
  serial?: string;
}

/** What a virtual card holds, for tests to compare with what a driver read (never the private keys). */
export interface CardInfo {
  /** 10-digit serial, as in EF.SN.ICC and the TokenInfo label. */
  serial: string;
  holder: Required<HolderOptions>;
  kind: "CPS" | "CPF" | "CPE" | "CPA";
  /** TokenInfo label, e.g. `CPS3v3-2900995266`. */
  tokenLabel: string;
  /** DER of the certificates on the card. */
  certificates: { authentication?: Uint8Array; signature?: Uint8Array; technical?: Uint8Array };
  /** P2 of VERIFY (from the card's AODF). */
  pinReference?: number;
}

export interface VirtualCard {
  readonly profile: ProfileName;
  /** Answer to vpcd's GET ATR; `null` for a mute card, which connects but never answers its ATR. */
  readonly atr: Uint8Array | null;
  /** vpcd control bytes 0x01 / 0x00 / 0x02: a card loses its volatile state (PIN verified, selection, channels). */
  powerOn(): void;
  powerOff(): void;
  reset(): void;
  /** One command APDU in, one response APDU out. */
  transmit(command: Uint8Array): Uint8Array;
  /** PIN tries left now (for the API's `setTriesLeft` and for tests); `undefined` for cards without a PIN. */
  triesLeft?(): number | undefined;
  setTriesLeft?(n: number): void;
  /** Holder, serial and certificates of a CPx card (absent on Vitale, bank, unknown… cards). */
  readonly info?: CardInfo;
  /**
   * CPS4 only: puts the ChipDoc applet in the state where its commands answer 6985 until the ANS recovery
   * sequence (SELECT IDS on ch.1, SELECT CPS2ter on ch.0, SELECT ChipDoc on ch.1) is sent (cps-card.md §2.1).
   */
  simulateChannelDesync?(): void;
}
