/**
 * The one state the background keeps and every extension UI renders (popup, pairing page, PIN window, options,
 * later the portal login assistant). The background owns it (background/state/store.ts); UIs receive whole
 * snapshots through the `cps-bridge.state` port (shared/messages.ts), never a partial diff, so a UI that
 * (re)connects is always consistent after one message.
 */
import type { ErrorCode } from "@cps-bridge/protocol/errors";
import type { PcscState, ReaderStatus } from "@cps-bridge/protocol/model";

/**
 * The agent connection as the doctor should understand it:
 * - `connecting`: a connection or reconnection attempt is under way;
 * - `unavailable`: nothing answers on 127.0.0.1:<port> (ERR_AGENT_UNAVAILABLE), retried with backoff;
 * - `unpaired`: the agent answers but this browser holds no pairing (ERR_NOT_PAIRED);
 * - `authenticating`: the mutual challenge-response runs;
 * - `connected`: authenticated; readers and card events flow;
 * - `error`: a failure that retrying alone cannot fix (version mismatch, untrusted agent, refused key);
 *   `errorCode` says which, and the popup says what to do.
 */
export type AgentStatus = "connecting" | "unavailable" | "unpaired" | "authenticating" | "connected" | "error";

export type UiLanguage = "fr" | "en";

export interface AgentView {
  status: AgentStatus;
  /** Set for `unavailable` and `error`, and for the last failure seen while `connecting` again. */
  errorCode?: ErrorCode;
  /** Details of that error as the agent sent them (never a PIN, OTP or national id: errors.ts ErrorDetails). */
  errorDetails?: Record<string, unknown>;
  port: number;
  agentVersion?: string;
  /** epoch ms of the last status change */
  since: number;
}

export interface ExtensionState {
  agent: AgentView;
  /** PC/SC service state as the agent's supervisor reports it; absent until connected. */
  pcsc?: PcscState;
  /** Known once connected; [] while disconnected (a stale reader list would lie about the card). */
  readers: ReaderStatus[];
  /** True once the reader list came from the agent in the current connection. */
  readersKnown: boolean;
  /** The last error met by an operation (pairing, PIN, login); shown until the next success. */
  lastErrorCode?: ErrorCode;
  language: UiLanguage;
  /** Is this browser paired with an agent (a key is in IndexedDB)? */
  paired: boolean;
  /** epoch ms */
  updatedAt: number;
}

export function initialState(port: number, language: UiLanguage, now = Date.now()): ExtensionState {
  return {
    agent: { status: "connecting", port, since: now },
    readers: [],
    readersKnown: false,
    language,
    paired: false,
    updatedAt: now,
  };
}
