/**
 * The one state store of the extension. The agent client, the pairing and PIN flows write to it; every UI
 * subscribes to it through the state port (background/state/ui-ports.ts); the badge follows it.
 *
 * Why a port and not only `storage.session.onChanged`: connecting a port wakes a stopped MV3 service worker
 * (opening the popup therefore restarts the agent connection), tells the background that somebody is looking
 * (the agent client then retries every second instead of backing off to 30 s), and works for content scripts,
 * which cannot read `storage.session` by default. The snapshot is *also* written to `storage.session` so that a
 * restarted worker shows the last known situation while it reconnects, instead of a blank.
 */
import type { ErrorCode } from "@cps-bridge/protocol/errors";
import type { PcscState, ReaderStatus } from "@cps-bridge/protocol/model";
import type { AgentView, ExtensionState, UiLanguage } from "../../shared/state";

export type Listener = (state: ExtensionState) => void;

/** Where the snapshot survives a service worker restart (`storage.session` in the extension). */
export interface SnapshotArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export const SNAPSHOT_KEY = "stateSnapshot";

export class StateStore {
  private state: ExtensionState;
  private readonly listeners = new Set<Listener>();
  private persistQueued = false;

  constructor(
    initial: ExtensionState,
    private readonly area?: SnapshotArea,
    private readonly now: () => number = Date.now,
  ) {
    this.state = initial;
  }

  get(): ExtensionState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Restores the snapshot a previous worker left in `storage.session`. Readers are kept for display but marked
   * unknown, and the agent shows as connecting: the fresh connection replaces both within milliseconds.
   */
  async restore(): Promise<boolean> {
    if (this.area === undefined) return false;
    const saved = (await this.area.get(SNAPSHOT_KEY))[SNAPSHOT_KEY] as ExtensionState | undefined;
    if (saved === undefined || typeof saved !== "object" || saved.agent === undefined) return false;
    this.replace({
      ...saved,
      agent: { ...saved.agent, status: "connecting", since: this.now() },
      readersKnown: false,
      // Settings may have changed while the worker was stopped: the live values win.
      language: this.state.language,
      paired: this.state.paired,
    });
    return true;
  }

  setAgent(patch: Partial<AgentView> & Pick<AgentView, "status">): void {
    const prev = this.state.agent;
    const changed = prev.status !== patch.status;
    const agent: AgentView = { ...prev, ...patch, since: changed ? this.now() : prev.since };
    if (changed && !("errorCode" in patch)) {
      delete agent.errorCode;
      delete agent.errorDetails;
    }
    // A reader list is only true while connected. It is kept through the first reconnection of a restarted
    // worker (restore(): shown as "updating"), and dropped as soon as the agent is known to be gone.
    const lost =
      patch.status === "unavailable" ||
      patch.status === "unpaired" ||
      patch.status === "error" ||
      (prev.status === "connected" && patch.status !== "connected");
    if (lost) {
      const { pcsc: _gone, ...rest } = this.state;
      this.replace({ ...rest, agent, readers: [], readersKnown: false });
    } else this.patch({ agent });
  }

  setReaders(readers: ReaderStatus[]): void {
    this.patch({ readers: sortReaders(readers), readersKnown: true });
  }

  /** A reader appeared or its card changed (inserted, identity read, PIN counter changed). */
  upsertReader(reader: ReaderStatus): void {
    const others = this.state.readers.filter((r) => r.name !== reader.name);
    this.patch({ readers: sortReaders([...others, reader]) });
  }

  /** The card left `name`: the reader stays, empty. */
  cardRemoved(name: string): void {
    const found = this.state.readers.some((r) => r.name === name);
    const emptied: ReaderStatus = { name, state: "empty" };
    this.patch({
      readers: sortReaders(
        found ? this.state.readers.map((r) => (r.name === name ? emptied : r)) : [...this.state.readers, emptied],
      ),
    });
  }

  readerDetached(name: string): void {
    this.patch({ readers: this.state.readers.filter((r) => r.name !== name) });
  }

  setPcsc(pcsc: PcscState): void {
    this.patch({ pcsc });
  }

  setLastError(code: ErrorCode | undefined): void {
    if (code === undefined) {
      const { lastErrorCode: _drop, ...rest } = this.state;
      this.replace(rest as ExtensionState);
    } else this.patch({ lastErrorCode: code });
  }

  setLanguage(language: UiLanguage): void {
    this.patch({ language });
  }

  setPaired(paired: boolean): void {
    this.patch({ paired });
  }

  setPort(port: number): void {
    this.patch({ agent: { ...this.state.agent, port } });
  }

  private patch(part: Partial<ExtensionState>): void {
    this.replace({ ...this.state, ...part });
  }

  private replace(next: ExtensionState): void {
    this.state = { ...next, updatedAt: this.now() };
    for (const l of [...this.listeners]) {
      try {
        l(this.state);
      } catch (e) {
        // One broken subscriber (a closed port) must not stop the others.
        console.warn("cps-bridge: state listener failed", e);
      }
    }
    this.schedulePersist();
  }

  /** Coalesces a burst of updates (hello + readers + card) into one `storage.session` write. */
  private schedulePersist(): void {
    if (this.area === undefined || this.persistQueued) return;
    this.persistQueued = true;
    queueMicrotask(() => {
      this.persistQueued = false;
      this.area?.set({ [SNAPSHOT_KEY]: this.state }).catch((e: unknown) => {
        console.warn("cps-bridge: could not persist the state snapshot", e);
      });
    });
  }
}

/** Stable order (by name) so UIs do not reshuffle when events arrive in another order. */
function sortReaders(readers: ReaderStatus[]): ReaderStatus[] {
  return [...readers].sort((a, b) => a.name.localeCompare(b.name));
}

/** Resolves with the first state (current or future) that satisfies `predicate`, or rejects after `timeoutMs`. */
export function waitForState(
  store: StateStore,
  predicate: (s: ExtensionState) => boolean,
  timeoutMs: number,
  onTimeout: () => Error,
): Promise<ExtensionState> {
  if (predicate(store.get())) return Promise.resolve(store.get());
  return new Promise((resolve, reject) => {
    const stop = store.subscribe((s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      stop();
      resolve(s);
    });
    const timer = setTimeout(() => {
      stop();
      reject(onTimeout());
    }, timeoutMs);
  });
}
