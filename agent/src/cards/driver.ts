/**
 * The one interface every card-family driver implements (cards/cps3-driver.ts IAS-ECC, cards/cps4-driver.ts
 * ChipDoc), chosen by the ATR table (cards/atr-table.ts `driver`). Web eID's libelectronic-id has the same split:
 * one class per card family behind `getCertificate / authPinInfo / signWithAuthKey` (research/anchors.md §1.1).
 *
 * A driver instance lives for one card session (insertion → removal) of one reader; every method is one
 * transaction on that reader (pcsc/reader-session.ts) that starts by selecting the card application.
 * Every method rejects with a BridgeError.
 */
import type { Holder, PinStatus } from "@cps-bridge/protocol/model";
import type { X509Certificate } from "@cps-bridge/protocol/x509";
import type { SignatureAlgorithm } from "../card-service";
import type { TransactionOptions } from "../pcsc/reader-session";
import type { DriverFamily } from "./atr-table";
import type { PinType } from "./pkcs15-schema";

/** The PIN as the card's AODF describes it (cps-card.md §2.4: read it, do not hard-code it). */
export interface PinInfo {
  /** P2 of VERIFY. */
  reference: number;
  type: PinType;
  minLength: number;
  maxLength: number;
  storedLength: number;
  needsPadding: boolean;
  padChar: number;
  label?: string;
}

/** Everything read once per card serial and then cached (cards/identity-cache.ts). */
export interface CardIdentity {
  /** EF.SN.ICC serial without the ANS issuer prefix: 10 digits (cps-card.md §2.2). */
  serial: string;
  certificate: X509Certificate;
  /** DER of the authentication certificate. */
  certificateDer: Uint8Array;
  holder: Holder;
  /** Authority certificates the card's CDF holds (may help the chain verdict). */
  caCertificates: X509Certificate[];
  /** Absent on an interface without PIN (CPS3 contactless, cps-card.md §1.2). */
  pin?: PinInfo;
  /** MSE SET key reference of the authentication key (CPS3 0x82, CPS4 0x20, cps-card.md §2.3). */
  authKeyReference: number;
  /** RSA modulus length of the authentication key, bytes. */
  modulusBytes: number;
}

export interface VerifyPinOptions extends TransactionOptions {
  /** Send the PIN even though only one try remains. */
  confirmLastTry?: boolean;
}

export interface CardDriver {
  readonly family: DriverFamily;
  /** Serial from EF.SN.ICC; then, unless cached for that serial, PKCS#15 + certificate + holder. */
  readIdentity(options?: TransactionOptions): Promise<CardIdentity>;
  /** Tries left / max without spending a try. */
  pinStatus(options?: TransactionOptions): Promise<PinStatus>;
  /**
   * Checks the format (4–8 digits, and the AODF's bounds) before any APDU; refuses the last try without
   * `confirmLastTry`; wipes `pin` and every buffer that held it, success or failure.
   */
  verifyPin(pin: Uint8Array, options?: VerifyPinOptions): Promise<PinStatus>;
  /** Signs `digest` (already hashed with `algorithm`'s hash) with the authentication key; verified before return. */
  signAuth(digest: Uint8Array, algorithm: SignatureAlgorithm, options?: TransactionOptions): Promise<Uint8Array>;
  /** The identity read in this session, if any (no APDU). */
  readonly identity: CardIdentity | undefined;
}
