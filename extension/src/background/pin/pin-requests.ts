/**
 * `requestPinAndSign`: the one way to a login token. Called by the `login.requestToken` handler (the portal login
 * assistant's content script, issue 6) with the origin the background computed from the sender tab.
 *
 *   checks (origin allowed, nonce shape, agent connected, a usable CPS card)  ─► opens pin.html in an
 *   extension-owned popup window (never a portal page: anchors.md §1.5) ─► the window sends the PIN once
 *   (`pin.submit`) ─► agent `pin.verify` ─► agent `login.sign {origin, challengeNonce}` ─► token.
 *
 * The PIN is never stored, logged or kept: it is read from the message, passed to the agent call and the
 * message's field overwritten. (JavaScript strings cannot be wiped in place: the honest promise is "no reference
 * kept"; the agent wipes its byte buffer, agent/src/card-service.ts.)
 */
import { BridgeError, type ErrorCode, isBridgeError } from "@cps-bridge/protocol/errors";
import { type LoginToken, normaliseOrigin, validateChallengeNonce } from "@cps-bridge/protocol/login-token-format";
import { cardStatus } from "@cps-bridge/protocol/methods/card-status";
import { loginSign } from "@cps-bridge/protocol/methods/login-sign";
import { pinVerify } from "@cps-bridge/protocol/methods/pin-verify";
import type { Holder, PinStatus, ReaderStatus } from "@cps-bridge/protocol/model";
import { allowedOrigins, type Settings } from "../../shared/settings";
import { isCps, mainReader, situationOf } from "../../shared/situation";
import type { AgentClient } from "../agent/agent-client";
import type { StateStore } from "../state/store";

export type SignOutcome =
  | { ok: true; token: LoginToken }
  | { ok: false; code: ErrorCode; details?: Record<string, unknown> };

export interface PinRequestInfo {
  requestId: string;
  origin: string;
  reader: string;
  cardType?: string;
  holder?: Holder;
  pin?: PinStatus;
  /**
   * Set once the request has ended (signed, blocked, cancelled…): the window shows it and only offers "Fermer".
   * Never the token: the PIN window has no use for it.
   */
  outcome?: { ok: true } | { ok: false; code: ErrorCode };
}

export type PinSubmitResult =
  | { status: "signed" }
  | { status: "wrong"; triesLeft: number; maxTries: number }
  | { status: "confirm-last-try" }
  | { status: "blocked" }
  | { status: "expired" }
  | { status: "error"; code: ErrorCode; final: boolean };

export interface WindowsApi {
  create(details: {
    url: string;
    type: "popup";
    width: number;
    height: number;
    focused: boolean;
  }): Promise<{ id?: number } | undefined>;
  remove(windowId: number): Promise<void>;
  update(windowId: number, info: { focused: boolean }): Promise<unknown>;
}

export interface PinRequestsDeps {
  client: Pick<AgentClient, "call">;
  store: StateStore;
  windows: WindowsApi;
  settings(): Settings;
  /** `browser.runtime.getURL("/pin.html")` */
  pinPageUrl: string;
  /** How long the doctor has to type the PIN (errors.ts ERR_USER_TIMEOUT says 2 minutes). */
  timeoutMs?: number;
  newId?(): string;
}

interface Pending {
  info: PinRequestInfo;
  challengeNonce: string;
  windowId?: number;
  busy: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve(outcome: SignOutcome): void;
  settled: boolean;
}

/** What a pin.html window shows, 420×600 CSS px: fits origin, holder, tries, keypad-free numeric field, help. */
const WINDOW_SIZE = { width: 440, height: 620 };

export class PinRequests {
  private readonly pending = new Map<string, Pending>();
  private readonly forgetTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly timeoutMs: number;

  constructor(private readonly deps: PinRequestsDeps) {
    this.timeoutMs = deps.timeoutMs ?? 120_000;
  }

