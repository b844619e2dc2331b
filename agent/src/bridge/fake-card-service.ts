/**
 * An in-process CardService for the bridge's unit tests and for transport-level integration tests (gates, caps,
 * fuzzing, benchmark of the WebSocket path), where the subject is the bridge, not the card. It behaves like the
 * interface says: one operation at a time per reader (queued, or ERR_ACTION_PENDING with `wait: false`), PIN tries
 * counting down to blocked, ERR_PIN_LAST_TRY without `confirmLastTry`, ERR_PIN_REQUIRED before a verified PIN,
 * the PIN buffer wiped, real RSA PKCS#1 v1.5 signatures under a real self-signed X.509 certificate.
 * The real card stack is exercised by the *.itest.ts files that use the test bench.
 */
import { constants as cryptoConstants, generateKeyPairSync, type KeyObject, privateEncrypt } from "node:crypto";
import { BridgeError } from "@cps-bridge/protocol/errors";
import type { PcscState, PinStatus, ReaderStatus } from "@cps-bridge/protocol/model";
import * as x509 from "@cps-bridge/protocol/x509";
import type {
  CardOperationOptions,
  CardService,
  CardServiceEvent,
  SignatureAlgorithm,
  SignResult,
} from "../card-service";

const DIGEST_INFO_PREFIX: Record<SignatureAlgorithm, string> = {
  RS256: "3031300d060960864801650304020105000420",
  RS384: "3041300d060960864801650304020205000430",
  RS512: "3051300d060960864801650304020305000440",
};

export interface FakeSigner {
  certificate: Uint8Array;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** An RSA-2048 key and a self-signed certificate for it (what a card's authentication certificate looks like). */
export async function createFakeSigner(): Promise<FakeSigner> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const keys = {
    privateKey: await crypto.subtle.importKey(
      "pkcs8",
      privateKey.export({ type: "pkcs8", format: "der" }),
      alg,
      false,
      ["sign"],
    ),
    publicKey: await crypto.subtle.importKey("spki", publicKey.export({ type: "spki", format: "der" }), alg, true, [
      "verify",
    ]),
  };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=FAKE TEST CARD, O=cps-bridge unit tests",
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    signingAlgorithm: alg,
    keys,
  });
  return { certificate: new Uint8Array(cert.rawData), privateKey, publicKey };
}

export interface FakeCardServiceOptions {
  pin?: string;
  maxTries?: number;
  /** Milliseconds each card operation takes. */
  operationMs?: number;
  signer?: FakeSigner;
}

export class FakeCardService implements CardService {
  private listeners = new Set<(e: CardServiceEvent) => void>();
  private state: PcscState = "up";
  private readerList: ReaderStatus[];
  private triesLeft: number;
  private verified = false;
  private busy = new Map<string, Promise<unknown>>();
  /** Every PIN buffer handed to verifyPin, to check it was wiped. */
  readonly seenPinBuffers: Uint8Array[] = [];
  /** When set, card operations never finish (until aborted): deadline tests. */
  hang = false;
  started = false;
  stopped = false;

  constructor(private readonly options: FakeCardServiceOptions = {}) {
    this.triesLeft = options.maxTries ?? 3;
    this.readerList = [
      {
        name: "Fake Reader 00",
        state: "present",
        atr: "3B8F8001805A0A0103200311",
        cardType: "cps3",
        pin: this.pinState(),
      },
    ];
  }

  async start(): Promise<void> {
    this.started = true;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  pcscState(): PcscState {
    return this.state;
  }
  readers(): ReaderStatus[] {
    return this.readerList.map((r) => ({ ...r }));
  }

  emit(e: CardServiceEvent): void {
    if (e.type === "pcsc.state") this.state = e.state;
    for (const l of this.listeners) l(e);
  }

  subscribe(listener: (event: CardServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async cardStatus(options?: CardOperationOptions): Promise<ReaderStatus> {
    return this.operation(options, async (r) => ({ ...r, pin: this.pinState() }));
  }

  async pinStatus(options?: CardOperationOptions): Promise<PinStatus> {
    return this.operation(options, async () => this.pinState());
  }

  async verifyPin(pin: Uint8Array, options?: CardOperationOptions & { confirmLastTry?: boolean }): Promise<PinStatus> {
    this.seenPinBuffers.push(pin);
    try {
      return await this.operation(options, async () => {
        if (this.triesLeft === 0) throw new BridgeError("ERR_PIN_BLOCKED");
        if (this.triesLeft === 1 && !options?.confirmLastTry) {
          throw new BridgeError("ERR_PIN_LAST_TRY", undefined, { triesLeft: 1 });
        }
        const ok = Buffer.from(pin).toString("ascii") === (this.options.pin ?? "1234");
        if (!ok) {
          this.triesLeft--;
          this.verified = false;
          if (this.triesLeft === 0) throw new BridgeError("ERR_PIN_BLOCKED");
          throw new BridgeError("ERR_PIN_INCORRECT", undefined, { triesLeft: this.triesLeft });
        }
        this.triesLeft = this.options.maxTries ?? 3;
        this.verified = true;
        return this.pinState();
      });
    } finally {
      pin.fill(0);
    }
  }

  async signAuth(
    digest: Uint8Array,
    algorithm: SignatureAlgorithm,
    options?: CardOperationOptions,
  ): Promise<SignResult> {
    return this.operation(options, async () => {
      if (!this.verified) throw new BridgeError("ERR_PIN_REQUIRED");
      const signer = this.options.signer;
      if (!signer) throw new BridgeError("ERR_CARD_OPERATION_FAILED", "fake card has no signer");
      const block = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[algorithm], "hex"), Buffer.from(digest)]);
      const signature = privateEncrypt({ key: signer.privateKey, padding: cryptoConstants.RSA_PKCS1_PADDING }, block);
      return { certificate: signer.certificate, algorithm, signature: new Uint8Array(signature) };
    });
  }

  private pinState(): PinStatus {
    const maxTries = this.options.maxTries ?? 3;
    return { triesLeft: this.triesLeft, maxTries, blocked: this.triesLeft === 0, verified: this.verified };
  }

  private async operation<T>(
    options: CardOperationOptions | undefined,
    fn: (r: ReaderStatus) => Promise<T>,
  ): Promise<T> {
    if (this.state !== "up") throw new BridgeError("ERR_PCSC_SERVICE_DOWN");
    const reader = options?.reader
      ? this.readerList.find((r) => r.name === options.reader)
      : this.readerList.find((r) => r.state === "present");
    if (!reader) throw new BridgeError(options?.reader ? "ERR_READER_NOT_FOUND" : "ERR_NO_CARD");
    const running = this.busy.get(reader.name);
    if (running && options?.wait === false) throw new BridgeError("ERR_ACTION_PENDING");
    const run = (async () => {
      if (running) await running.catch(() => undefined);
      await this.delay(options?.signal);
      return fn(reader);
    })();
    this.busy.set(reader.name, run);
    try {
      return await run;
    } finally {
      if (this.busy.get(reader.name) === run) this.busy.delete(reader.name);
    }
  }

  private delay(signal: AbortSignal | undefined): Promise<void> {
    const ms = this.hang ? 2 ** 31 - 1 : (this.options.operationMs ?? 0);
    if (ms === 0 && !signal?.aborted) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      const abort = () => {
        clearTimeout(t);
        reject(signal?.reason ?? new BridgeError("ERR_CARD_OPERATION_FAILED", "aborted"));
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener("abort", abort, { once: true });
    });
  }
}
