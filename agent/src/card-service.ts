/**
 * What the rest of the agent (the WebSocket bridge's method handlers, the CLI) may ask of the card layer.
 * Implemented by cards/card-service-impl.ts over the PC/SC supervisor and the card drivers; the bridge's unit
 * tests implement it with an in-process fake. Every method rejects with a BridgeError (protocol/src/errors.ts).
 */
import type { PcscState, PinStatus, ReaderStatus } from "@cps-bridge/protocol/model";

export type SignatureAlgorithm = "RS256" | "RS384" | "RS512";

export interface SignResult {
  /** DER of the authentication certificate the signature verifies with. */
  certificate: Uint8Array;
  algorithm: SignatureAlgorithm;
  /** Raw RSA PKCS#1 v1.5 signature (256 bytes for RSA-2048). Already verified by the agent. */
  signature: Uint8Array;
}

export interface CardOperationOptions {
  /** Reader name; default: the only reader holding a CPS card, else ERR_NO_CARD / ERR_NOT_A_CPS. */
  reader?: string;
  /** `false`: fail with ERR_ACTION_PENDING instead of queuing behind a running operation. Default true. */
  wait?: boolean;
  signal?: AbortSignal;
}

export type CardServiceEvent =
  | { type: "reader.attached"; reader: string }
  | { type: "reader.detached"; reader: string }
  | { type: "card.inserted"; reader: ReaderStatus }
  | { type: "card.removed"; reader: string }
  /** Holder / certificate / PIN status of a card changed (after its identity was read, a PIN try...). */
  | { type: "card.updated"; reader: ReaderStatus }
  | { type: "pcsc.state"; state: PcscState };

export interface CardService {
  /**
   * Resolves once the first enumeration is done: the service is up and the readers present now are in `readers()`
   * (their cards being read), or the service is known to be down (`pcscState()` = "down"; it keeps retrying).
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  pcscState(): PcscState;
  /** Cached view: no APDU. Identity and PIN status appear once read (reads start at insertion). */
  readers(): ReaderStatus[];
  /**
   * Reads (or returns cached) identity + certificate summary + PIN status of one card. With `options.reader`, that
   * reader's status whatever it holds (empty, mute, a Vitale… with `errorCode` when a CPS could not be read);
   * without, the reader holding a CPS card (errors as documented on `CardOperationOptions.reader`).
   */
  cardStatus(options?: CardOperationOptions): Promise<ReaderStatus>;
  pinStatus(options?: CardOperationOptions): Promise<PinStatus>;
  /**
   * Sends the PIN (ASCII digits) to the card. The buffer is wiped (filled with 0) before this resolves or rejects.
   * Refuses with ERR_PIN_LAST_TRY when one try remains unless `confirmLastTry`.
   */
  verifyPin(pin: Uint8Array, options?: CardOperationOptions & { confirmLastTry?: boolean }): Promise<PinStatus>;
  /** Signs a digest with the authentication key; the PIN must have been verified in this card session. */
  signAuth(digest: Uint8Array, algorithm: SignatureAlgorithm, options?: CardOperationOptions): Promise<SignResult>;
  subscribe(listener: (event: CardServiceEvent) => void): () => void;
}