  /**
   * Asks the doctor for the PIN in an extension window and signs the portal's challenge.
   * `origin` must come from the browser (sender-origin.ts), never from the page.
   * Resolves (never rejects) with the token or the error code to show.
   */
  async requestPinAndSign({
    origin,
    challengeNonce,
  }: {
    origin: string;
    challengeNonce: string;
    tabId?: number;
  }): Promise<SignOutcome> {
    let reader: ReaderStatus;
    let normalised: string;
    try {
      normalised = normaliseOrigin(origin, { allowHttpLocalhost: true });
      if (!allowedOrigins(this.deps.settings()).includes(normalised)) {
        throw new BridgeError("ERR_INVALID_ORIGIN", "Origin is not in the portal list (options)", {
          reason: "not allowed",
        });
      }
      validateChallengeNonce(challengeNonce);
      reader = await this.usableCard();
    } catch (e) {
      return failure(e);
    }
    for (const p of this.pending.values()) {
      if (!p.settled) {
        // One PIN window at a time: bring the open one to the front rather than stacking windows.
        if (p.windowId !== undefined) void this.deps.windows.update(p.windowId, { focused: true }).catch(() => {});
        return { ok: false, code: "ERR_ACTION_PENDING" };
      }
    }
    const requestId = this.deps.newId?.() ?? crypto.randomUUID();
    return new Promise<SignOutcome>((resolve) => {
      const p: Pending = {
        info: {
          requestId,
          origin: normalised,
          reader: reader.name,
          ...(reader.cardType ? { cardType: reader.cardType } : {}),
          ...(reader.holder ? { holder: reader.holder } : {}),
          ...(reader.pin ? { pin: reader.pin } : {}),
        },
        challengeNonce,
        busy: false,
        settled: false,
        timer: setTimeout(
          () => this.finish(requestId, { ok: false, code: "ERR_USER_TIMEOUT" }, { closeWindow: true }),
          this.timeoutMs,
        ),
        resolve,
      };
      this.pending.set(requestId, p);
      const url = `${this.deps.pinPageUrl}?request=${encodeURIComponent(requestId)}`;
      this.deps.windows
        .create({ url, type: "popup", focused: true, ...WINDOW_SIZE })
        .then((w) => {
          p.windowId = w?.id;
          if (p.settled && w?.id !== undefined) void this.deps.windows.remove(w.id).catch(() => {});
        })
        .catch(() => this.finish(requestId, { ok: false, code: "ERR_INTERNAL" }));
    });
  }

  /** What the PIN window displays. Undefined when the request is unknown or over (the window says "expired"). */
  info(requestId: string): PinRequestInfo | undefined {
    const p = this.pending.get(requestId);
    if (p === undefined) return undefined;
    // Live PIN status from the store (card.updated events) when it concerns the same reader.
    const live = this.deps.store.get().readers.find((r) => r.name === p.info.reader);
    return { ...p.info, ...(live?.pin ? { pin: live.pin } : {}) };
  }

  /**
   * The PIN typed in pin.html. `message.pin` is overwritten as soon as it has been handed to the agent call.
   */
  async submit(requestId: string, message: { pin: string; confirmLastTry?: boolean }): Promise<PinSubmitResult> {
    let pin = message.pin;
    message.pin = "";
    const p = this.pending.get(requestId);
    if (p === undefined || p.settled) {
      pin = "";
      return { status: "expired" };
    }
    if (p.busy) {
      pin = "";
      return { status: "error", code: "ERR_ACTION_PENDING", final: false };
    }
    if (typeof pin !== "string" || !/^\d{4,8}$/.test(pin)) {
      pin = "";
      return { status: "error", code: "ERR_PIN_FORMAT", final: false };
    }
    p.busy = true;
    try {
      const verifying = this.deps.client.call(pinVerify, {
        pin,
        reader: p.info.reader,
        ...(message.confirmLastTry ? { confirmLastTry: true } : {}),
      });
      pin = "";
      await verifying;
    } catch (e) {
      pin = "";
      p.busy = false;
      return this.pinFailed(requestId, p, e);
    }
    try {
      const token = await this.deps.client.call(loginSign, {
        origin: p.info.origin,
        challengeNonce: p.challengeNonce,
        reader: p.info.reader,
      });
      this.finish(requestId, { ok: true, token });
      return { status: "signed" };
    } catch (e) {
      const f = failure(e);
      this.finish(requestId, f);
      return { status: "error", code: f.ok ? "ERR_INTERNAL" : f.code, final: true };
    } finally {
      p.busy = false;
    }
  }

  cancel(requestId: string): void {
    this.finish(requestId, { ok: false, code: "ERR_USER_CANCELLED" });
  }

  /** `windows.onRemoved`: closing the PIN window is a cancel. */
  windowRemoved(windowId: number): void {
    for (const [id, p] of this.pending) {
      if (p.windowId === windowId) {
        this.finish(id, { ok: false, code: "ERR_USER_CANCELLED" });
        this.pending.delete(id);
      }
    }
  }

  /** The card the login will use, freshly read; throws the code of whatever makes it unusable. */
  private async usableCard(): Promise<ReaderStatus> {
    const state = this.deps.store.get();
    const first = situationOf(state);
    if (first.code !== undefined && first.kind !== "pin-last-try") throw new BridgeError(first.code);
    const reader = mainReader(state.readers);
    if (reader === undefined || !isCps(reader.cardType)) throw new BridgeError("ERR_NO_CARD");
    // Fresh tries counter and certificate before asking for a PIN (the cache may predate another program's use).
    const fresh = await this.deps.client.call(cardStatus, { reader: reader.name });
    this.deps.store.upsertReader(fresh);
    const s = situationOf(this.deps.store.get());
    if (s.code !== undefined && s.kind !== "pin-last-try") throw new BridgeError(s.code);
    if (s.kind === "card-reading") throw new BridgeError("ERR_CARD_DATA_INVALID", "Card identity not read");
    return fresh;
  }

  private pinFailed(requestId: string, p: Pending, e: unknown): PinSubmitResult {
    const code: ErrorCode = isBridgeError(e) ? e.code : "ERR_INTERNAL";
    const details = isBridgeError(e) ? e.details : undefined;
    switch (code) {
      case "ERR_PIN_INCORRECT": {
        const triesLeft = typeof details?.triesLeft === "number" ? details.triesLeft : (p.info.pin?.triesLeft ?? 0) - 1;
        const maxTries = p.info.pin?.maxTries ?? 3;
        this.setPin(p, { triesLeft, maxTries, blocked: triesLeft <= 0, verified: false });
        return { status: "wrong", triesLeft, maxTries };
      }
      case "ERR_PIN_LAST_TRY":
        return { status: "confirm-last-try" };
      case "ERR_PIN_BLOCKED":
        this.setPin(p, { triesLeft: 0, maxTries: p.info.pin?.maxTries ?? 3, blocked: true, verified: false });
        this.finish(requestId, { ok: false, code });
        return { status: "blocked" };
      case "ERR_PIN_FORMAT":
      case "ERR_RATE_LIMITED":
      case "ERR_ACTION_PENDING":
      case "ERR_READER_BUSY":
        return { status: "error", code, final: false };
      default:
        this.finish(requestId, { ok: false, code });
        return { status: "error", code, final: true };
    }
  }

  /**
   * The new PIN counter, in the request and in the store at once (the popup and badge follow without waiting for
   * the agent's card.updated event, which confirms it moments later).
   */
  private setPin(p: Pending, pin: PinStatus): void {
    p.info.pin = pin;
    const reader = this.deps.store.get().readers.find((r) => r.name === p.info.reader);
    if (reader) this.deps.store.upsertReader({ ...reader, pin });
  }

  /** Ends every request and clears their timers (tests; an extension update). */
  dispose(): void {
    for (const id of [...this.pending.keys()]) this.finish(id, { ok: false, code: "ERR_USER_CANCELLED" });
    for (const t of this.forgetTimers) clearTimeout(t);
    this.forgetTimers.clear();
    this.pending.clear();
  }

  private finish(requestId: string, outcome: SignOutcome, { closeWindow = false } = {}): void {
    const p = this.pending.get(requestId);
    if (p === undefined || p.settled) return;
    p.settled = true;
    p.info.outcome = outcome.ok ? { ok: true } : { ok: false, code: outcome.code };
    clearTimeout(p.timer);
    p.resolve(outcome);
    if (closeWindow && p.windowId !== undefined) void this.deps.windows.remove(p.windowId).catch(() => {});
    // Forget the request (and the nonce) shortly after: the window can still read the outcome meanwhile.
    const t = setTimeout(() => {
      this.forgetTimers.delete(t);
      this.pending.delete(requestId);
    }, 60_000);
    this.forgetTimers.add(t);
  }
}

function failure(e: unknown): SignOutcome {
  if (isBridgeError(e)) {
    return { ok: false, code: e.code, ...(e.details ? { details: e.details as Record<string, unknown> } : {}) };
  }
  console.warn("cps-bridge: login failed", e);
  return { ok: false, code: "ERR_INTERNAL" };
}
